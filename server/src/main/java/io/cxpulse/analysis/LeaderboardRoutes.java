package io.cxpulse.analysis;

import io.cxpulse.counters.Windows;
import io.cxpulse.http.ApiError;
import io.cxpulse.http.ServerContext;
import io.cxpulse.score.NpsScore;
import io.cxpulse.score.SegmentRanking;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET /api/v1/leaderboard?segment=<key>}: the values of a counted segment key ranked by
 * NPS, those below the privacy minimum hidden (counted, never shown), low-confidence ones marked.
 */
final class LeaderboardRoutes {
  private final ServerContext ctx;
  private final Windows windows;
  private final AnalysisStore store;

  LeaderboardRoutes(ServerContext ctx, Windows windows, AnalysisStore store) {
    this.ctx = ctx;
    this.windows = windows;
    this.store = store;
  }

  void mount(Router router) {
    router.get("/api/v1/leaderboard").handler(rc -> AnalysisRequest.reply(rc, leaderboard(rc)));
  }

  private Future<JsonObject> leaderboard(RoutingContext rc) {
    List<ApiError.Detail> errors = new ArrayList<>();
    AnalysisRequest c = AnalysisRequest.parse(rc, ctx, windows, errors);
    String key = rc.queryParams().get("segment");
    if (key == null || key.isEmpty()) {
      errors.add(new ApiError.Detail("segment", "required: the segment key to rank (e.g. store)"));
    } else if (!c.tenant().segmentKeys().contains(key)) {
      errors.add(new ApiError.Detail("segment", "segment key '" + key + "' is not counted for this tenant (counted: "
          + String.join(", ", c.tenant().segmentKeys()) + ")"));
    }
    String metric = rc.queryParams().get("metric");
    if (metric != null && !metric.equals("nps")) errors.add(new ApiError.Detail("metric", "only nps"));
    if (c.segment() != null) errors.add(new ApiError.Detail("segment." + c.segment().key(), "not combined with a leaderboard"));
    AnalysisRequest.check(errors);
    int privacyMinN = c.tenant().settings().getInteger("privacyMinN", ctx.config().privacyMinN());
    int minN = ctx.config().minN();
    return store.npsBySegmentValue(c.tenant().id(), c.codes(), key, c.plan().ranges()).map(hists -> {
      SegmentRanking ranking = SegmentRanking.of(hists, minN, privacyMinN);
      JsonArray items = new JsonArray();
      for (SegmentRanking.Entry e : ranking.entries()) {
        NpsScore s = e.nps();
        items.add(new JsonObject().put("rank", e.rank()).put("value", e.value()).put("n", s.n())
            .put("promoters", s.promoters()).put("passives", s.passives()).put("detractors", s.detractors())
            .put("score", s.score()).put("moe", s.moe()).put("ci", new JsonArray().add(s.ciLow()).add(s.ciHigh()))
            .put("ciSymmetric", s.ciSymmetric()).put("lowConfidence", s.lowConfidence()));
      }
      return new JsonObject().put("tenant", c.tenant().id()).put("window", AnalysisRequest.window(c.plan(), c.tenant().zone()))
          .put("segment", key).put("metric", "nps").put("privacyMinN", privacyMinN).put("minN", minN)
          .put("items", items).put("hidden", ranking.hidden());
    });
  }
}
