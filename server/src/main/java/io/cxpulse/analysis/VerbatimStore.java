package io.cxpulse.analysis;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Verbatim comments from the raw rows, latest first, with keyset paging on (occurred_at,
 * event_id). Text search is a case-insensitive substring match (ILIKE with %, _ and \ escaped),
 * which a trigram GIN index serves for 3+ characters and which works for Chinese as well as
 * English; shorter queries scan the tenant's window.
 *
 * <p>The client caches the statement per connection, and after five executions PostgreSQL may
 * switch to a generic plan, planned without knowing the pattern or which optional filters are
 * null. Measured (bench/RESULTS.md, 2026-11-26: 300,000 comments over 30 days) the generic plan
 * reads and sorts the whole window, 350–800 ms for any query including the page without text,
 * where a plan for the actual values takes 1–2 ms (latest-first index for common words and no
 * text, the trigram index for rare words). So every page runs with
 * {@code plan_cache_mode = force_custom_plan} for its own transaction: a plan per execution
 * (about a millisecond) instead of a cached one that is wrong for most of them.
 */
public final class VerbatimStore {
  private static final String LATEST = """
      SELECT event_id, touchpoint, occurred_at, nps, reasons, sub_reasons, comment, customer_id
      FROM feedback
      WHERE tenant = $1 AND comment IS NOT NULL AND touchpoint = ANY($2)
        AND occurred_at >= $3 AND occurred_at < $4
        AND ($5::text IS NULL OR comment ILIKE $5)
        AND ($6::int2 IS NULL OR nps BETWEEN $6 AND $7)
        AND ($8::text IS NULL OR $8 = ANY(reasons) OR $8 = ANY(sub_reasons))
        AND ($9::text IS NULL OR segment ->> $9 = $10)
        AND ($11::timestamptz IS NULL OR (occurred_at, event_id) < ($11, $12))
      ORDER BY occurred_at DESC, event_id DESC
      LIMIT $13""";

  /** The filters of one page; null fields do not filter. */
  public record Query(String tenant, List<String> touchpoints, Instant from, Instant to, String text, Integer npsLow,
                      Integer npsHigh, String reason, String segKey, String segValue, Instant beforeAt,
                      String beforeId, int limit) {}

  public record Verbatim(String eventId, String touchpoint, Instant occurredAt, Integer nps, List<String> reasons,
                         List<String> subReasons, String comment, String customerId) {}

  /** Scoped to the search's transaction: the pooled connection goes back with its usual setting. */
  private static final String CUSTOM_PLAN = "SET LOCAL plan_cache_mode = force_custom_plan";

  private final Pool pool;

  public VerbatimStore(Pool pool) {
    this.pool = pool;
  }

  public Future<List<Verbatim>> latest(Query q) {
    Tuple params = Tuple.tuple().addValue(q.tenant()).addValue(q.touchpoints().toArray(new String[0]))
        .addValue(q.from().atOffset(ZoneOffset.UTC)).addValue(q.to().atOffset(ZoneOffset.UTC))
        .addValue(q.text() == null ? null : "%" + escapeLike(q.text()) + "%")
        .addValue(q.npsLow() == null ? null : q.npsLow().shortValue())
        .addValue(q.npsHigh() == null ? null : q.npsHigh().shortValue())
        .addValue(q.reason()).addValue(q.segKey()).addValue(q.segValue())
        .addValue(q.beforeAt() == null ? null : q.beforeAt().atOffset(ZoneOffset.UTC)).addValue(q.beforeId())
        .addValue((long) q.limit());
    Future<RowSet<Row>> rows = pool.withTransaction(conn -> conn.query(CUSTOM_PLAN).execute()
        .compose(v -> conn.preparedQuery(LATEST).execute(params)));
    return rows.map(rs -> {
      List<Verbatim> out = new ArrayList<>();
      for (Row r : rs) {
        OffsetDateTime at = r.getOffsetDateTime("occurred_at");
        out.add(new Verbatim(r.getString("event_id"), r.getString("touchpoint"), at.toInstant(),
            r.getValue("nps") == null ? null : r.getInteger("nps"), list(r.getArrayOfStrings("reasons")),
            list(r.getArrayOfStrings("sub_reasons")), r.getString("comment"), r.getString("customer_id")));
      }
      return out;
    });
  }

  /** ILIKE's wildcards and its escape character taken literally: a search for "100%" finds "100%". */
  public static String escapeLike(String text) {
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
  }

  private static List<String> list(String[] values) {
    return values == null ? List.of() : List.of(values);
  }
}
