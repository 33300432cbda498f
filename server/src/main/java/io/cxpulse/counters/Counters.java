package io.cxpulse.counters;

import io.cxpulse.score.Tally;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The in-memory copy of the counter table: tenant → touchpoint → grain → bucket → tally.
 * Plain Java with no locks: exactly one verticle owns an instance and is its only caller.
 */
public final class Counters {
  private final Map<String, Map<String, EnumMap<Grain, TreeMap<Long, Tally>>>> series = new HashMap<>();

  public void apply(CounterKey k, long count) {
    series.computeIfAbsent(k.tenant(), t -> new HashMap<>())
        .computeIfAbsent(k.touchpoint(), t -> new EnumMap<>(Grain.class))
        .computeIfAbsent(k.grain(), g -> new TreeMap<>())
        .computeIfAbsent(k.bucket(), b -> new Tally())
        .add(k.metric(), k.key(), k.idx(), count);
  }

  public void applyAll(Map<CounterKey, Long> deltas) {
    deltas.forEach(this::apply);
  }

  /** Sum of one touchpoint's buckets over a window plan. */
  public Tally sum(String tenant, String touchpoint, WindowPlan plan) {
    Tally out = new Tally();
    Map<String, EnumMap<Grain, TreeMap<Long, Tally>>> byTp = series.get(tenant);
    EnumMap<Grain, TreeMap<Long, Tally>> grains = byTp == null ? null : byTp.get(touchpoint);
    if (grains == null) return out;
    for (WindowPlan.Range range : plan.ranges()) {
      TreeMap<Long, Tally> buckets = grains.get(range.grain());
      if (buckets == null) continue;
      for (Tally t : buckets.subMap(range.fromBucket(), true, range.toBucket(), false).values()) {
        out.addAll(t);
      }
    }
    return out;
  }

  public Tally sum(String tenant, Collection<String> touchpoints, WindowPlan plan) {
    Tally out = new Tally();
    for (String tp : touchpoints) out.addAll(sum(tenant, tp, plan));
    return out;
  }

  /** Drops buckets of {@code grain} that start before {@code bucket}; returns how many. */
  public int prune(Grain grain, long bucket) {
    int removed = 0;
    for (Map<String, EnumMap<Grain, TreeMap<Long, Tally>>> byTp : series.values()) {
      for (EnumMap<Grain, TreeMap<Long, Tally>> grains : byTp.values()) {
        TreeMap<Long, Tally> buckets = grains.get(grain);
        if (buckets == null) continue;
        NavigableMap<Long, Tally> old = buckets.headMap(bucket, false);
        removed += old.size();
        old.clear();
      }
    }
    return removed;
  }

  public int bucketCount() {
    int n = 0;
    for (var byTp : series.values()) for (var grains : byTp.values()) for (var b : grains.values()) n += b.size();
    return n;
  }
}
