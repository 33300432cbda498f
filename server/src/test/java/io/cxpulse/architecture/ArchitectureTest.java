package io.cxpulse.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The floor plan of README.md ("Architecture"), checked on the compiled classes: every dependency
 * between two packages (imports, and fully qualified uses, which an import scan would miss) goes
 * down the floors or along one floor, never up, and no set of packages depends on itself in a
 * circle. Run on its own ({@code ./mvnw -pl server test -Dtest=ArchitectureTest}), it prints the
 * package graph, floor by floor.
 */
@DisplayName("The floor plan: packages depend downwards, never in a circle")
class ArchitectureTest {
  /** Floors from the ground up, as README.md draws them; packages on one floor may use each other (without a circle). */
  static final Map<String, Integer> FLOORS = new LinkedHashMap<>();

  static {
    floor(0, "score", "config", "text");
    floor(1, "catalog");
    floor(2, "counters");
    floor(3, "store", "metrics");
    floor(4, "auth");
    floor(5, "http");
    floor(6, "live");
    floor(7, "ingest", "cases", "value", "analysis", "devices", "catalog.admin");
    floor(8, "server");
    floor(9, "", "demo");
  }

  /**
   * Dependencies that go up a floor on purpose, each with its reason. Keep this list short: each
   * entry is a question a reviewer asked and the answer.
   */
  static final Map<String, String> UPWARDS = Map.of();

  private static void floor(int floor, String... packages) {
    for (String p : packages) FLOORS.put(p.isEmpty() ? "io.cxpulse" : "io.cxpulse." + p, floor);
  }

  private static Map<String, Set<String>> graph;

  @BeforeAll
  static void readClasses() {
    JavaClasses classes = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.cxpulse");
    graph = new TreeMap<>();
    for (JavaClass c : classes) {
      String from = c.getPackageName();
      graph.computeIfAbsent(from, k -> new TreeSet<>());
      for (Dependency d : c.getDirectDependenciesFromSelf()) {
        String to = d.getTargetClass().getPackageName();
        if (to.startsWith("io.cxpulse") && !to.equals(from)) graph.get(from).add(to);
      }
    }
    StringBuilder out = new StringBuilder("package graph (floor: package -> the packages it uses)\n");
    graph.keySet().stream()
        .sorted((a, b) -> Integer.compare(FLOORS.getOrDefault(a, -1), FLOORS.getOrDefault(b, -1)))
        .forEach(p -> out.append(FLOORS.getOrDefault(p, -1)).append(": ").append(p.replace("io.cxpulse.", ""))
            .append(" -> ").append(graph.get(p).stream().map(q -> q.replace("io.cxpulse.", "")).toList()).append('\n'));
    System.out.print(out);
  }

  @Test
  @DisplayName("every package has a floor in README.md's plan")
  void everyPackageHasAFloor() {
    assertThat(graph.keySet()).allSatisfy(p -> assertThat(FLOORS).as("floor of " + p).containsKey(p));
  }

  @Test
  @DisplayName("no dependency runs up a floor, except the listed ones with their reasons")
  void nothingRunsUp() {
    List<String> upwards = new ArrayList<>();
    graph.forEach((from, tos) -> {
      for (String to : tos) {
        if (FLOORS.getOrDefault(to, 99) > FLOORS.getOrDefault(from, 99)) upwards.add(short_(from) + " -> " + short_(to));
      }
    });
    assertThat(upwards).as("dependencies that run up a floor").containsExactlyInAnyOrderElementsOf(UPWARDS.keySet());
  }

  @Test
  @DisplayName("no package cycle")
  void noCycles() {
    assertThat(cycles(graph)).as("strongly connected sets of packages").isEmpty();
  }

  private static String short_(String p) {
    return p.equals("io.cxpulse") ? "(root)" : p.replace("io.cxpulse.", "");
  }

  /** Tarjan's strongly connected components of more than one package. */
  static List<Set<String>> cycles(Map<String, Set<String>> g) {
    Map<String, Integer> index = new HashMap<>(), low = new HashMap<>();
    Deque<String> stack = new ArrayDeque<>();
    Set<String> onStack = new TreeSet<>();
    List<Set<String>> out = new ArrayList<>();
    int[] next = {0};
    for (String v : g.keySet()) if (!index.containsKey(v)) strong(v, g, index, low, stack, onStack, out, next);
    return out;
  }

  private static void strong(String v, Map<String, Set<String>> g, Map<String, Integer> index, Map<String, Integer> low,
      Deque<String> stack, Set<String> onStack, List<Set<String>> out, int[] next) {
    index.put(v, next[0]);
    low.put(v, next[0]++);
    stack.push(v);
    onStack.add(v);
    for (String w : g.getOrDefault(v, Set.of())) {
      if (!index.containsKey(w)) {
        strong(w, g, index, low, stack, onStack, out, next);
        low.put(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.contains(w)) {
        low.put(v, Math.min(low.get(v), index.get(w)));
      }
    }
    if (low.get(v).equals(index.get(v))) {
      Set<String> component = new TreeSet<>();
      String w;
      do {
        w = stack.pop();
        onStack.remove(w);
        component.add(short_(w));
      } while (!w.equals(v));
      if (component.size() > 1) out.add(component);
    }
  }
}
