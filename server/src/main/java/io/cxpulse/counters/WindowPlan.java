package io.cxpulse.counters;

import java.time.Instant;
import java.util.List;

/**
 * Which buckets make up a window: ranges of buckets of one grain, [fromBucket, toBucket).
 * {@code from} and {@code to} are the instants actually covered, which can be wider than asked
 * when the window starts in the past beyond the retention of the finer grains.
 */
public record WindowPlan(String name, Instant from, Instant to, List<Range> ranges) {

  public record Range(Grain grain, long fromBucket, long toBucket) {}
}
