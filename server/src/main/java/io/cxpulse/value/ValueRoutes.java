package io.cxpulse.value;

import io.cxpulse.auth.Principal;
import io.cxpulse.catalog.TenantCatalog;
import io.cxpulse.counters.WindowPlan;
import io.cxpulse.counters.Windows;
import io.cxpulse.http.ApiError;
import io.cxpulse.http.ApiGuards;
import io.cxpulse.http.Requests;
import io.cxpulse.http.ServerContext;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code POST /api/v1/outcomes} (role ingest), and the value reads (viewer and above):
 * {@code GET /api/v1/value/target}, {@code /value/issues}, {@code /value/earned-growth}.
 */
public final class ValueRoutes {
  private static final int MAX_PERIODS = 60;

  private final ServerContext ctx;
  private final ValueAnalysis analysis;
  private final Windows windows;

  private ValueRoutes(ServerContext ctx) {
    this.ctx = ctx;
    this.analysis = new ValueAnalysis(ctx.readPool());
    this.windows = new Windows(ctx.config().minuteRetention(), ctx.config().quarterRetention());
  }

  public static void mount(Router router, ServerContext ctx, Vertx vertx) {
    ValueRoutes routes = new ValueRoutes(ctx);
    router.post("/api/v1/outcomes").handler(rc -> ApiGuards.ingestLimit(rc, ctx.security()));
    router.post("/api/v1/outcomes").handler(Requests::requireBatchMediaType);
    router.post("/api/v1/outcomes").handler(BodyHandler.create(false).setBodyLimit(ctx.config().bodyLimitBytes()))
        .handler(routes::ingest);
    router.get("/api/v1/value/target").handler(routes::target);
    router.get("/api/v1/value/issues").handler(routes::issues);
    router.get("/api/v1/value/earned-growth").handler(routes::earnedGrowth);
  }

  private void ingest(RoutingContext rc) {
    Principal principal = Requests.principal(rc);
    if (!principal.canIngest()) throw new ApiError(403, "forbidden", "this token may not send outcomes (role ingest required)");
    TenantCatalog tenant = Requests.tenant(ctx, principal);
    Buffer body = rc.body().buffer() == null ? Buffer.buffer() : rc.body().buffer();
    List<Outcome> items = OutcomeParser.parse(body, Requests.ndjson(rc), OutcomeTypes.of(tenant),
        ctx.clock().instant());
    OutcomeStore.insert(ctx.readPool(), tenant.id(), items)
        .recover(err -> Future.failedFuture(
            ApiError.unavailable("cannot store outcomes right now; retry with the same eventId", 1)))
        .onSuccess(accepted -> Requests.json(rc, 200, new JsonObject().put("accepted", accepted)
            .put("duplicates", items.size() - accepted).encode()))
        .onFailure(rc::fail);
  }

  /** The window of a value read: {@code window} (default 30d) or {@code from}/{@code to}, and the touchpoints. */
  private record Scope(TenantCatalog tenant, Instant from, Instant to, List<String> touchpoints, JsonObject window) {}

  private Scope scope(RoutingContext rc, List<ApiError.Detail> errors) {
    Principal principal = Requests.reader(rc);
    TenantCatalog tenant = Requests.tenant(ctx, principal);
    Instant now = ctx.clock().instant();
    boolean none = rc.queryParams().get("window") == null && rc.queryParams().get("from") == null
        && rc.queryParams().get("to") == null;
    Requests.Range range = none ? new Requests.Range("30d", null, null) : Requests.range(rc, now, errors);
    List<String> touchpoints = Requests.touchpoints(rc, tenant, principal, errors);
    if (touchpoints == null) touchpoints = tenant.touchpoints().stream().map(tp -> tp.code()).toList();
    if (!errors.isEmpty()) return new Scope(tenant, null, null, touchpoints, null);
    WindowPlan plan = range.custom() ? windows.range("custom", range.from(), range.to(), tenant.zone(), now)
        : windows.named(range.window(), tenant.zone(), now);
    Instant from = range.custom() ? range.from() : plan.from();
    Instant to = range.custom() ? range.to() : plan.to();
    JsonObject window = new JsonObject().put("name", plan.name())
        .put("from", from.atZone(tenant.zone()).toOffsetDateTime().toString())
        .put("to", to.atZone(tenant.zone()).toOffsetDateTime().toString()).put("timeZone", tenant.zone().getId());
    return new Scope(tenant, from, to, touchpoints, window);
  }

  private void target(RoutingContext rc) {
    List<ApiError.Detail> errors = new ArrayList<>();
    Scope s = scope(rc, errors);
    if (!errors.isEmpty()) throw ApiError.badRequest("invalid query parameters", errors);
    Instant now = ctx.clock().instant();
    analysis.target(s.tenant(), s.from(), s.to(), s.touchpoints(), now)
        .onSuccess(body -> Requests.json(rc, 200, body.put("tenant", s.tenant().id()).put("window", s.window()).encode()))
        .onFailure(rc::fail);
  }

  private void issues(RoutingContext rc) {
    List<ApiError.Detail> errors = new ArrayList<>();
    Scope s = scope(rc, errors);
    String outcome = rc.queryParams().get("outcome") == null ? "repurchase" : rc.queryParams().get("outcome");
    Set<String> types = OutcomeTypes.of(s.tenant());
    if (!types.contains(outcome)) {
      errors.add(new ApiError.Detail("outcome", "one of " + String.join(", ", types)));
    }
    int horizon = OutcomeTypes.horizonDays(s.tenant());
    String h = rc.queryParams().get("horizonDays");
    if (h != null) {
      try {
        horizon = Integer.parseInt(h.trim());
        if (horizon < 1 || horizon > 730) errors.add(new ApiError.Detail("horizonDays", "an integer from 1 to 730"));
      } catch (NumberFormatException e) {
        errors.add(new ApiError.Detail("horizonDays", "an integer from 1 to 730"));
      }
    }
    if (!errors.isEmpty()) throw ApiError.badRequest("invalid query parameters", errors);
    analysis.issues(s.tenant(), s.from(), s.to(), s.touchpoints(), outcome, horizon, ctx.clock().instant())
        .onSuccess(body -> Requests.json(rc, 200, body.put("tenant", s.tenant().id()).put("window", s.window())
            .put("touchpoints", s.touchpoints()).encode()))
        .onFailure(rc::fail);
  }

  private void earnedGrowth(RoutingContext rc) {
    Principal principal = Requests.reader(rc);
    TenantCatalog tenant = Requests.tenant(ctx, principal);
    ZoneId zone = tenant.zone();
    List<ApiError.Detail> errors = new ArrayList<>();
    String step = rc.queryParams().get("step") == null ? "month" : rc.queryParams().get("step");
    if (!step.equals("month") && !step.equals("quarter")) errors.add(new ApiError.Detail("step", "month or quarter"));
    int months = step.equals("quarter") ? 3 : 1;
    Instant now = ctx.clock().instant();
    LocalDate to = date(rc.queryParams().get("to"), "to", zone, errors);
    if (to == null) to = now.atZone(zone).toLocalDate();
    LocalDate from = date(rc.queryParams().get("from"), "from", zone, errors);
    LocalDate last = periodStart(to, months);
    LocalDate first = from == null ? last.minusMonths(months * (step.equals("quarter") ? 3L : 11L)) : periodStart(from, months);
    long count = ((last.getYear() - first.getYear()) * 12L + last.getMonthValue() - first.getMonthValue()) / months + 1;
    if (count < 1) errors.add(new ApiError.Detail("to", "must not be before from"));
    else if (count > MAX_PERIODS) errors.add(new ApiError.Detail("from", "at most " + MAX_PERIODS + " periods"));
    // A token scoped to touchpoints sees the revenue of its touchpoints' customers, never the tenant's.
    List<String> touchpoints = Requests.touchpoints(rc, tenant, principal, errors);
    if (!errors.isEmpty()) throw ApiError.badRequest("invalid query parameters", errors);
    analysis.earnedGrowth(tenant, first, (int) count, step, now, touchpoints)
        .onSuccess(body -> Requests.json(rc, 200, body.encode()))
        .onFailure(rc::fail);
  }

  private static LocalDate periodStart(LocalDate day, int months) {
    int month = (day.getMonthValue() - 1) / months * months + 1;
    return LocalDate.of(day.getYear(), month, 1);
  }

  /** A local date (2025-01-31), a month (2025-01) or a time with an offset, read in the tenant's zone. */
  private static LocalDate date(String value, String name, ZoneId zone, List<ApiError.Detail> errors) {
    if (value == null) return null;
    try {
      if (value.length() == 7) return LocalDate.parse(value + "-01");
      if (value.length() == 10) return LocalDate.parse(value);
      return OffsetDateTime.parse(value).atZoneSameInstant(zone).toLocalDate();
    } catch (DateTimeParseException e) {
      errors.add(new ApiError.Detail(name, "a month (2025-01), a date (2025-01-31) or an ISO-8601 time with an offset"));
      return null;
    }
  }
}
