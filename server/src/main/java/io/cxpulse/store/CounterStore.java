package io.cxpulse.store;

import io.cxpulse.counters.CounterKey;
import io.cxpulse.counters.Counters;
import io.cxpulse.counters.Grain;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Loading, pruning and verifying the counter table. */
public final class CounterStore {
  private static final String LOAD = """
      SELECT tenant, touchpoint, grain::text, bucket, metric, key, idx, count FROM counter
      WHERE grain = 'd' OR (grain = 'q' AND bucket >= $1) OR (grain = 'm' AND bucket >= $2)""";

  private static final String PRUNE = "DELETE FROM counter WHERE grain = $1::\"char\" AND bucket < $2";

  /**
   * An independent recount from the raw rows, in SQL rather than through the Java code that
   * computed the increments, compared row by row with the stored counters. Buckets older than
   * the retention of their grain (plus a margin of one hour for late writes around the cutoff)
   * are not compared: they are, or are about to be, pruned.
   */
  private static final String VERIFY = Recount.cte(false, "true") + """
      , stored AS (
        SELECT tenant, touchpoint, grain::text AS grain, bucket, metric, key, idx::int AS idx, count FROM counter
      )
      SELECT coalesce(s.tenant, r.tenant) AS tenant, coalesce(s.touchpoint, r.touchpoint) AS touchpoint,
             coalesce(s.grain, r.grain) AS grain, coalesce(s.bucket, r.bucket) AS bucket,
             coalesce(s.metric, r.metric) AS metric, coalesce(s.key, r.key) AS key, coalesce(s.idx, r.idx) AS idx,
             s.count AS stored, r.count AS recounted
      FROM stored s FULL OUTER JOIN recount r
        ON (s.tenant, s.touchpoint, s.grain, s.bucket, s.metric, s.key, s.idx)
         = (r.tenant, r.touchpoint, r.grain, r.bucket, r.metric, r.key, r.idx)
      WHERE s.count IS DISTINCT FROM r.count
        AND (coalesce(s.grain, r.grain) = 'd'
          OR (coalesce(s.grain, r.grain) = 'q' AND coalesce(s.bucket, r.bucket) >= $1)
          OR (coalesce(s.grain, r.grain) = 'm' AND coalesce(s.bucket, r.bucket) >= $2))
      ORDER BY 1, 2, 3, 4, 5, 6, 7
      LIMIT 1000""";

  /** A counter that differs from its recount; null means "no such row". */
  public record Difference(String tenant, String touchpoint, String grain, long bucket, String metric, String key,
                           int idx, Long stored, Long recounted) {}

  private final Pool pool;
  private final Duration minuteRetention;
  private final Duration quarterRetention;

  public CounterStore(Pool pool, Duration minuteRetention, Duration quarterRetention) {
    this.pool = pool;
    this.minuteRetention = minuteRetention;
    this.quarterRetention = quarterRetention;
  }

  /** Counters as of a database snapshot: batches visible in it are included, the others are not. */
  public record Loaded(Counters counters, Snapshot snapshot) {}

  /**
   * Streams every retained counter row into a fresh {@link Counters}, in one REPEATABLE READ
   * transaction whose snapshot is returned: a batch committed while loading can then be told
   * apart from one already included.
   */
  public Future<Loaded> load(Instant now) {
    long quarterCutoff = Grain.QUARTER.firstBucketFrom(now.minus(quarterRetention));
    long minuteCutoff = Grain.MINUTE.firstBucketFrom(now.minus(minuteRetention));
    Counters counters = new Counters();
    return pool.withTransaction(conn -> conn.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY").execute()
        .compose(v -> conn.query("SELECT pg_current_snapshot()::text").execute())
        .map(rs -> Snapshot.parse(rs.iterator().next().getString(0)))
        .compose(snapshot -> conn.prepare(LOAD).compose(ps -> {
      Promise<Loaded> done = Promise.promise();
      ps.createStream(10_000, Tuple.of(quarterCutoff, minuteCutoff))
          .exceptionHandler(done::tryFail)
          .endHandler(v -> done.tryComplete(new Loaded(counters, snapshot)))
          .handler(r -> counters.apply(new CounterKey(r.getString(0), r.getString(1), Grain.of(r.getString(2).charAt(0)),
              r.getLong(3), r.getString(4), r.getString(5), r.getInteger(6)), r.getLong(7)));
      return done.future();
    })));
  }

  /** Deletes minute and quarter buckets past their retention. */
  public Future<Integer> prune(Instant now) {
    long quarterCutoff = Grain.QUARTER.firstBucketFrom(now.minus(quarterRetention));
    long minuteCutoff = Grain.MINUTE.firstBucketFrom(now.minus(minuteRetention));
    return pool.preparedQuery(PRUNE).execute(Tuple.of("q", quarterCutoff))
        .compose(a -> pool.preparedQuery(PRUNE).execute(Tuple.of("m", minuteCutoff))
            .map(b -> a.rowCount() + b.rowCount()))
        .compose(n -> SegmentCounterStore.prune(pool, quarterCutoff, minuteCutoff).map(s -> n + s));
  }

  public Future<List<Difference>> verify(Instant now) {
    Instant margin = now.plus(Duration.ofHours(1));
    long quarterCutoff = Grain.QUARTER.firstBucketFrom(margin.minus(quarterRetention));
    long minuteCutoff = Grain.MINUTE.firstBucketFrom(margin.minus(minuteRetention));
    return pool.preparedQuery(VERIFY).execute(Tuple.of(quarterCutoff, minuteCutoff)).map(rs -> {
      List<Difference> out = new ArrayList<>();
      for (Row r : rs) {
        out.add(new Difference(r.getString("tenant"), r.getString("touchpoint"), r.getString("grain"),
            r.getLong("bucket"), r.getString("metric"), r.getString("key"), r.getInteger("idx"),
            r.getLong("stored"), r.getLong("recounted")));
      }
      return out;
    }).compose(out -> SegmentCounterStore.verify(pool, quarterCutoff, minuteCutoff).map(segments -> {
      List<Difference> all = new ArrayList<>(out);
      all.addAll(segments);
      return all;
    }));
  }
}
