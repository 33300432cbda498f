package io.cxpulse.analysis;

import io.cxpulse.catalog.Touchpoint;
import io.cxpulse.counters.Counters;
import io.cxpulse.counters.Scorecards;
import io.cxpulse.counters.Windows;
import io.cxpulse.http.ApiError;
import io.cxpulse.http.ServerContext;
import io.cxpulse.score.CsatScore;
import io.cxpulse.score.NpsScore;
import io.cxpulse.score.Tally;
import io.cxpulse.score.TargetStatus;
import io.cxpulse.value.ValueAnalysis;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code GET /api/v1/best}: the BEST scorecard. B: volume per journey stage and touchpoint (with
 * the stage's NPS); E: NPS and CSAT against targets, judged by {@link TargetStatus}; S: the reason
 * ranking, quadrant and latest verbatims; T: outcome rates by NPS category ({@link ValueAnalysis}).
 */
final class BestRoutes {
  private final ServerContext ctx;
  private final Windows windows;
  private final Scorecards scorecards;
  private final AnalysisStore store;
  private final VerbatimStore verbatims;
  private final ValueAnalysis value;

  BestRoutes(ServerContext ctx, Windows windows, AnalysisStore store, VerbatimStore verbatims) {
    this.ctx = ctx;
    this.windows = windows;
    this.scorecards = new Scorecards(ctx.config().minN());
    this.store = store;
    this.verbatims = verbatims;
    this.value = new ValueAnalysis(ctx.readPool());
  }

  void mount(Router router) {
    router.get("/api/v1/best").handler(rc -> AnalysisRequest.reply(rc, best(rc)));
  }

  private Future<JsonObject> best(RoutingContext rc) {
    List<ApiError.Detail> errors = new ArrayList<>();
    AnalysisRequest c = AnalysisRequest.parse(rc, ctx, windows, errors);
    AnalysisRequest.check(errors);
    Future<Counters> counters = store.counters(c.tenant().id(), c.codes(), c.plan().ranges(), null, c.segment());
    Future<List<VerbatimStore.Verbatim>> latest = verbatims.latest(new VerbatimStore.Query(c.tenant().id(), c.codes(),
        c.plan().from(), c.plan().to(), null, null, null, null,
        c.segment() == null ? null : c.segment().key(), c.segment() == null ? null : c.segment().value(), null, null, 10));
    // T: outcome rates by NPS category and touchpoint (the segment filter does not apply to outcomes).
    Future<JsonObject> target = value.target(c.tenant(), c.plan().from(), c.plan().to(), c.codes(), ctx.clock().instant());
    return Future.all(counters, latest, target).map(all -> {
      Counters k = counters.result();
      JsonObject reasons = scorecards.reasons(c.tenant(), c.plan(), c.touchpoints(), k);
      JsonObject body = new JsonObject().put("tenant", c.tenant().id()).put("window", AnalysisRequest.window(c.plan(), c.tenant().zone()))
          .put("behavior", behavior(c, k))
          .put("experience", experience(c, k))
          .put("sound", sound(reasons, latest.result(), c))
          .put("target", target.result());
      if (c.segment() != null) {
        body.put("segment", new JsonObject().put("key", c.segment().key()).put("value", c.segment().value()));
      }
      return body;
    });
  }

  /** Stages in the tenant's order (settings.stages), else in touchpoint order; volume = responses. */
  private JsonObject behavior(AnalysisRequest c, Counters k) {
    List<String> order = new ArrayList<>();
    Map<String, String> labels = new LinkedHashMap<>();
    for (Object s : c.tenant().settings().getJsonArray("stages", new JsonArray())) {
      if (s instanceof JsonObject o && o.getString("code") != null) {
        order.add(o.getString("code"));
        labels.put(o.getString("code"), o.getString("label"));
      } else if (s instanceof String code) {
        order.add(code);
      }
    }
    Set<String> stages = new LinkedHashSet<>(order);
    for (Touchpoint tp : c.tenant().touchpoints()) stages.add(tp.stage() == null ? "" : tp.stage());
    JsonArray out = new JsonArray();
    long total = 0;
    for (String stage : stages) {
      JsonArray tps = new JsonArray();
      long volume = 0;
      Tally stageTally = new Tally();
      for (Touchpoint tp : c.touchpoints()) {
        if (!stage.equals(tp.stage() == null ? "" : tp.stage())) continue;
        Tally t = k.sum(c.tenant().id(), tp.code(), c.plan());
        stageTally.addAll(t);
        long n = t.responses();
        volume += n;
        tps.add(new JsonObject().put("touchpoint", tp.code()).put("name", tp.name()).put("nameZh", tp.nameZh())
            .put("volume", n));
      }
      if (tps.isEmpty() && !order.contains(stage)) continue;
      total += volume;
      out.add(new JsonObject().put("stage", stage.isEmpty() ? null : stage).put("label", labels.get(stage))
          .put("volume", volume).put("nps", Scorecards.nps(NpsScore.of(stageTally.nps(), ctx.config().minN())))
          .put("touchpoints", tps));
    }
    return new JsonObject().put("volume", total).put("stages", out).put("completion", (Object) null)
        .put("completionNote", "no behaviour events are sent yet: completion and abandon rates need them");
  }

  private JsonObject experience(AnalysisRequest c, Counters k) {
    JsonArray rows = new JsonArray();
    for (Touchpoint tp : c.touchpoints()) {
      Tally t = k.sum(c.tenant().id(), tp.code(), c.plan());
      NpsScore nps = NpsScore.of(t.nps(), ctx.config().minN());
      CsatScore csat = CsatScore.of(t.csat());
      Double npsTarget = tp.targets().get("nps"), csatTarget = tp.targets().get("csat");
      rows.add(new JsonObject().put("touchpoint", tp.code()).put("name", tp.name()).put("nameZh", tp.nameZh())
          .put("stage", tp.stage())
          .put("nps", Scorecards.nps(nps).put("target", npsTarget)
              .put("status", TargetStatus.judge(nps, npsTarget, ctx.config().minN()).code()))
          .put("csat", new JsonObject().put("n", csat.n()).put("mean", csat.mean()).put("top2", csat.top2())
              .put("top2Ci", Scorecards.percentInterval(csat.top2Share()))
              .put("target", csatTarget)
              .put("status", TargetStatus.judge(csat, csatTarget, ctx.config().minN()).code())));
    }
    return new JsonObject().put("amber", "below target, but by at most " + TargetStatus.AMBER_POINTS
            + " points or not significantly (the 95% interval reaches the target)")
        .put("touchpoints", rows);
  }

  private JsonObject sound(JsonObject reasons, List<VerbatimStore.Verbatim> latest, AnalysisRequest c) {
    List<JsonObject> items = new ArrayList<>();
    for (Object o : reasons.getJsonArray("items")) items.add((JsonObject) o);
    JsonArray ranking = new JsonArray();
    items.stream().filter(i -> i.getDouble("attention") != null)
        .sorted(Comparator.comparing((JsonObject i) -> -i.getDouble("attention")).thenComparing(i -> i.getString("code")))
        .forEach(ranking::add);
    JsonObject quadrant = new JsonObject();
    for (String q : List.of("keep", "polish", "fix-first", "watch", "uncertain")) {
      JsonArray codes = new JsonArray();
      items.stream().filter(i -> q.equals(i.getString("quadrant"))).forEach(i -> codes.add(i.getString("code")));
      quadrant.put(q, codes);
    }
    JsonArray comments = new JsonArray();
    for (VerbatimStore.Verbatim v : latest) comments.add(VerbatimRoutes.verbatim(v, c.tenant(), false));
    return new JsonObject().put("n", reasons.getLong("n")).put("attentionRanking", ranking).put("quadrant", quadrant)
        .put("verbatims", comments);
  }
}
