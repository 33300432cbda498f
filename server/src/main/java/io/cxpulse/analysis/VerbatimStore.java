package io.cxpulse.analysis;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
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
    return pool.preparedQuery(LATEST).execute(params).map(rs -> {
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
