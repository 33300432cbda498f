package io.cxpulse.counters;

import java.util.Comparator;

/**
 * One counter row. Keys sort in primary-key order so that a batch upserts rows in the same order
 * in every transaction, which keeps concurrent writers (several nodes) free of deadlocks.
 */
public record CounterKey(String tenant, String touchpoint, Grain grain, long bucket, String metric, String key, int idx)
    implements Comparable<CounterKey> {

  private static final Comparator<CounterKey> ORDER = Comparator.comparing(CounterKey::tenant)
      .thenComparing(CounterKey::touchpoint)
      .thenComparing(k -> k.grain().code())
      .thenComparingLong(CounterKey::bucket)
      .thenComparing(CounterKey::metric)
      .thenComparing(CounterKey::key)
      .thenComparingInt(CounterKey::idx);

  @Override
  public int compareTo(CounterKey o) {
    return ORDER.compare(this, o);
  }
}
