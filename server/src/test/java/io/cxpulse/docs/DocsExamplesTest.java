package io.cxpulse.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxpulse.testing.Reference;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.math3.distribution.TDistribution;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The JSON examples of the API documents cannot drift from the formulas: every {@code json} block
 * of {@code docs/api-analysis.md} and {@code docs/api-closed-loop.md} is read (elisions "…" allowed)
 * and every number that follows from other numbers of the same example is recomputed by the
 * independent implementation of the tests ({@link Reference}) and compared at the precision the
 * document prints: NPS scores, margins, intervals and their symmetry; changes and their z; Wilson
 * intervals of rates; means, shares and their intervals from histograms; reason attention; revenue
 * at risk (total, direct and crude effects, exact p-values, revenue); earned growth. Counts are the
 * examples' inputs; a number the example does not let one derive is elided ("…").
 */
@DisplayName("Docs examples: every derived number in the API documents is recomputed and matches")
class DocsExamplesTest {
  private static final String NUMBER = "#num:";
  private static final String ELIDED = "#elided";
  private static final Pattern JSON_BLOCK = Pattern.compile("```json\\n(.*?)```", Pattern.DOTALL);
  private static final Pattern NUMBER_LITERAL = Pattern.compile("-?\\d+(\\.\\d+)?([eE][-+]?\\d+)?");

  private final Map<String, Integer> checks = new TreeMap<>();
  private final List<String> failures = new ArrayList<>();
  private String where;

  static Path docs() {
    Path p = Path.of("..", "docs");
    return Files.isDirectory(p) ? p : Path.of("docs");
  }

  @Test
  @DisplayName("docs/api-analysis.md: NPS objects, changes, rating histograms, reason attention")
  void analysis() throws IOException {
    check("api-analysis.md");
    assertThat(failures).isEmpty();
    assertThat(checks.getOrDefault("nps", 0)).isGreaterThanOrEqualTo(10);
    assertThat(checks.getOrDefault("change", 0)).isEqualTo(2);
    assertThat(checks.getOrDefault("histogram", 0)).isEqualTo(2);
    assertThat(checks.getOrDefault("attention", 0)).isGreaterThanOrEqualTo(2);
  }

  @Test
  @DisplayName("docs/api-closed-loop.md: rates, revenue at risk (total, direct, crude, p, revenue), earned growth")
  void closedLoop() throws IOException {
    check("api-closed-loop.md");
    assertThat(failures).isEmpty();
    assertThat(checks.getOrDefault("rate", 0)).isGreaterThanOrEqualTo(20);
    assertThat(checks.getOrDefault("revenue item", 0)).isEqualTo(3);
    assertThat(checks.getOrDefault("direct", 0)).isEqualTo(2);
    assertThat(checks.getOrDefault("earned growth", 0)).isGreaterThanOrEqualTo(1);
  }

  @Test
  @DisplayName("the checker itself finds a wrong number (the old MoE 9.9 where the formula gives 9.37)")
  void checkerFindsDrift() {
    walk(parse("{\"n\":288,\"promoters\":120,\"passives\":90,\"detractors\":78,\"score\":14.58,\"moe\":9.9}").get(0),
        new ArrayDeque<>());
    assertThat(failures).hasSize(1);
    assertThat(failures.get(0)).contains("moe");
  }

  private void check(String file) throws IOException {
    String text = Files.readString(docs().resolve(file));
    Matcher m = JSON_BLOCK.matcher(text);
    int block = 0;
    while (m.find()) {
      block++;
      for (Object value : parse(m.group(1))) {
        where = file + " block " + block;
        walk(value, new ArrayDeque<>());
      }
    }
    System.out.println(file + ": " + checks);
  }

  // ---- reading the examples

  /** The top-level JSON values of a block, with "…" elisions removed and numbers kept as their literals. */
  static List<Object> parse(String text) {
    // A fragment ("cases": {…}) is read as the object it belongs in.
    String block = text.strip().startsWith("\"") ? "{" + text + "}" : text;
    StringBuilder out = new StringBuilder();
    List<String> values = new ArrayList<>();
    int depth = 0;
    for (int i = 0; i < block.length(); i++) {
      char c = block.charAt(i);
      if (c == '"') {
        int j = i + 1;
        while (block.charAt(j) != '"') j += block.charAt(j) == '\\' ? 2 : 1;
        out.append(block, i, j + 1);
        i = j;
      } else if (c == '…') {
        int j = i;
        while (j + 1 < block.length() && ",}]".indexOf(block.charAt(j + 1)) < 0) j++;
        String before = out.toString().stripTrailing();
        if (before.endsWith(":")) out.append('"').append(ELIDED).append('"');
        i = j;
      } else if (c == '-' || Character.isDigit(c)) {
        Matcher n = NUMBER_LITERAL.matcher(block);
        n.find(i);
        out.append('"').append(NUMBER).append(n.group()).append('"');
        i = n.end() - 1;
      } else {
        out.append(c);
        if (c == '{' || c == '[') depth++;
        if (c == '}' || c == ']') {
          depth--;
          if (depth == 0) {
            values.add(out.toString());
            out.setLength(0);
          }
        }
      }
    }
    List<Object> parsed = new ArrayList<>();
    for (String v : values) {
      String clean = v.trim();
      String previous;
      do {
        previous = clean;
        clean = clean.replaceAll(",\\s*([}\\]])", "$1").replaceAll("([\\[{])\\s*,", "$1").replaceAll(",\\s*,", ",");
      } while (!clean.equals(previous));
      parsed.add(clean.startsWith("[") ? new JsonArray(clean) : new JsonObject(clean));
    }
    return parsed;
  }

  private static JsonObject obj(JsonObject o, String key) {
    return o != null && o.getValue(key) instanceof JsonObject j ? j : null;
  }

  private static JsonArray arr(JsonObject o, String key) {
    return o != null && o.getValue(key) instanceof JsonArray a ? a : null;
  }

  private static Double num(JsonObject o, String key) {
    return o == null || !(o.getValue(key) instanceof String s) || !s.startsWith(NUMBER) ? null
        : Double.parseDouble(s.substring(NUMBER.length()));
  }

  private static Double num(JsonArray a, int i) {
    return a == null || a.size() <= i || !(a.getValue(i) instanceof String s) || !s.startsWith(NUMBER) ? null
        : Double.parseDouble(s.substring(NUMBER.length()));
  }

  /** Half a unit of the last printed digit: 9.37 is 9.365..9.375; 4.29e-7 is 4.285e-7..4.295e-7. */
  private static double tolerance(String literal) {
    BigDecimal d = new BigDecimal(literal);
    return 0.5 * Math.pow(10, -d.scale()) + 1e-12;
  }

  private void expect(JsonObject o, String key, double expected) {
    Object v = o.getValue(key);
    if (!(v instanceof String s) || !s.startsWith(NUMBER)) return;
    compare(s.substring(NUMBER.length()), expected, key, o);
  }

  private void expect(JsonArray a, int i, double expected, String what, JsonObject o) {
    if (a == null || a.size() <= i || !(a.getValue(i) instanceof String s) || !s.startsWith(NUMBER)) return;
    compare(s.substring(NUMBER.length()), expected, what + "[" + i + "]", o);
  }

  private void compare(String literal, double expected, String what, JsonObject o) {
    double printed = Double.parseDouble(literal);
    if (Math.abs(printed - expected) > tolerance(literal)) {
      failures.add(where + ": " + what + " is " + literal + ", the formula gives " + expected + " in " + o.encode());
    }
  }

  private void expectFlag(JsonObject o, String key, boolean expected) {
    if (o.getValue(key) instanceof Boolean b && b != expected) {
      failures.add(where + ": " + key + " is " + b + ", the rule gives " + expected + " in " + o.encode());
    }
  }

  private void count(String kind) {
    checks.merge(kind, 1, Integer::sum);
  }

  // ---- the checks

  private void walk(Object node, Deque<JsonObject> ancestors) {
    if (node instanceof JsonArray a) {
      for (Object o : a) walk(o, ancestors);
      return;
    }
    if (!(node instanceof JsonObject o)) return;
    npsObject(o, ancestors);
    rate(o);
    histogram(o);
    change(o);
    revenue(o);
    earnedGrowth(o);
    ancestors.push(o);
    for (String key : o.fieldNames()) walk(o.getValue(key), ancestors);
    ancestors.pop();
  }

  /** An NPS (or sub-NPS) with its counts: score, margin, interval widened to the score, symmetry; attention. */
  private void npsObject(JsonObject o, Deque<JsonObject> ancestors) {
    String scoreKey = o.containsKey("subNps") ? "subNps" : "score";
    Double p = num(o, "promoters"), d = num(o, "detractors");
    Double n = o.containsKey("reasonN") ? num(o, "reasonN") : num(o, "n");
    if (p == null || d == null || n == null || !o.containsKey(scoreKey)) return;
    if (n == 0) return;
    double passives = num(o, "passives") != null ? num(o, "passives") : n - p - d;
    double[] r = Reference.nps(p.longValue(), (long) passives, d.longValue());
    expect(o, scoreKey, r[0]);
    expect(o, o.containsKey("subNpsMoe") ? "subNpsMoe" : "moe", r[1]);
    expect(arr(o, "ci"), 0, r[2], "ci", o);
    expect(arr(o, "ci"), 1, r[3], "ci", o);
    expectFlag(o, "ciSymmetric", Math.abs(r[0] - r[1] - r[2]) <= 1 && Math.abs(r[0] + r[1] - r[3]) <= 1);
    expectFlag(o, "lowConfidence", n < 30);
    count("nps");
    // Attention: the item's n over the NPS respondents of its reply (the alert's n, or an enclosing reply's n).
    if (o.containsKey("attention")) {
      Double total = o.containsKey("reasonN") ? num(o, "n") : null;
      for (JsonObject a : ancestors) {
        if (total == null && num(a, "n") != null && !a.containsKey("promoters")) total = num(a, "n");
      }
      if (total == null) return;
      expect(o, "attention", n / total);
      double[] w = Reference.wilson(n, total);
      expect(arr(o, "attentionCi"), 0, w[0], "attentionCi", o);
      expect(arr(o, "attentionCi"), 1, w[1], "attentionCi", o);
      count("attention");
    }
  }

  /** A rate k of n in %: the share and its Wilson interval. */
  private void rate(JsonObject o) {
    Double k = num(o, "k"), n = num(o, "n");
    if (k == null || n == null || !o.containsKey("rate") || n == 0) return;
    expect(o, "rate", 100 * k / n);
    double[] w = Reference.wilson(k, n);
    expect(arr(o, "ci"), 0, 100 * w[0], "ci", o);
    expect(arr(o, "ci"), 1, 100 * w[1], "ci", o);
    count("rate");
  }

  /** A CSAT (1–5) or CES (1–7) card with its histogram: mean, share, their intervals. */
  private void histogram(JsonObject o) {
    JsonArray h = arr(o, "histogram");
    if (h == null || !o.containsKey("mean") || (h.size() != 5 && h.size() != 7) || num(h, 0) == null) return;
    long[] counts = new long[h.size()];
    long n = 0, top = 0;
    for (int i = 0; i < counts.length; i++) {
      counts[i] = num(h, i).longValue();
      n += counts[i];
      if (i >= counts.length - (counts.length == 5 ? 2 : 3)) top += counts[i];
    }
    double[] t = Reference.tInterval(counts);
    expect(o, "n", n);
    expect(o, "mean", t[0]);
    expect(arr(o, "meanCi"), 0, t[1], "meanCi", o);
    expect(arr(o, "meanCi"), 1, t[2], "meanCi", o);
    String share = counts.length == 5 ? "top2" : "easy";
    expect(o, share, 100.0 * top / n);
    double[] w = Reference.wilson(top, n);
    expect(arr(o, share + "Ci"), 0, 100 * w[0], share + "Ci", o);
    expect(arr(o, share + "Ci"), 1, 100 * w[1], share + "Ci", o);
    // Independent check of the t quantile the interval uses: Commons Math against the printed width.
    assertThat(new TDistribution(null, n - 1).inverseCumulativeProbability(0.975)).isGreaterThan(1.96);
    count("histogram");
  }

  /** A card with its previous card and change.nps: delta, pooled z, significance, verdict. */
  private void change(JsonObject o) {
    JsonObject change = obj(obj(o, "change"), "nps");
    JsonObject now = obj(o, "nps");
    JsonObject before = obj(obj(o, "previous"), "nps");
    if (change == null || now == null || before == null || num(before, "promoters") == null) return;
    double n1 = num(now, "n"), n2 = num(before, "n");
    double p1 = num(now, "promoters"), d1 = num(now, "detractors"), p2 = num(before, "promoters"), d2 = num(before, "detractors");
    double delta = 100 * (p1 - d1) / n1 - 100 * (p2 - d2) / n2;
    double z = Reference.npsChangeZ((long) p1, (long) d1, (long) n1, (long) p2, (long) d2, (long) n2);
    boolean enough = n1 >= 30 && n2 >= 30;
    boolean significant = enough && Math.abs(z) > Reference.CHANGE_CRITICAL;
    expect(change, "delta", delta);
    expect(change, "z", z);
    expectFlag(change, "significant", significant);
    expectFlag(change, "insufficientN", !enough);
    String verdict = !enough ? "insufficient" : !significant ? "flat" : delta > 0 ? "up" : "down";
    if (change.getString("verdict") != null && !change.getString("verdict").equals(verdict)) {
      failures.add(where + ": verdict " + change.getString("verdict") + ", the rule gives " + verdict);
    }
    count("change");
  }

  /** A revenue-at-risk item of one touchpoint: total (= crude), direct over its categories, p-values, revenue. */
  private void revenue(JsonObject o) {
    JsonObject raised = obj(o, "raised"), others = obj(o, "notRaised");
    if (raised == null || others == null || !o.containsKey("loss")) return;
    List<Reference.Table> table = List.of(new Reference.Table(num(others, "k").longValue(), num(others, "n").longValue(),
        num(raised, "k").longValue(), num(raised, "n").longValue()));
    double[] total = Reference.newcombe(table);
    double p = Reference.exactP(table)[2];
    boolean enough = num(raised, "n") >= 5 && num(others, "n") >= 5;
    boolean significant = enough && p < 0.05 && (total[1] > 0 || total[2] < 0);
    expect(o, "affectedCustomers", num(raised, "n"));
    for (JsonObject effect : new JsonObject[] {o, obj(o, "total")}) {
      if (effect == null) continue;
      expect(effect, "loss", 100 * total[0]);
      JsonArray ci = arr(effect, effect == o ? "lossCi" : "ci");
      expect(ci, 0, 100 * total[1], "lossCi", o);
      expect(ci, 1, 100 * total[2], "lossCi", o);
      expect(effect, "p", p);
      expectFlag(effect, "significant", significant);
    }
    JsonObject crude = obj(o, "crude");
    if (crude != null) {
      expect(crude, "difference", 100 * total[0]);
      expect(arr(crude, "ci"), 0, 100 * total[1], "crude.ci", o);
      expect(arr(crude, "ci"), 1, 100 * total[2], "crude.ci", o);
      expect(crude, "p", p);
      expectFlag(crude, "significant", significant);
    }
    JsonObject byCategory = obj(o, "byCategory"), direct = obj(o, "direct");
    if (byCategory != null && direct != null && obj(byCategory, "promoter") != null) {
      List<Reference.Table> strata = new ArrayList<>();
      for (String c : List.of("promoter", "passive", "detractor")) {
        JsonObject s = obj(byCategory, c);
        strata.add(new Reference.Table(num(obj(s, "notRaised"), "k").longValue(), num(obj(s, "notRaised"), "n").longValue(),
            num(obj(s, "raised"), "k").longValue(), num(obj(s, "raised"), "n").longValue()));
      }
      double[] d = Reference.newcombe(strata);
      double dp = Reference.exactP(strata)[2];
      expect(direct, "loss", 100 * d[0]);
      expect(arr(direct, "ci"), 0, 100 * d[1], "direct.ci", o);
      expect(arr(direct, "ci"), 1, 100 * d[2], "direct.ci", o);
      expect(direct, "p", dp);
      expectFlag(direct, "significant", enough && dp < 0.05 && (d[1] > 0 || d[2] < 0));
      count("direct");
    }
    Double monthly = num(o, "monthlySpend");
    if (monthly != null) {
      expect(o, "revenueAtRiskPerMonth", total[0] * monthly);
      expect(arr(o, "revenueAtRiskPerMonthCi"), 0, total[1] * monthly, "revenueAtRiskPerMonthCi", o);
      expect(arr(o, "revenueAtRiskPerMonthCi"), 1, total[2] * monthly, "revenueAtRiskPerMonthCi", o);
    }
    count("revenue item");
  }

  /** An earned-growth period: NRR, ENC and earned growth from the revenues. */
  private void earnedGrowth(JsonObject o) {
    Double previous = num(o, "previousRevenue"), retained = num(o, "retainedRevenue"), earned = num(o, "earnedNewRevenue");
    if (previous == null || retained == null || earned == null || previous == 0) return;
    double nrr = 100 * retained / previous, enc = 100 * earned / previous;
    expect(o, "nrr", nrr);
    expect(o, "enc", enc);
    expect(o, "earnedGrowth", nrr + enc - 100);
    count("earned growth");
  }
}
