package io.cxpulse.counters;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;
import java.util.TreeMap;

/**
 * The segment_counter increments of a batch, pre-aggregated per key and sorted like
 * {@link CounterDeltas}: the same items, once per segment key the response carries (the
 * upsert keeps the keys the tenant counts).
 */
public final class SegmentDeltas {
  private final TreeMap<SegmentKey, Long> deltas = new TreeMap<>();
  private final Instant minuteCutoff;
  private final Instant quarterCutoff;

  public SegmentDeltas(Instant now, Duration minuteRetention, Duration quarterRetention) {
    this.minuteCutoff = now.minus(minuteRetention);
    this.quarterCutoff = now.minus(quarterRetention);
  }

  /**
   * Every segment key the response carries: the statement keeps those the tenant counts in the
   * database at that moment, not in this node's catalog, which may not have heard of a change yet.
   */
  public void add(String tenant, ZoneId zone, Feedback f) {
    for (Map.Entry<String, String> segment : f.segment().entrySet()) {
      String segKey = segment.getKey();
      String segValue = segment.getValue();
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
