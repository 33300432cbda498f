package io.cxpulse.cases;

import io.cxpulse.auth.Principal;
import io.cxpulse.catalog.TenantCatalog;
import io.cxpulse.http.ApiError;
import io.cxpulse.http.Requests;
import io.cxpulse.http.ServerContext;
import io.cxpulse.text.Text;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.sqlclient.Row;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code GET /api/v1/cases}, {@code GET /api/v1/cases/{id}} (viewer and above, within the token's
 * touchpoints; the customer id only for managers) and {@code PATCH /api/v1/cases/{id}} (manager or
 * admin): status transitions, assignee and notes, each change in the audit trail, optimistic
 * concurrency by version. A status change is announced by NOTIFY in its transaction.
 */
public final class CaseRoutes {
  public static final Set<String> STATUSES = Set.of("open", "contacted", "resolved", "closed");
  /** Allowed transitions: open → contacted → resolved; open or contacted → closed. */
  private static final Map<String, Set<String>> NEXT = Map.of(
      "open", Set.of("contacted", "closed"),
      "contacted", Set.of("resolved", "closed"),
      "resolved", Set.of(),
      "closed", Set.of());
  private static final Set<String> PATCH_FIELDS = Set.of("status", "assignee", "note", "version");
  private static final Pattern DURATION = Pattern.compile("([0-9]{1,6})(m|h|d)");
  private static final int MAX_LIMIT = 500;

  private final ServerContext ctx;

  private CaseRoutes(ServerContext ctx) {
    this.ctx = ctx;
  }

  public static void mount(Router router, ServerContext ctx, Vertx vertx) {
    CaseRoutes routes = new CaseRoutes(ctx);
    router.get("/api/v1/cases").handler(routes::list);
    router.get("/api/v1/cases/:id").handler(routes::get);
    router.patch("/api/v1/cases/:id").handler(BodyHandler.create(false).setBodyLimit(64 * 1024)).handler(routes::patch);
  }

  static boolean manages(Principal p) {
    return p.roles().contains(Principal.MANAGER) || p.roles().contains(Principal.ADMIN);
  }

  private void list(RoutingContext rc) {
    Principal principal = Requests.reader(rc);
    TenantCatalog tenant = Requests.tenant(ctx, principal);
    Instant now = ctx.clock().instant();
    List<ApiError.Detail> errors = new ArrayList<>();
    List<String> touchpoints = Requests.touchpoints(rc, tenant, principal, errors);
    if (touchpoints == null) touchpoints = tenant.touchpoints().stream().map(tp -> tp.code()).toList();
    List<String> statuses = new ArrayList<>();
    String statusParam = rc.queryParams().get("status");
    if (statusParam == null || statusParam.isBlank()) {
      statuses.addAll(STATUSES);
    } else {
      for (String s : statusParam.split(",")) {
        s = s.trim();
        if (STATUSES.contains(s)) statuses.add(s);
        else if (!s.isEmpty()) errors.add(new ApiError.Detail("status", "unknown status '" + s + "'; use open, contacted, resolved, closed"));
      }
    }
    Instant openedBefore = now;
    String olderThan = rc.queryParams().get("olderThan");
    if (olderThan != null) {
      Duration d = duration(olderThan);
      if (d == null) errors.add(new ApiError.Detail("olderThan", "a duration such as 30m, 2h, 3d or PT2H"));
      else openedBefore = now.minus(d);
    }
    String overdue = "any";
    String overdueParam = rc.queryParams().get("overdue");
    if (overdueParam != null) {
      if (overdueParam.equals("true")) overdue = "yes";
      else if (overdueParam.equals("false")) overdue = "no";
      else errors.add(new ApiError.Detail("overdue", "true or false"));
    }
    int limit = (int) longParam(rc, "limit", 50, 1, MAX_LIMIT, errors);
    long before = longParam(rc, "before", Long.MAX_VALUE, 1, Long.MAX_VALUE, errors);
    if (!errors.isEmpty()) throw ApiError.badRequest("invalid query parameters", errors);
    boolean customer = manages(principal);
    CaseStore.list(ctx.readPool(), new CaseStore.Query(tenant.id(), touchpoints, statuses, openedBefore, overdue, now,
            before, limit))
        .onSuccess(rows -> {
          JsonArray cases = new JsonArray();
          for (Row r : rows) cases.add(caseJson(r, tenant.zone(), now, customer));
          JsonObject body = new JsonObject().put("tenant", tenant.id()).put("cases", cases)
              .put("next", rows.size() == limit ? String.valueOf(rows.get(rows.size() - 1).getLong("id")) : null);
          Requests.json(rc, 200, body.encode());
        })
        .onFailure(rc::fail);
  }

  private void get(RoutingContext rc) {
    Principal principal = Requests.reader(rc);
    TenantCatalog tenant = Requests.tenant(ctx, principal);
    long id = caseId(rc);
    Instant now = ctx.clock().instant();
    ctx.readPool().withConnection(conn -> CaseStore.get(conn, tenant.id(), id, false).compose(row -> {
          visible(row, principal, id);
          return CaseStore.history(conn, tenant.id(), id).map(history ->
              caseJson(row, tenant.zone(), now, manages(principal)).put("history", history));
        }))
        .onSuccess(body -> reply(rc, body))
        .onFailure(rc::fail);
  }

  private void patch(RoutingContext rc) {
    Principal principal = Requests.principal(rc);
    if (!manages(principal)) {
      throw new ApiError(403, "forbidden", "only a manager or an admin may change a case");
    }
    TenantCatalog tenant = Requests.tenant(ctx, principal);
    long id = caseId(rc);
    Patch patch = parsePatch(rc);
    Instant now = ctx.clock().instant();
    ctx.readPool().withTransaction(conn -> CaseStore.get(conn, tenant.id(), id, true).compose(row -> {
          visible(row, principal, id);
          int version = row.getInteger("version");
          if (patch.version() != null && patch.version() != version) {
            throw new ApiError(412, "precondition_failed", "the case changed since version " + patch.version()
                + "; it is now at version " + version + ": reload it and try again");
          }
          String from = row.getString("status");
          String to = patch.status() == null ? from : patch.status();
          if (patch.status() != null && !NEXT.get(from).contains(to)) {
            throw new ApiError(409, "invalid_transition", "a case cannot go from " + from + " to " + to
                + (NEXT.get(from).isEmpty() ? " (" + from + " is final)" : "; from " + from + " it may go to "
                + String.join(" or ", NEXT.get(from).stream().sorted().toList())));
          }
          String assignee = patch.assigneeSet() ? patch.assignee() : row.getString("assignee");
          Instant firstResponse = instant(row, "first_response_at");
          if (firstResponse == null && !to.equals("open")) firstResponse = now;
          Instant resolved = to.equals("resolved") && !from.equals("resolved") ? now : instant(row, "resolved_at");
          Instant closed = to.equals("closed") && !from.equals("closed") ? now : instant(row, "closed_at");
          List<String> actions = new ArrayList<>();
          if (patch.status() != null) actions.add("status");
          if (patch.assigneeSet()) actions.add(patch.assignee() == null ? "unassign" : "assign");
          if (patch.note() != null) actions.add("note");
          CaseStore.Audit audit = new CaseStore.Audit(now, principal.subject(), String.join("+", actions), from, to,
              assignee, patch.note());
          return CaseStore.update(conn, tenant.id(), id, new CaseStore.Update(to, assignee, firstResponse, resolved, closed))
              .compose(updated -> CaseStore.audit(conn, tenant.id(), id, audit)
                  .compose(v -> from.equals(to) ? Future.<Void>succeededFuture() : CaseNotifications.notify(conn,
                      List.of(new CaseChange(CaseChange.UPDATED, id, tenant.id(), updated.getString("touchpoint"), to,
                          instant(updated, "opened_at"), instant(updated, "due_at"), updated.getShort("nps"), List.of()))))
                  .compose(v -> CaseStore.history(conn, tenant.id(), id))
                  .map(history -> caseJson(updated, tenant.zone(), now, true).put("history", history)));
        }))
        .onSuccess(body -> reply(rc, body))
        .onFailure(rc::fail);
  }

  private static void reply(RoutingContext rc, JsonObject body) {
    rc.response().putHeader("ETag", "\"" + body.getInteger("version") + "\"");
    Requests.json(rc, 200, body.encode());
  }

  /** 404 for no such case in this tenant (another tenant's case does not exist here); 403 outside the token's touchpoints. */
  private static void visible(Row row, Principal principal, long id) {
    if (row == null) throw new ApiError(404, "not_found", "no case " + id);
    if (!principal.mayAccess(row.getString("touchpoint"))) {
      throw new ApiError(403, "forbidden", "this token may not see touchpoint '" + row.getString("touchpoint") + "'");
    }
  }

  private static long caseId(RoutingContext rc) {
    String raw = rc.pathParam("id");
    try {
      long id = Long.parseLong(raw);
      if (id > 0) return id;
    } catch (NumberFormatException e) {
      // below
    }
    throw ApiError.badRequest("invalid case id", List.of(new ApiError.Detail("id", "must be a positive integer")));
  }

  /** A PATCH body: {@code assigneeSet} tells "assignee": null (unassign) from no assignee at all. */
  record Patch(String status, String assignee, boolean assigneeSet, String note, Integer version) {}

  private static Patch parsePatch(RoutingContext rc) {
    Requests.requireJson(rc);
    Object decoded;
    try {
      decoded = rc.body().buffer() == null || rc.body().buffer().length() == 0 ? null : Json.decodeValue(rc.body().buffer());
    } catch (DecodeException e) {
      throw ApiError.badRequest("the body is not valid JSON", List.of(new ApiError.Detail("", "not valid JSON")));
    }
    if (!(decoded instanceof JsonObject o)) {
      throw ApiError.badRequest("the body must be a JSON object", List.of(new ApiError.Detail("", "must be an object")));
    }
    List<ApiError.Detail> errors = new ArrayList<>();
    for (String field : o.fieldNames()) {
      if (!PATCH_FIELDS.contains(field)) errors.add(new ApiError.Detail("/" + field.replace("~", "~0").replace("/", "~1"), "unknown field"));
    }
    String status = null;
    if (o.containsKey("status")) {
      if (o.getValue("status") instanceof String s && STATUSES.contains(s)) status = s;
      else errors.add(new ApiError.Detail("/status", "one of open, contacted, resolved, closed"));
    }
    String assignee = null;
    boolean assigneeSet = o.containsKey("assignee");
    if (assigneeSet && o.getValue("assignee") != null) {
      if (o.getValue("assignee") instanceof String s && !s.isBlank() && s.length() <= 128) {
        String problem = Text.nameProblem(s);
        if (problem == null) assignee = s.trim();
        else errors.add(new ApiError.Detail("/assignee", problem));
      } else {
        errors.add(new ApiError.Detail("/assignee", "a name of 1..128 characters, or null to unassign"));
      }
    }
    String note = null;
    if (o.containsKey("note")) {
      if (o.getValue("note") instanceof String s && !s.isBlank() && s.length() <= 4000) {
        String problem = Text.problem(s);
        if (problem == null) note = s;
        else errors.add(new ApiError.Detail("/note", problem));
      } else {
        errors.add(new ApiError.Detail("/note", "a text of 1..4000 characters"));
      }
    }
    Integer version = null;
    if (o.containsKey("version")) {
      if (o.getValue("version") instanceof Integer v && v > 0) version = v;
      else errors.add(new ApiError.Detail("/version", "a positive integer"));
    }
    String ifMatch = rc.request().getHeader("If-Match");
    if (ifMatch != null) {
      String v = ifMatch.trim();
      if (v.startsWith("W/")) v = v.substring(2);
      v = v.replace("\"", "");
      try {
        int parsed = Integer.parseInt(v);
        if (version != null && version != parsed) errors.add(new ApiError.Detail("/version", "differs from If-Match"));
        version = parsed;
      } catch (NumberFormatException e) {
        errors.add(new ApiError.Detail("If-Match", "the case's version, e.g. \"3\""));
      }
    }
    if (errors.isEmpty() && status == null && !assigneeSet && note == null) {
      errors.add(new ApiError.Detail("", "give at least one of status, assignee, note"));
    }
    if (!errors.isEmpty()) throw ApiError.badRequest(errors.size() + " invalid field" + (errors.size() == 1 ? "" : "s"), errors);
    return new Patch(status, assignee, assigneeSet, note, version);
  }

  static JsonObject caseJson(Row r, ZoneId zone, Instant now, boolean withCustomer) {
    String status = r.getString("status");
    Instant opened = instant(r, "opened_at");
    Instant due = instant(r, "due_at");
    Instant firstResponse = instant(r, "first_response_at");
    Instant resolved = instant(r, "resolved_at");
    Instant closed = instant(r, "closed_at");
    Instant ended = resolved != null ? resolved : closed;
    String[] reasons = r.getArrayOfStrings("reasons");
    String[] subReasons = r.getArrayOfStrings("sub_reasons");
    JsonObject out = new JsonObject()
        .put("id", r.getLong("id"))
        .put("eventId", r.getString("event_id"))
        .put("touchpoint", r.getString("touchpoint"))
        .put("nps", r.getShort("nps"))
        .put("reasons", new JsonArray(reasons == null ? List.of() : List.of(reasons)))
        .put("subReasons", new JsonArray(subReasons == null ? List.of() : List.of(subReasons)))
        .put("comment", r.getString("comment"))
        .put("status", status)
        .put("assignee", r.getString("assignee"))
        .put("occurredAt", time(instant(r, "occurred_at"), zone))
        .put("openedAt", time(opened, zone))
        .put("dueAt", time(due, zone))
        .put("firstResponseAt", time(firstResponse, zone))
        .put("resolvedAt", time(resolved, zone))
        .put("closedAt", time(closed, zone))
        .put("overdue", status.equals("open") && now.isAfter(due))
        .put("slaAlertedAt", time(instant(r, "sla_alerted_at"), zone))
        .put("firstResponseSeconds", firstResponse == null ? null : Duration.between(opened, firstResponse).toSeconds())
        .put("resolutionSeconds", ended == null ? null : Duration.between(opened, ended).toSeconds())
        .put("ageSeconds", Duration.between(opened, ended != null ? ended : now).toSeconds())
        .put("version", r.getInteger("version"));
    if (withCustomer) out.put("customerId", r.getString("customer_id"));
    return out;
  }

  static Instant instant(Row r, String column) {
    OffsetDateTime t = r.getOffsetDateTime(column);
    return t == null ? null : t.toInstant();
  }

  private static String time(Instant t, ZoneId zone) {
    return t == null ? null : t.atZone(zone).toOffsetDateTime().toString();
  }

  /** {@code 30m}, {@code 2h}, {@code 3d} or ISO-8601 ({@code PT2H}); null when malformed or negative. */
  static Duration duration(String s) {
    Matcher m = DURATION.matcher(s.trim());
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
    }
    try {
      Duration d = Duration.parse(s.trim());
      return d.isNegative() || d.compareTo(Duration.ofDays(3650)) > 0 ? null : d;
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static long longParam(RoutingContext rc, String name, long fallback, long min, long max,
      List<ApiError.Detail> errors) {
    String v = rc.queryParams().get(name);
    if (v == null) return fallback;
    try {
      long parsed = Long.parseLong(v.trim());
      if (parsed >= min && parsed <= max) return parsed;
    } catch (NumberFormatException e) {
      // below
    }
    errors.add(new ApiError.Detail(name, "an integer from " + min + (max == Long.MAX_VALUE ? "" : " to " + max)));
    return fallback;
  }
}
