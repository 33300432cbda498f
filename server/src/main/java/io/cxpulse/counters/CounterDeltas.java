package io.cxpulse.counters;

import io.cxpulse.score.RaterDimension;
import io.cxpulse.score.Tally;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;
import java.util.TreeMap;

/**
 * Pre-aggregates the counter increments of a batch per key, in key order: a hot touchpoint costs
 * one row per batch, not one per response, and an upsert never touches one key twice.
 */
public final class CounterDeltas {
  private final TreeMap<CounterKey, Long> deltas = new TreeMap<>();
  private final Instant minuteCutoff;
  private final Instant quarterCutoff;

  /** Buckets older than the retention of their grain are not written: they would be pruned anyway. */
  public CounterDeltas(Instant now, Duration minuteRetention, Duration quarterRetention) {
    this.minuteCutoff = now.minus(minuteRetention);
    this.quarterCutoff = now.minus(quarterRetention);
  }

  public void add(String tenant, ZoneId zone, Feedback f) {
    for (Grain grain : Grain.values()) {
      long bucket = grain.bucketOf(f.occurredAt(), zone);
      Instant start = grain.startOf(bucket, zone);
      if (grain == Grain.MINUTE && start.isBefore(minuteCutoff)) continue;
      if (grain == Grain.QUARTER && start.isBefore(quarterCutoff)) continue;
      addItem(tenant, f, grain, bucket);
    }
  }

  private void addItem(String tenant, Feedback f, Grain grain, long bucket) {
    String tp = f.touchpoint();
    items(f, (metric, key, idx) -> inc(tenant, tp, grain, bucket, metric, key, idx));
  }

  /** One counter increment of a response: metric, key and index as in the counter table. */
  public interface ItemSink {
    void add(String metric, String key, int idx);
  }

  /** Every counter increment of one response; segment counters count the same items. */
  public static void items(Feedback f, ItemSink out) {
    out.add("responses", "", 0);
    if (f.nps() != null) out.add("nps", "", f.nps());
    if (f.csat() != null) out.add("csat", "", f.csat());
    if (f.csat3() != null) out.add("csat3", "", f.csat3());
    if (f.ces() != null) out.add("ces", "", f.ces());
    for (RaterDimension d : RaterDimension.values()) {
      int rating = f.rater()[d.ordinal()];
      if (rating != 0) out.add("rater", d.code(), rating);
    }
    int slot = f.nps() == null ? Tally.NO_NPS : Tally.category(f.nps());
    for (String r : f.reasons()) out.add("reason", r, slot);
    for (String r : f.subReasons()) out.add("reason", r, slot);
    f.values().forEach((element, rating) -> out.add("value", element, rating));
    if (f.comment() != null) out.add("comment", "", 0);
  }

  private void inc(String tenant, String tp, Grain grain, long bucket, String metric, String key, int idx) {
    deltas.merge(new CounterKey(tenant, tp, grain, bucket, metric, key, idx), 1L, Long::sum);
  }

  /** Sorted by key. */
  public Map<CounterKey, Long> asMap() {
    return deltas;
  }

  public boolean isEmpty() {
    return deltas.isEmpty();
  }
}
