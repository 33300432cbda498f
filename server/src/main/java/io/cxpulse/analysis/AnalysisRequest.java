package io.cxpulse.analysis;

import io.cxpulse.auth.Principal;
import io.cxpulse.catalog.TenantCatalog;
import io.cxpulse.catalog.Touchpoint;
import io.cxpulse.counters.Scorecards;
import io.cxpulse.counters.WindowPlan;
import io.cxpulse.counters.Windows;
import io.cxpulse.http.ApiError;
import io.cxpulse.http.Requests;
import io.cxpulse.http.ServerContext;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

/**
 * What every analysis endpoint reads from its request the same way: the reading principal, its
 * tenant, the window (a name or from/to) and its bucket plan, the touchpoints within the token's
 * scope, and an optional {@code segment.<key>=<value>} filter of a counted key. Parse errors are
 * collected so that one 400 names every bad parameter.
 */
record AnalysisRequest(Principal principal, TenantCatalog tenant, Requests.Range range, WindowPlan plan,
                       List<Touchpoint> touchpoints, AnalysisStore.SegmentFilter segment) {

  static AnalysisRequest parse(RoutingContext rc, ServerContext ctx, Windows windows, List<ApiError.Detail> errors) {
    Principal principal = Requests.reader(rc);
    TenantCatalog tenant = Requests.tenant(ctx, principal);
    Instant now = ctx.clock().instant();
    Requests.Range range = Requests.range(rc, now, errors);
    List<String> codes = Requests.touchpoints(rc, tenant, principal, errors);
    List<Touchpoint> tps = codes == null ? tenant.touchpoints()
        : tenant.touchpoints().stream().filter(tp -> codes.contains(tp.code())).toList();
    AnalysisStore.SegmentFilter segment = segmentFilter(rc, tenant, errors);
    WindowPlan plan = null;
    if (errors.isEmpty()) {
      plan = range.custom() ? windows.range("custom", range.from(), range.to(), tenant.zone(), now)
          : windows.named(range.window(), tenant.zone(), now);
    }
    return new AnalysisRequest(principal, tenant, range, plan, tps, segment);
  }

  List<String> codes() {
    return touchpoints.stream().map(Touchpoint::code).toList();
  }

  ZoneId zone() {
    return tenant.zone();
  }

  /** The reply's {@code segment} object, when the request was filtered by one. */
  JsonObject segmentJson() {
    return segment == null ? null : new JsonObject().put("key", segment.key()).put("value", segment.value());
  }

  /** {@code segment.<key>=<value>}: one key, counted by the tenant. */
  static AnalysisStore.SegmentFilter segmentFilter(RoutingContext rc, TenantCatalog tenant, List<ApiError.Detail> errors) {
    AnalysisStore.SegmentFilter found = null;
    for (String name : rc.queryParams().names()) {
      if (!name.startsWith("segment.")) continue;
      String key = name.substring("segment.".length());
      List<String> values = rc.queryParams().getAll(name);
      if (!tenant.segmentKeys().contains(key)) {
        errors.add(new ApiError.Detail(name, "segment key '" + key + "' is not counted for this tenant (counted: "
            + String.join(", ", tenant.segmentKeys()) + ")"));
      } else if (values.size() != 1 || values.get(0).isEmpty()) {
        errors.add(new ApiError.Detail(name, "give exactly one non-empty value"));
      } else if (found != null) {
        errors.add(new ApiError.Detail(name, "one segment filter at a time"));
      } else {
        found = new AnalysisStore.SegmentFilter(key, values.get(0));
      }
    }
    return found;
  }

  static void check(List<ApiError.Detail> errors) {
    if (!errors.isEmpty()) throw ApiError.badRequest("invalid query parameters", errors);
  }

  static void reply(RoutingContext rc, Future<JsonObject> body) {
    body.onSuccess(json -> Requests.json(rc, 200, json.encode())).onFailure(rc::fail);
  }

  static JsonObject window(WindowPlan plan, ZoneId zone) {
    return Scorecards.window(plan, zone);
  }

  static String time(Instant t, ZoneId zone) {
    return t.atZone(zone).toOffsetDateTime().toString();
  }
}
