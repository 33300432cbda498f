package io.cxpulse.cases;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** SQL of follow-up cases and their audit trail. Every statement is scoped by tenant. */
public final class CaseStore {
  /**
   * Opens the cases of a batch's new rows, in the writer's transaction: the feedback rows are read
   * back (so the candidates need only their keys) and kept only if they are consenting detractors.
   * The unique (tenant, event_id) makes a second opening impossible even if the writer asked twice.
   * The SLA is clamped to a year here too (CatalogFile refuses more): a setting stored before that
   * rule must not make the due time overflow and fail the writer's shared transaction.
   */
  private static final String OPEN = """
      WITH c AS (
        INSERT INTO follow_up_case (tenant, event_id, touchpoint, customer_id, nps, reasons, sub_reasons, comment,
          occurred_at, opened_at, due_at)
        SELECT f.tenant, f.event_id, f.touchpoint, f.customer_id, f.nps, f.reasons, f.sub_reasons, f.comment,
          f.occurred_at, $3::timestamptz, $3::timestamptz + make_interval(secs => 3600 * CASE
            WHEN jsonb_typeof(t.settings -> 'caseSlaHours') = 'number' AND (t.settings ->> 'caseSlaHours')::float8 > 0
            THEN least((t.settings ->> 'caseSlaHours')::float8, 8760) ELSE 24 END)
        FROM unnest($1::text[], $2::text[]) AS u(tn, ev)
        JOIN feedback f ON f.tenant = u.tn AND f.event_id = u.ev
        JOIN tenant t ON t.id = f.tenant
        WHERE f.nps <= 6 AND f.contact_consent
        ORDER BY f.tenant, f.occurred_at, f.event_id
        ON CONFLICT (tenant, event_id) DO NOTHING
        RETURNING id, tenant, touchpoint, status, opened_at, due_at, nps, reasons),
      audit AS (
        INSERT INTO case_event (tenant, case_id, at, actor, action, to_status)
        SELECT tenant, id, opened_at, 'system', 'opened', 'open' FROM c)
      SELECT id, tenant, touchpoint, status, opened_at, due_at, nps, reasons FROM c ORDER BY id""";

  private static final String COLUMNS = """
      id, event_id, touchpoint, customer_id, nps, reasons, sub_reasons, comment, occurred_at, status, assignee,
      opened_at, due_at, first_response_at, resolved_at, closed_at, sla_alerted_at, version""";

  private static final String LIST = "SELECT " + COLUMNS + """

      FROM follow_up_case
      WHERE tenant = $1 AND touchpoint = ANY($2::text[]) AND status = ANY($3::text[]) AND opened_at <= $4
        AND ($5::text = 'any' OR ($5 = 'yes') = (status = 'open' AND due_at < $6)) AND id < $7
      ORDER BY id DESC
      LIMIT $8""";

  private static final String GET = "SELECT " + COLUMNS + " FROM follow_up_case WHERE tenant = $1 AND id = $2";
  private static final String LOCK = GET + " FOR UPDATE";

  private static final String HISTORY = """
      SELECT at, actor, action, from_status, to_status, assignee, note
      FROM case_event WHERE tenant = $1 AND case_id = $2 ORDER BY id""";

  private static final String UPDATE = "UPDATE follow_up_case SET status = $3, assignee = $4, first_response_at = $5, "
      + "resolved_at = $6, closed_at = $7, version = version + 1 WHERE tenant = $1 AND id = $2 RETURNING " + COLUMNS;

  private static final String AUDIT = """
      INSERT INTO case_event (tenant, case_id, at, actor, action, from_status, to_status, assignee, note)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)""";

  /** Claims the open cases past due that no node has alerted yet: row locks make the claim exactly once. */
  private static final String CLAIM_BREACHES = """
      WITH b AS (
        UPDATE follow_up_case SET sla_alerted_at = $2
        WHERE tenant = ANY($1::text[]) AND status = 'open' AND due_at <= $2 AND sla_alerted_at IS NULL
        RETURNING id, tenant, touchpoint, status, opened_at, due_at, nps, reasons),
      audit AS (
        INSERT INTO case_event (tenant, case_id, at, actor, action, from_status, to_status)
        SELECT tenant, id, $2, 'system', 'sla-breach', 'open', 'open' FROM b)
      SELECT id, tenant, touchpoint, status, opened_at, due_at, nps, reasons FROM b ORDER BY id""";

  private static final String LOAD_OPEN = """
      SELECT id, tenant, touchpoint, status, opened_at, due_at, nps, reasons
      FROM follow_up_case WHERE tenant = ANY($1::text[]) AND status = 'open'""";

  private CaseStore() {}

  /** Case ids as the writer collects them: one (tenant, eventId) per new consenting detractor. */
  public static Future<List<CaseChange>> openNew(SqlConnection conn, List<String> tenants, List<String> eventIds,
      Instant now) {
    if (eventIds.isEmpty()) return Future.succeededFuture(List.of());
    Tuple params = Tuple.tuple().addValue(tenants.toArray(new String[0])).addValue(eventIds.toArray(new String[0]))
        .addValue(now.atOffset(ZoneOffset.UTC));
    return conn.preparedQuery(OPEN).execute(params).map(rs -> changes(rs, CaseChange.OPENED));
  }

  /** Opens the cases of a batch and tells every node, in the caller's transaction. */
  public static Future<Void> openAndNotify(SqlConnection conn, List<String> tenants, List<String> eventIds, Instant now) {
    return openNew(conn, tenants, eventIds, now).compose(opened -> CaseNotifications.notify(conn, opened));
  }

  public record Query(String tenant, List<String> touchpoints, List<String> statuses, Instant openedBefore,
                      String overdue, Instant now, long beforeId, int limit) {}

  public static Future<List<Row>> list(Pool pool, Query q) {
    Tuple params = Tuple.tuple().addValue(q.tenant()).addValue(q.touchpoints().toArray(new String[0]))
        .addValue(q.statuses().toArray(new String[0])).addValue(utc(q.openedBefore())).addValue(q.overdue())
        .addValue(utc(q.now())).addValue(q.beforeId()).addValue(q.limit());
    return pool.preparedQuery(LIST).execute(params).map(CaseStore::rows);
  }

  /** The case and its history, or null when this tenant has no such case. */
  public static Future<Row> get(SqlConnection conn, String tenant, long id, boolean lock) {
    return conn.preparedQuery(lock ? LOCK : GET).execute(Tuple.of(tenant, id))
        .map(rs -> rs.iterator().hasNext() ? rs.iterator().next() : null);
  }

  public static Future<JsonArray> history(SqlConnection conn, String tenant, long id) {
    return conn.preparedQuery(HISTORY).execute(Tuple.of(tenant, id)).map(rs -> {
      JsonArray out = new JsonArray();
      for (Row r : rs) {
        out.add(new JsonObject().put("at", r.getOffsetDateTime("at").toInstant().toString())
            .put("actor", r.getString("actor")).put("action", r.getString("action"))
            .put("fromStatus", r.getString("from_status")).put("toStatus", r.getString("to_status"))
            .put("assignee", r.getString("assignee")).put("note", r.getString("note")));
      }
      return out;
    });
  }

  public record Update(String status, String assignee, Instant firstResponseAt, Instant resolvedAt, Instant closedAt) {}

  public static Future<Row> update(SqlConnection conn, String tenant, long id, Update u) {
    Tuple params = Tuple.tuple().addValue(tenant).addValue(id).addValue(u.status()).addValue(u.assignee())
        .addValue(utc(u.firstResponseAt())).addValue(utc(u.resolvedAt())).addValue(utc(u.closedAt()));
    return conn.preparedQuery(UPDATE).execute(params).map(rs -> rs.iterator().next());
  }

  public record Audit(Instant at, String actor, String action, String fromStatus, String toStatus, String assignee,
                      String note) {}

  public static Future<Void> audit(SqlConnection conn, String tenant, long id, Audit a) {
    Tuple params = Tuple.tuple().addValue(tenant).addValue(id).addValue(utc(a.at())).addValue(a.actor())
        .addValue(a.action()).addValue(a.fromStatus()).addValue(a.toStatus()).addValue(a.assignee()).addValue(a.note());
    return conn.preparedQuery(AUDIT).execute(params).mapEmpty();
  }

  public static Future<List<CaseChange>> claimBreaches(SqlConnection conn, List<String> tenants, Instant now) {
    return conn.preparedQuery(CLAIM_BREACHES)
        .execute(Tuple.tuple().addValue(tenants.toArray(new String[0])).addValue(utc(now)))
        .map(rs -> changes(rs, CaseChange.BREACH));
  }

  public static Future<List<CaseChange>> loadOpen(Pool pool, List<String> tenants) {
    return pool.preparedQuery(LOAD_OPEN).execute(Tuple.tuple().addValue(tenants.toArray(new String[0])))
        .map(rs -> changes(rs, CaseChange.OPENED));
  }

  private static List<CaseChange> changes(RowSet<Row> rs, String kind) {
    List<CaseChange> out = new ArrayList<>();
    for (Row r : rs) {
      String[] reasons = r.getArrayOfStrings("reasons");
      out.add(new CaseChange(kind, r.getLong("id"), r.getString("tenant"), r.getString("touchpoint"),
          r.getString("status"), r.getOffsetDateTime("opened_at").toInstant(), r.getOffsetDateTime("due_at").toInstant(),
          r.getShort("nps"), reasons == null ? List.of() : List.of(reasons)));
    }
    return out;
  }

  private static List<Row> rows(RowSet<Row> rs) {
    List<Row> out = new ArrayList<>();
    rs.forEach(out::add);
    return out;
  }

  private static OffsetDateTime utc(Instant t) {
    return t == null ? null : t.atOffset(ZoneOffset.UTC);
  }
}
