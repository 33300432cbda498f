package io.cxpulse.live;

import io.cxpulse.counters.CounterKey;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** The (tenant, touchpoint) pairs that received increments since the last {@link #clear()}; one event loop. */
public final class ChangedTouchpoints {
  private final Set<String> ids = new HashSet<>();

  /** Marks every touchpoint of a batch's deltas (sorted by tenant and touchpoint, so one set lookup per run). */
  public void add(Map<CounterKey, Long> deltas) {
    String last = null;
    for (CounterKey k : deltas.keySet()) {
      String id = id(k.tenant(), k.touchpoint());
      if (!id.equals(last)) ids.add(id);
      last = id;
    }
  }

  public void add(String tenant, String touchpoint) {
    ids.add(id(tenant, touchpoint));
  }

  public boolean contains(String tenant, String touchpoint) {
    return ids.contains(id(tenant, touchpoint));
  }

  public boolean isEmpty() {
    return ids.isEmpty();
  }

  public void clear() {
    ids.clear();
  }

  private static String id(String tenant, String touchpoint) {
    return tenant + '\u0000' + touchpoint;
  }
}
