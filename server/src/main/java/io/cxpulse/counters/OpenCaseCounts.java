package io.cxpulse.counters;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The open follow-up cases of every touchpoint as the cases feature last reported them
 * ({@link Touchpoint}: when each opened and when its first response is due), enough for a
 * scorecard to say how many are open, how many overdue now and since when the oldest waits.
 * Plain Java with no locks, owned by the live hub; the cases feature owns the cases and sends
 * a fresh {@link Touchpoint} whenever one of them changes.
 */
public final class OpenCaseCounts {
  /** The open cases of one touchpoint: opened and due times, index by index. */
  public record Touchpoint(String tenant, String touchpoint, List<Instant> openedAt, List<Instant> dueAt) {
    public Touchpoint {
      openedAt = List.copyOf(openedAt);
      dueAt = List.copyOf(dueAt);
    }
  }

  private final Map<String, Touchpoint> byTouchpoint = new HashMap<>();

  /** Replaces everything (a fresh load of the open cases). */
  public void reset(Collection<Touchpoint> all) {
    byTouchpoint.clear();
    all.forEach(this::put);
  }

  public void put(Touchpoint cases) {
    String key = key(cases.tenant(), cases.touchpoint());
    if (cases.openedAt().isEmpty()) byTouchpoint.remove(key);
    else byTouchpoint.put(key, cases);
  }

  /** {@code {"open", "overdue", "oldestOpenAt"}} over the given touchpoints; overdue = still open past due. */
  public JsonObject summary(String tenant, Collection<String> touchpoints, ZoneId zone, Instant now) {
    long open = 0, overdue = 0;
    Instant oldest = null;
    for (String tp : touchpoints) {
      Touchpoint cases = byTouchpoint.get(key(tenant, tp));
      if (cases == null) continue;
      for (int i = 0; i < cases.openedAt().size(); i++) {
        open++;
        if (now.isAfter(cases.dueAt().get(i))) overdue++;
        Instant opened = cases.openedAt().get(i);
        if (oldest == null || opened.isBefore(oldest)) oldest = opened;
      }
    }
    return new JsonObject().put("open", open).put("overdue", overdue)
        .put("oldestOpenAt", oldest == null ? null : oldest.atZone(zone).toOffsetDateTime().toString());
  }

  private static String key(String tenant, String touchpoint) {
    return tenant + '\u0000' + touchpoint;
  }
}
