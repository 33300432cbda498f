package io.cxpulse.store;

import io.cxpulse.counters.SegmentKey;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Writing, pruning and verifying segment_counter, and the segment values already counted. */
public final class SegmentCounterStore {
  private static final String ADD = """
      INSERT INTO segment_counter (tenant, seg_key, seg_value, touchpoint, grain, bucket, metric, key, idx, count)
      SELECT u.t, u.sk, u.sv, u.tp, u.g::"char", u.b, u.m, u.k, u.i, u.c
      FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int8[], $7::text[], $8::text[],
                  $9::int2[], $10::int8[]) AS u(t, sk, sv, tp, g, b, m, k, i, c)
      -- One join with the batch's tenants, not a lookup of the tenant row per unnested row.
      JOIN tenant te ON te.id = u.t AND (te.settings -> 'segments') ? u.sk
      ON CONFLICT (tenant, seg_key, seg_value, touchpoint, grain, bucket, metric, key, idx)
      DO UPDATE SET count = segment_counter.count + EXCLUDED.count""";

  /**
   * Advisory lock class of "this tenant's counted segment keys": a writer batch holds it shared,
   * a catalog change exclusive (second key: hashtext(tenant); a collision only serializes more).
   */
  private static final int LOCK_CLASS = 0x63787367;
  private static final String LOCK_SHARED = """
      SELECT count(pg_advisory_xact_lock_shared(%d, hashtext(t)))
      FROM (SELECT DISTINCT t FROM unnest($1::text[]) AS u(t) ORDER BY t) AS s""".formatted(LOCK_CLASS);
  private static final String LOCK_EXCLUSIVE = "SELECT pg_advisory_xact_lock(%d, hashtext($1))".formatted(LOCK_CLASS);

  /** The counted keys as the database has them, the tenant row locked until the transaction ends. */
  private static final String COUNTED_KEYS = """
      SELECT coalesce(settings -> 'segments', '[]'::jsonb) AS segments FROM tenant WHERE id = $1 FOR UPDATE""";

  private static final String DISTINCT_VALUES = """
      SELECT count(DISTINCT segment ->> $2) FROM feedback WHERE tenant = $1 AND segment ? $2""";

  private static final String DELETE_KEY = "DELETE FROM segment_counter WHERE tenant = $1 AND seg_key = $2";

  /** Day buckets are never pruned, so they name every value ever counted. */
  private static final String KNOWN_VALUES = """
      SELECT DISTINCT tenant, seg_key, seg_value FROM segment_counter WHERE grain = 'd' AND metric = 'responses'""";

  private static final String PRUNE = "DELETE FROM segment_counter WHERE grain = $1::\"char\" AND bucket < $2";

  private static final String VERIFY = Recount.cte(true, "coalesce(t.settings -> 'segments', '[]'::jsonb) ? sg.key") + """
      , stored AS (
        SELECT sc.tenant, sc.seg_key, sc.seg_value, sc.touchpoint, sc.grain::text AS grain, sc.bucket, sc.metric, sc.key,
               sc.idx::int AS idx, sc.count
        FROM segment_counter sc JOIN tenant t ON t.id = sc.tenant
        WHERE coalesce(t.settings -> 'segments', '[]'::jsonb) ? sc.seg_key
      )
      SELECT coalesce(s.tenant, r.tenant) AS tenant, coalesce(s.touchpoint, r.touchpoint) AS touchpoint,
             coalesce(s.seg_key, r.seg_key) AS seg_key, coalesce(s.seg_value, r.seg_value) AS seg_value,
             coalesce(s.grain, r.grain) AS grain, coalesce(s.bucket, r.bucket) AS bucket,
             coalesce(s.metric, r.metric) AS metric, coalesce(s.key, r.key) AS key, coalesce(s.idx, r.idx) AS idx,
             s.count AS stored, r.count AS recounted
      FROM stored s FULL OUTER JOIN recount r
        ON (s.tenant, s.seg_key, s.seg_value, s.touchpoint, s.grain, s.bucket, s.metric, s.key, s.idx)
         = (r.tenant, r.seg_key, r.seg_value, r.touchpoint, r.grain, r.bucket, r.metric, r.key, r.idx)
      WHERE s.count IS DISTINCT FROM r.count
        AND (coalesce(s.grain, r.grain) = 'd'
          OR (coalesce(s.grain, r.grain) = 'q' AND coalesce(s.bucket, r.bucket) >= $1)
          OR (coalesce(s.grain, r.grain) = 'm' AND coalesce(s.bucket, r.bucket) >= $2))
      ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9
      LIMIT 1000""";

  /**
   * The rows of newly counted keys, recounted from feedback for every bucket still kept: days,
   * quarters from {@code $3}, minutes from {@code $4} (what the writer would have added).
   */
  private static final String BACKFILL = Recount.cte(true, "f.tenant = $1 AND sg.key = ANY($2::text[])") + """
      INSERT INTO segment_counter (tenant, seg_key, seg_value, touchpoint, grain, bucket, metric, key, idx, count)
      SELECT tenant, seg_key, seg_value, touchpoint, grain::"char", bucket, metric, key, idx, count FROM recount
      WHERE grain = 'd' OR (grain = 'q' AND bucket >= $3) OR (grain = 'm' AND bucket >= $4)""";

  /** A key's counted values with their responses (day buckets: never pruned). */
  private static final String VALUES = """
      SELECT seg_value, sum(count) AS responses FROM segment_counter
      WHERE tenant = $1 AND seg_key = $2 AND grain = 'd' AND metric = 'responses'
      GROUP BY seg_value ORDER BY seg_value LIMIT $3""";

  private static final String DELETE_VALUE = "DELETE FROM segment_counter WHERE tenant = $1 AND seg_key = $2 AND seg_value = $3";

  /** The responses keep their scores; only the junk tag goes, so a recount no longer finds it. */
  private static final String UNTAG = """
      UPDATE feedback SET segment = CASE WHEN segment - $2 = '{}'::jsonb THEN NULL ELSE segment - $2 END
      WHERE tenant = $1 AND segment ->> $2 = $3""";

  private SegmentCounterStore() {}

  /** A counted value and its responses. */
  public record Value(String value, long responses) {}

  /** The values of one key of one tenant, at most {@code limit}, in value order. */
  public static Future<List<Value>> values(Pool pool, String tenant, String key, int limit) {
    return pool.preparedQuery(VALUES).execute(Tuple.of(tenant, key, limit)).map(rs -> {
      List<Value> out = new ArrayList<>();
      for (Row r : rs) out.add(new Value(r.getString(0), r.getLong(1)));
      return out;
    });
  }

  /** What deleting a segment value did: counter rows removed, responses untagged. */
  public record Deleted(int counterRows, int responses) {}

  /**
   * Deletes one segment value of a tenant: its segment counters and the tag on the responses that
   * carry it, in one transaction under the tenant's exclusive segment lock (so no writer batch adds
   * to it meanwhile), and tells every node ({@link CatalogStore#CHANNEL}) to reload, which makes
   * the writers forget the value. {@code verify} stays clean: no stored response carries it any more.
   */
  public static Future<Deleted> deleteValue(Pool pool, String tenant, String key, String value) {
    return pool.withTransaction(conn -> lockCountedKeys(conn, tenant)
        .compose(keys -> conn.preparedQuery(DELETE_VALUE).execute(Tuple.of(tenant, key, value)))
        .compose(deleted -> conn.preparedQuery(UNTAG).execute(Tuple.of(tenant, key, value))
            .map(untagged -> new Deleted(deleted.rowCount(), untagged.rowCount())))
        .compose(d -> d.counterRows() + d.responses() == 0 ? Future.succeededFuture(d)
            : FeedbackStore.notify(conn, CatalogStore.CHANNEL, List.of(tenant)).map(v -> d)));
  }

  /**
   * A writer batch's shared lock on the counted keys of its tenants (in one statement, in tenant
   * order): a catalog change waits for the batches holding it and they wait for the change.
   */
  public static Future<Void> lockShared(SqlConnection conn, Collection<String> tenants) {
    return conn.preparedQuery(LOCK_SHARED).execute(Tuple.of(tenants.toArray(new String[0]))).mapEmpty();
  }

  /**
   * For a change of one tenant's counted keys: waits for every writer batch of the tenant in
   * flight, then holds them off until this transaction ends; returns the keys counted so far.
   */
  public static Future<Set<String>> lockCountedKeys(SqlConnection conn, String tenant) {
    return conn.preparedQuery(LOCK_EXCLUSIVE).execute(Tuple.of(tenant))
        .compose(v -> conn.preparedQuery(COUNTED_KEYS).execute(Tuple.of(tenant)))
        .map(rs -> {
          Set<String> keys = new HashSet<>();
          for (Row r : rs) {
            Object segments = r.getValue("segments");
            if (segments instanceof io.vertx.core.json.JsonArray a) a.forEach(k -> keys.add(String.valueOf(k)));
          }
          return keys;
        });
  }

  /** How many distinct values of {@code key} the tenant's stored responses carry. */
  public static Future<Long> distinctValues(SqlConnection conn, String tenant, String key) {
    return conn.preparedQuery(DISTINCT_VALUES).execute(Tuple.of(tenant, key)).map(rs -> rs.iterator().next().getLong(0));
  }

  /**
   * Counts newly counted keys from the stored responses: drops the key's rows left from an
   * earlier time it was counted, then inserts the recount of every kept bucket. Run after
   * {@link #lockCountedKeys} and with the keys already in the tenant's settings, in the same
   * transaction. Returns the rows inserted.
   */
  public static Future<Integer> backfill(SqlConnection conn, String tenant, List<String> keys, long quarterCutoff,
      long minuteCutoff) {
    Future<?> f = Future.succeededFuture();
    for (String key : keys) f = f.compose(v -> conn.preparedQuery(DELETE_KEY).execute(Tuple.of(tenant, key)));
    return f.compose(v -> conn.preparedQuery(BACKFILL)
        .execute(Tuple.of(tenant, keys.toArray(new String[0]), quarterCutoff, minuteCutoff)))
        .map(rs -> rs.rowCount());
  }

  public static Future<Void> add(SqlConnection conn, Map<SegmentKey, Long> deltas) {
    if (deltas.isEmpty()) return Future.succeededFuture();
    int size = deltas.size();
    String[] tenant = new String[size], segKey = new String[size], segValue = new String[size], tp = new String[size];
    String[] grain = new String[size], metric = new String[size], key = new String[size];
    Long[] bucket = new Long[size], count = new Long[size];
    Short[] idx = new Short[size];
    int i = 0;
    for (Map.Entry<SegmentKey, Long> e : deltas.entrySet()) {
      SegmentKey k = e.getKey();
      tenant[i] = k.tenant();
      segKey[i] = k.segKey();
      segValue[i] = k.segValue();
      tp[i] = k.touchpoint();
      grain[i] = String.valueOf(k.grain().code());
      bucket[i] = k.bucket();
      metric[i] = k.metric();
      key[i] = k.key();
      idx[i] = (short) k.idx();
      count[i] = e.getValue();
      i++;
    }
    return conn.preparedQuery(ADD)
        .execute(Tuple.of(tenant, segKey, segValue, tp, grain, bucket, metric, key, idx, count))
        .mapEmpty();
  }

  /** tenant → segment key → the values counted so far. */
  public static Future<Map<String, Map<String, Set<String>>>> knownValues(SqlClient client) {
    return client.query(KNOWN_VALUES).execute().map(rs -> {
      Map<String, Map<String, Set<String>>> out = new HashMap<>();
      for (Row r : rs) {
        out.computeIfAbsent(r.getString(0), t -> new HashMap<>())
            .computeIfAbsent(r.getString(1), k -> new HashSet<>()).add(r.getString(2));
      }
      return out;
    });
  }

  public static Future<Integer> prune(Pool pool, long quarterCutoff, long minuteCutoff) {
    return pool.preparedQuery(PRUNE).execute(Tuple.of("q", quarterCutoff))
        .compose(a -> pool.preparedQuery(PRUNE).execute(Tuple.of("m", minuteCutoff))
            .map(b -> a.rowCount() + b.rowCount()));
  }

  /** Differences named like counter ones, the segment in the metric: {@code segment[region=north].nps}. */
  public static Future<List<CounterStore.Difference>> verify(Pool pool, long quarterCutoff, long minuteCutoff) {
    return pool.preparedQuery(VERIFY).execute(Tuple.of(quarterCutoff, minuteCutoff)).map(rs -> {
      List<CounterStore.Difference> out = new ArrayList<>();
      for (Row r : rs) {
        out.add(new CounterStore.Difference(r.getString("tenant"), r.getString("touchpoint"), r.getString("grain"),
            r.getLong("bucket"),
            "segment[" + r.getString("seg_key") + "=" + r.getString("seg_value") + "]." + r.getString("metric"),
            r.getString("key"), r.getInteger("idx"), r.getLong("stored"), r.getLong("recounted")));
      }
      return out;
    });
  }
}
