package io.cxpulse.value;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import io.vertx.sqlclient.data.Numeric;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * SQL that links responses to outcomes by customer. A respondent is a customer with an NPS
 * response in the window and touchpoints; their anchor is their latest such response; an outcome
 * counts when it happened after the anchor and within the horizon. Scoped by tenant throughout.
 */
public final class ValueStore {
  /** Per customer and touchpoint: the latest response there, and which outcomes followed it. */
  private static final String TARGET = """
      WITH c AS (
        SELECT DISTINCT ON (customer_id, touchpoint) customer_id, touchpoint, nps, occurred_at
        FROM feedback
        WHERE tenant = $1 AND occurred_at >= $2 AND occurred_at < $3 AND touchpoint = ANY($4::text[])
          AND nps IS NOT NULL AND customer_id IS NOT NULL
        ORDER BY customer_id, touchpoint, occurred_at DESC, event_id DESC)
      SELECT c.customer_id, c.touchpoint, c.nps, c.occurred_at,
        EXISTS (SELECT 1 FROM outcome o WHERE o.tenant = $1 AND o.customer_id = c.customer_id
          AND o.type IN ('purchase', 'repurchase') AND o.occurred_at > c.occurred_at
          AND o.occurred_at <= c.occurred_at + make_interval(days => $5)) AS repurchased,
        EXISTS (SELECT 1 FROM outcome o WHERE o.tenant = $1 AND o.customer_id = c.customer_id
          AND o.type = 'renewal' AND o.occurred_at > c.occurred_at
          AND o.occurred_at <= c.occurred_at + make_interval(days => $5)) AS renewed,
        EXISTS (SELECT 1 FROM outcome o WHERE o.tenant = $1 AND o.customer_id = c.customer_id
          AND o.type = 'churn' AND o.occurred_at > c.occurred_at
          AND o.occurred_at <= c.occurred_at + make_interval(days => $5)) AS churned
      FROM c""";

  /**
   * Per customer: the anchor, its touchpoint and NPS (the strata of the adjustments), every reason
   * item raised in the window, the outcome, and their orders up to the end of their horizon (their
   * own order rate and value: amounts, count, first order).
   */
  private static final String ISSUES = """
      WITH r AS (
        SELECT customer_id, touchpoint, nps, reasons, sub_reasons, occurred_at, event_id
        FROM feedback
        WHERE tenant = $1 AND occurred_at >= $2 AND occurred_at < $3 AND touchpoint = ANY($4::text[])
          AND nps IS NOT NULL AND customer_id IS NOT NULL),
      c AS (
        SELECT DISTINCT ON (customer_id) customer_id, touchpoint, occurred_at, nps FROM r
        ORDER BY customer_id, occurred_at DESC, event_id DESC),
      raised AS (
        SELECT r.customer_id, array_agg(DISTINCT code) AS codes
        FROM r CROSS JOIN LATERAL unnest(coalesce(r.reasons, '{}'::text[]) || coalesce(r.sub_reasons, '{}'::text[])) AS code
        GROUP BY r.customer_id)
      SELECT c.customer_id, c.occurred_at, raised.codes,
        EXISTS (SELECT 1 FROM outcome o WHERE o.tenant = $1 AND o.customer_id = c.customer_id
          AND o.type = ANY($5::text[]) AND o.occurred_at > c.occurred_at
          AND o.occurred_at <= c.occurred_at + make_interval(days => $6)) AS hit,
        s.spend, s.orders, c.nps, c.touchpoint, s.first_order
      FROM c
      LEFT JOIN raised ON raised.customer_id = c.customer_id
      LEFT JOIN LATERAL (
        SELECT sum(amount) AS spend, count(*) AS orders, min(occurred_at) AS first_order FROM outcome o
        WHERE o.tenant = $1 AND o.customer_id = c.customer_id AND o.type IN ('purchase', 'repurchase')
          AND o.amount IS NOT NULL AND o.occurred_at <= c.occurred_at + make_interval(days => $6)) s ON true""";

  /** Revenue per customer and local day, with each customer's first outcome ever (to tell new customers). */
  // Each customer's first outcome, computed once per customer (a correlated subquery per
  // customer-day took twice as long: bench/RESULTS.md, earned growth).
  private static final String REVENUE = """
      WITH firsts AS (
        SELECT customer_id, min(occurred_at) AS first_at FROM outcome WHERE tenant = $1 GROUP BY customer_id)
      SELECT o.customer_id, (o.occurred_at AT TIME ZONE $4)::date AS day,
        coalesce(sum(o.amount) FILTER (WHERE o.type <> 'churn'), 0) AS revenue, bool_or(o.referred) AS referred,
        min(f.first_at) AS first_at
      FROM outcome o JOIN firsts f ON f.customer_id = o.customer_id
      WHERE o.tenant = $1 AND o.occurred_at >= $2 AND o.occurred_at < $3
        AND ($5::text[] IS NULL OR EXISTS (SELECT 1 FROM feedback fb
          WHERE fb.tenant = $1 AND fb.customer_id = o.customer_id AND fb.touchpoint = ANY($5::text[])))
      GROUP BY o.customer_id, day""";

  private static final String ANY_OUTCOME = "SELECT EXISTS (SELECT 1 FROM outcome WHERE tenant = $1)";

  private ValueStore() {}

  public record TargetRow(String customerId, String touchpoint, int nps, Instant occurredAt, boolean repurchased,
                          boolean renewed, boolean churned) {}

  /** @param firstOrder the customer's first purchase or repurchase with an amount; null when none */
  public record IssueRow(String customerId, Instant occurredAt, List<String> codes, boolean hit, double spend,
                         long orders, int nps, String touchpoint, Instant firstOrder) {}

  public record RevenueRow(String customerId, LocalDate day, double revenue, boolean referred, Instant firstAt) {}

  public static Future<List<TargetRow>> target(Pool pool, String tenant, Instant from, Instant to, List<String> touchpoints,
      int horizonDays) {
    Tuple params = Tuple.tuple().addValue(tenant).addValue(utc(from)).addValue(utc(to))
        .addValue(touchpoints.toArray(new String[0])).addValue(horizonDays);
    return pool.preparedQuery(TARGET).execute(params).map(rs -> {
      List<TargetRow> out = new ArrayList<>();
      for (Row r : rs) {
        out.add(new TargetRow(r.getString(0), r.getString(1), r.getShort(2), r.getOffsetDateTime(3).toInstant(),
            r.getBoolean(4), r.getBoolean(5), r.getBoolean(6)));
      }
      return out;
    });
  }

  public static Future<List<IssueRow>> issues(Pool pool, String tenant, Instant from, Instant to, List<String> touchpoints,
      List<String> outcomeTypes, int horizonDays) {
    Tuple params = Tuple.tuple().addValue(tenant).addValue(utc(from)).addValue(utc(to))
        .addValue(touchpoints.toArray(new String[0])).addValue(outcomeTypes.toArray(new String[0])).addValue(horizonDays);
    return pool.preparedQuery(ISSUES).execute(params).map(rs -> {
      List<IssueRow> out = new ArrayList<>();
      for (Row r : rs) {
        String[] codes = r.getArrayOfStrings(2);
        Numeric spend = r.getNumeric(4);
        Long orders = r.getLong(5);
        out.add(new IssueRow(r.getString(0), r.getOffsetDateTime(1).toInstant(),
            codes == null ? List.of() : Arrays.asList(codes), r.getBoolean(3),
            spend == null ? 0 : spend.doubleValue(), orders == null ? 0 : orders, r.getShort(6), r.getString(7),
            r.getOffsetDateTime(8) == null ? null : r.getOffsetDateTime(8).toInstant()));
      }
      return out;
    });
  }

  /**
   * @param touchpoints null for the whole tenant; else only customers who answered a survey at one
   *     of them (a touchpoint-scoped token sees the revenue of its own touchpoints' customers)
   */
  public static Future<List<RevenueRow>> revenue(Pool pool, String tenant, Instant from, Instant to, ZoneId zone,
      List<String> touchpoints) {
    Tuple params = Tuple.tuple().addValue(tenant).addValue(utc(from)).addValue(utc(to)).addValue(zone.getId())
        .addValue(touchpoints == null ? null : touchpoints.toArray(new String[0]));
    return pool.preparedQuery(REVENUE).execute(params).map(rs -> {
      List<RevenueRow> out = new ArrayList<>();
      for (Row r : rs) {
        Numeric revenue = r.getNumeric(2);
        out.add(new RevenueRow(r.getString(0), r.getLocalDate(1), revenue == null ? 0 : revenue.doubleValue(),
            Boolean.TRUE.equals(r.getBoolean(3)), r.getOffsetDateTime(4).toInstant()));
      }
      return out;
    });
  }

  public static Future<Boolean> anyOutcome(Pool pool, String tenant) {
    return pool.preparedQuery(ANY_OUTCOME).execute(Tuple.of(tenant)).map(rs -> rs.iterator().next().getBoolean(0));
  }

  private static OffsetDateTime utc(Instant t) {
    return t.atOffset(ZoneOffset.UTC);
  }
}
