package io.cxpulse.analysis;

import io.cxpulse.counters.Scorecards;
import io.cxpulse.counters.WindowPlan;
import io.cxpulse.counters.Windows;
import io.cxpulse.http.ApiError;
import io.cxpulse.http.Requests;
import io.cxpulse.http.ServerContext;
import io.cxpulse.live.CounterQuery;
import io.cxpulse.live.LiveHub;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET /api/v1/scorecards} and {@code GET /api/v1/reasons}: from the live hub's in-memory
 * counters over the event bus (the live numbers, no database read), with {@code compare=previous}
 * computed there too; only a {@code segment.<key>=<value>} filter reads segment buckets from
 * PostgreSQL. Either way the same {@link Scorecards} code builds the reply.
 */
final class ScorecardRoutes {
  private final ServerContext ctx;
  private final Windows windows;
  private final Scorecards scorecards;
  private final AnalysisStore store;

  ScorecardRoutes(ServerContext ctx, Windows windows, AnalysisStore store) {
    this.ctx = ctx;
    this.windows = windows;
    this.scorecards = new Scorecards(ctx.config().minN());
    this.store = store;
  }

  void mount(Router router) {
    router.get("/api/v1/scorecards").handler(rc -> cards(rc, CounterQuery.Kind.SCORECARDS));
    router.get("/api/v1/reasons").handler(rc -> cards(rc, CounterQuery.Kind.REASONS));
  }

  private void cards(RoutingContext rc, CounterQuery.Kind kind) {
    List<ApiError.Detail> errors = new ArrayList<>();
    AnalysisRequest r = AnalysisRequest.parse(rc, ctx, windows, errors);
    String compare = rc.queryParams().get("compare");
    if (compare != null && !compare.equals("previous")) errors.add(new ApiError.Detail("compare", "only 'previous'"));
    if (compare != null && kind == CounterQuery.Kind.REASONS) {
      errors.add(new ApiError.Detail("compare", "compare is offered on scorecards, not on reasons"));
    }
    AnalysisRequest.check(errors);
    boolean previous = compare != null;
    if (r.segment() == null) {
      Requests.Range range = r.range();
      // The hub replies with the encoded JSON: passed on as it is.
      rc.vertx().eventBus().<String>request(LiveHub.QUERY,
              new CounterQuery(kind, r.tenant().id(), r.codes(), range.window(), range.from(), range.to(), previous))
          .onSuccess(reply -> Requests.json(rc, 200, reply.body()))
          .onFailure(rc::fail);
      return;
    }
    WindowPlan before = previous ? windows.previous(r.plan(), r.zone(), ctx.clock().instant()) : null;
    List<WindowPlan.Range> ranges = new ArrayList<>(r.plan().ranges());
    if (before != null) ranges.addAll(before.ranges());
    AnalysisRequest.reply(rc, store.counters(r.tenant().id(), r.codes(), ranges, null, r.segment()).map(counters -> {
      JsonObject body = kind == CounterQuery.Kind.SCORECARDS
          ? scorecards.scorecards(r.tenant(), r.plan(), before, r.touchpoints(), counters)
          : scorecards.reasons(r.tenant(), r.plan(), r.touchpoints(), counters);
      return body.put("segment", r.segmentJson());
    }));
  }
}
