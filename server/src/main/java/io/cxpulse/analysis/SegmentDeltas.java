package io.cxpulse.analysis;

import io.cxpulse.counters.CounterDeltas;
import io.cxpulse.counters.Grain;
import io.cxpulse.ingest.Feedback;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The segment_counter increments of a batch, pre-aggregated per key and sorted like
 * {@link CounterDeltas}: the same items, once per counted segment key the response carries.
 * Segment keys the tenant does not count are stored with the response but not counted here.
 */
public final class SegmentDeltas {
  private final TreeMap<SegmentKey, Long> deltas = new TreeMap<>();
  private final Instant minuteCutoff;
  private final Instant quarterCutoff;

  public SegmentDeltas(Instant now, Duration minuteRetention, Duration quarterRetention) {
    this.minuteCutoff = now.minus(minuteRetention);
    this.quarterCutoff = now.minus(quarterRetention);
  }

  public void add(String tenant, ZoneId zone, List<String> countedKeys, Feedback f) {
    if (f.segment().isEmpty() || countedKeys.isEmpty()) return;
    for (String segKey : countedKeys) {
      String segValue = f.segment().get(segKey);
      if (segValue == null) continue;
      for (Grain grain : Grain.values()) {
        long bucket = grain.bucketOf(f.occurredAt(), zone);
        Instant start = grain.startOf(bucket, zone);
        if (grain == Grain.MINUTE && start.isBefore(minuteCutoff)) continue;
        if (grain == Grain.QUARTER && start.isBefore(quarterCutoff)) continue;
        CounterDeltas.items(f, (metric, key, idx) -> deltas.merge(
            new SegmentKey(tenant, segKey, segValue, f.touchpoint(), grain, bucket, metric, key, idx), 1L, Long::sum));
      }
    }
  }

  /** Sorted by key. */
  public Map<SegmentKey, Long> asMap() {
    return deltas;
  }

  public boolean isEmpty() {
    return deltas.isEmpty();
  }
}
