package io.cxpulse.counters;

import java.util.Comparator;

/**
 * One segment_counter row. Keys sort in primary-key order, so every transaction upserts its rows
 * in the same order and concurrent writers (several nodes) cannot deadlock on them.
 */
public record SegmentKey(String tenant, String segKey, String segValue, String touchpoint, Grain grain, long bucket,
                         String metric, String key, int idx) implements Comparable<SegmentKey> {

  private static final Comparator<SegmentKey> ORDER = Comparator.comparing(SegmentKey::tenant)
      .thenComparing(SegmentKey::segKey)
      .thenComparing(SegmentKey::segValue)
      .thenComparing(SegmentKey::touchpoint)
      .thenComparing(k -> k.grain().code())
      .thenComparingLong(SegmentKey::bucket)
      .thenComparing(SegmentKey::metric)
      .thenComparing(SegmentKey::key)
      .thenComparingInt(SegmentKey::idx);

  @Override
  public int compareTo(SegmentKey o) {
    return ORDER.compare(this, o);
  }
}
