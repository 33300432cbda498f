package io.cxpulse.cases;

import io.cxpulse.counters.OpenCaseCounts;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The open cases of every tenant and touchpoint (id, opened, due): a cache of the open rows of
 * follow_up_case, loaded at start, then changed by {@link CaseChange}s, all idempotent by case
 * id. Plain Java, owned by {@link CaseWatchVerticle}, which sends the hub a copy of each
 * touchpoint whose cases changed.
 */
final class OpenCases {
  private record Open(Instant openedAt, Instant dueAt) {}

  private final Map<String, Map<Long, Open>> byTouchpoint = new HashMap<>();

  /** Replaces everything with the open cases of a fresh load (changes of kind opened). */
  void reset(List<CaseChange> open) {
    byTouchpoint.clear();
    for (CaseChange c : open) apply(c);
  }

  /** Applies one change; returns true when the counts of its touchpoint may have changed. */
  boolean apply(CaseChange c) {
    String key = key(c.tenant(), c.touchpoint());
    if ("open".equals(c.status())) {
      byTouchpoint.computeIfAbsent(key, k -> new TreeMap<>()).put(c.id(), new Open(c.openedAt(), c.dueAt()));
      return true;
    }
    Map<Long, Open> cases = byTouchpoint.get(key);
    if (cases == null || cases.remove(c.id()) == null) return false;
    if (cases.isEmpty()) byTouchpoint.remove(key);
    return true;
  }

  /** The open cases of one touchpoint, as the hub counts them (empty when none is open). */
  OpenCaseCounts.Touchpoint of(String tenant, String touchpoint) {
    List<Instant> opened = new ArrayList<>(), due = new ArrayList<>();
    for (Open o : byTouchpoint.getOrDefault(key(tenant, touchpoint), Map.of()).values()) {
      opened.add(o.openedAt());
      due.add(o.dueAt());
    }
    return new OpenCaseCounts.Touchpoint(tenant, touchpoint, opened, due);
  }

  List<OpenCaseCounts.Touchpoint> all() {
    List<OpenCaseCounts.Touchpoint> out = new ArrayList<>();
    for (String key : byTouchpoint.keySet()) {
      int sep = key.indexOf('\u0000');
      out.add(of(key.substring(0, sep), key.substring(sep + 1)));
    }
    return out;
  }

  int size() {
    int n = 0;
    for (Map<Long, Open> m : byTouchpoint.values()) n += m.size();
    return n;
  }

  private static String key(String tenant, String touchpoint) {
    return tenant + '\u0000' + touchpoint;
  }
}
