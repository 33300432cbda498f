package io.cxpulse.cases;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The open cases of every tenant and touchpoint (id, opened, due), enough to say how many are open,
 * how many overdue now and since when the oldest waits. A cache of the open rows of
 * follow_up_case: loaded at start, then changed by {@link CaseChange}s, all idempotent by case id.
 * Plain Java, owned by the counters verticle.
 */
public final class OpenCases {
  private record Open(Instant openedAt, Instant dueAt) {}

  private final Map<String, Map<Long, Open>> byTouchpoint = new HashMap<>();

  /** Replaces everything with the open cases of a fresh load (changes of kind opened). */
  public void reset(List<CaseChange> open) {
    byTouchpoint.clear();
    for (CaseChange c : open) apply(c);
  }

  /** Applies one change; returns true when the counts of its touchpoint may have changed. */
  public boolean apply(CaseChange c) {
    String key = key(c.tenant(), c.touchpoint());
    if ("open".equals(c.status())) {
      byTouchpoint.computeIfAbsent(key, k -> new HashMap<>()).put(c.id(), new Open(c.openedAt(), c.dueAt()));
      return true;
    }
    Map<Long, Open> cases = byTouchpoint.get(key);
    if (cases == null || cases.remove(c.id()) == null) return false;
    if (cases.isEmpty()) byTouchpoint.remove(key);
    return true;
  }

  /** {@code {"open", "overdue", "oldestOpenAt"}} over the given touchpoints; overdue = still open past due. */
  public JsonObject summary(String tenant, Collection<String> touchpoints, ZoneId zone, Instant now) {
    long open = 0, overdue = 0;
    Instant oldest = null;
    for (String tp : touchpoints) {
      Map<Long, Open> cases = byTouchpoint.get(key(tenant, tp));
      if (cases == null) continue;
      for (Open o : cases.values()) {
        open++;
        if (now.isAfter(o.dueAt())) overdue++;
        if (oldest == null || o.openedAt().isBefore(oldest)) oldest = o.openedAt();
      }
    }
    return new JsonObject().put("open", open).put("overdue", overdue)
        .put("oldestOpenAt", oldest == null ? null : oldest.atZone(zone).toOffsetDateTime().toString());
  }

  public int size() {
    int n = 0;
    for (Map<Long, Open> m : byTouchpoint.values()) n += m.size();
    return n;
  }

  private static String key(String tenant, String touchpoint) {
    return tenant + '\u0000' + touchpoint;
  }
}
