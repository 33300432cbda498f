package io.cxpulse.analysis;

import io.cxpulse.catalog.TenantCatalog;
import io.cxpulse.catalog.Touchpoint;
import io.cxpulse.counters.Scorecards;
import io.cxpulse.counters.WindowPlan;
import io.cxpulse.counters.Windows;
import io.cxpulse.http.ApiError;
import io.cxpulse.http.ServerContext;
import io.cxpulse.score.CesScore;
import io.cxpulse.score.CsatScore;
import io.cxpulse.score.NpsScore;
import io.cxpulse.score.RaterScore;
import io.cxpulse.score.Tally;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET /api/v1/trends}: a metric (nps, csat, ces, rater) per step (minute, hour, day, week)
 * for each touchpoint and overall, each point with its n and, for NPS, its interval; from bucket
 * tables (with a segment filter, segment buckets), steps on the tenant's local calendar.
 */
final class TrendRoutes {
  private final ServerContext ctx;
  private final Windows windows;
  private final AnalysisStore store;

  TrendRoutes(ServerContext ctx, Windows windows, AnalysisStore store) {
    this.ctx = ctx;
    this.windows = windows;
    this.store = store;
  }

  void mount(Router router) {
    router.get("/api/v1/trends").handler(rc -> AnalysisRequest.reply(rc, trends(rc)));
  }

  private Future<JsonObject> trends(RoutingContext rc) {
    List<ApiError.Detail> errors = new ArrayList<>();
    AnalysisRequest c = AnalysisRequest.parse(rc, ctx, windows, errors);
    String metric = rc.queryParams().get("metric");
    if (metric == null) metric = "nps";
    if (!List.of("nps", "csat", "ces", "rater").contains(metric)) {
      errors.add(new ApiError.Detail("metric", "one of nps, csat, ces, rater"));
    }
    String stepParam = rc.queryParams().get("step");
    TrendSteps.Step step = stepParam == null ? null : TrendSteps.Step.of(stepParam);
    if (stepParam != null && step == null) errors.add(new ApiError.Detail("step", "one of minute, hour, day, week"));
    AnalysisRequest.check(errors);
    Instant now = ctx.clock().instant();
    // The window as asked: a named one as the planner resolves it, a custom one exactly.
    Instant from = c.range().custom() ? c.range().from() : c.plan().from();
    Instant to = c.range().custom() ? c.range().to() : c.plan().to();
    if (step == null) step = TrendSteps.defaultStep(c.range().window(), from, to);
    List<TrendSteps.Point> points;
    try {
      points = TrendSteps.plan(step, from, to, c.tenant().zone(), now, ctx.config().minuteRetention(),
          ctx.config().quarterRetention());
    } catch (TrendSteps.Refused e) {
      throw ApiError.badRequest("this step cannot serve this window", List.of(new ApiError.Detail("step", e.getMessage())));
    }
    String m = metric;
    TrendSteps.Step s = step;
    List<WindowPlan.Range> ranges = points.stream().map(TrendSteps.Point::range).toList();
    return store.counters(c.tenant().id(), c.codes(), ranges, List.of(m), c.segment()).map(counters -> {
      ZoneId zone = c.tenant().zone();
      JsonArray series = new JsonArray();
      List<Tally> overall = new ArrayList<>();
      for (int i = 0; i < points.size(); i++) overall.add(new Tally());
      for (Touchpoint tp : c.touchpoints()) {
        JsonArray pts = new JsonArray();
        for (int i = 0; i < points.size(); i++) {
          TrendSteps.Point p = points.get(i);
          Tally t = counters.sum(c.tenant().id(), tp.code(), new WindowPlan("step", p.from(), p.to(), List.of(p.range())));
          overall.get(i).addAll(t);
          pts.add(point(m, p, t, zone, c.tenant()));
        }
        series.add(new JsonObject().put("touchpoint", tp.code()).put("name", tp.name()).put("points", pts));
      }
      JsonArray overallPoints = new JsonArray();
      for (int i = 0; i < points.size(); i++) overallPoints.add(point(m, points.get(i), overall.get(i), zone, c.tenant()));
      JsonObject body = new JsonObject().put("tenant", c.tenant().id()).put("metric", m).put("step", s.code())
          .put("timeZone", zone.getId())
          .put("from", AnalysisRequest.time(points.isEmpty() ? from : points.get(0).from(), zone))
          .put("to", AnalysisRequest.time(points.isEmpty() ? to : points.get(points.size() - 1).to(), zone))
          .put("series", series).put("overall", new JsonObject().put("points", overallPoints));
      if (c.segment() != null) {
        body.put("segment", new JsonObject().put("key", c.segment().key()).put("value", c.segment().value()));
      }
      return body;
    });
  }

  private JsonObject point(String metric, TrendSteps.Point p, Tally t, ZoneId zone, TenantCatalog tenant) {
    JsonObject out = new JsonObject().put("from", AnalysisRequest.time(p.from(), zone)).put("to", AnalysisRequest.time(p.to(), zone));
    switch (metric) {
      case "nps" -> {
        NpsScore s = NpsScore.of(t.nps(), ctx.config().minN());
        out.put("n", s.n()).put("promoters", s.promoters()).put("passives", s.passives()).put("detractors", s.detractors())
            .put("score", s.score()).put("moe", s.moe())
            .put("ci", s.ciLow() == null ? null : new JsonArray().add(s.ciLow()).add(s.ciHigh()))
            .put("ciSymmetric", s.ciSymmetric())
            .put("lowConfidence", s.lowConfidence());
      }
      case "csat" -> {
        CsatScore s = CsatScore.of(t.csat());
        out.put("n", s.n()).put("score", s.mean()).put("mean", s.mean()).put("top2", s.top2())
            .put("ci", Scorecards.interval(s.meanInterval())).put("top2Ci", Scorecards.percentInterval(s.top2Share()));
      }
      case "ces" -> {
        CesScore s = CesScore.of(t.ces());
        out.put("n", s.n()).put("score", s.mean()).put("mean", s.mean()).put("easy", s.easy())
            .put("ci", Scorecards.interval(s.meanInterval())).put("easyCi", Scorecards.percentInterval(s.easyShare()));
      }
      default -> {
        RaterScore s = RaterScore.of(t.rater(), tenant.raterWeights());
        long n = 0;
        for (long[] d : t.rater()) for (long v : d) n += v;
        out.put("n", n).put("score", s.index()).put("index", s.index())
            .put("ci", s.indexLow() == null ? null : new JsonArray().add(s.indexLow()).add(s.indexHigh()));
      }
    }
    return out;
  }
}
