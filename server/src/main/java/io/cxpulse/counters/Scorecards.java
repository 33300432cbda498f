package io.cxpulse.counters;

import io.cxpulse.catalog.Reason;
import io.cxpulse.catalog.TenantCatalog;
import io.cxpulse.catalog.Touchpoint;
import io.cxpulse.score.CesScore;
import io.cxpulse.score.Csat3Score;
import io.cxpulse.score.CsatScore;
import io.cxpulse.score.MeanInterval;
import io.cxpulse.score.NpsChange;
import io.cxpulse.score.NpsScore;
import io.cxpulse.score.Proportion;
import io.cxpulse.score.RaterDimension;
import io.cxpulse.score.RaterDimensionScore;
import io.cxpulse.score.RaterScore;
import io.cxpulse.score.ReasonAnalysis;
import io.cxpulse.score.ReasonInput;
import io.cxpulse.score.ReasonScore;
import io.cxpulse.score.Tally;
import io.cxpulse.score.TargetStatus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds the JSON of the scorecards and reasons responses from tallies, with every judgement a
 * page shows (target status, the change against the previous period, intervals of reason items)
 * made here, once, for REST and live alike.
 */
public final class Scorecards {
  private final int minN;
  private OpenCaseCounts cases;
  private Clock clock;

  public Scorecards(int minN) {
    this.minN = minN;
  }

  /** Adds {@code "cases": {"open", "overdue", "oldestOpenAt"}} to every scorecard, overdue as of the clock's now. */
  public Scorecards withCases(OpenCaseCounts cases, Clock clock) {
    this.cases = cases;
    this.clock = clock;
    return this;
  }

  public JsonObject scorecards(TenantCatalog tenant, WindowPlan plan, List<Touchpoint> touchpoints, Counters counters) {
    return scorecards(tenant, plan, null, touchpoints, counters);
  }

  /**
   * The scorecards of {@code plan}; with a {@code previous} plan, each card also carries the
   * previous period's card and the NPS change between the two, judged from the counts.
   */
  public JsonObject scorecards(TenantCatalog tenant, WindowPlan plan, WindowPlan previous, List<Touchpoint> touchpoints,
      Counters counters) {
    Tally overall = new Tally();
    Tally overallBefore = new Tally();
    JsonArray rows = new JsonArray();
    for (Touchpoint tp : touchpoints) {
      Tally t = counters.sum(tenant.id(), tp.code(), plan);
      overall.addAll(t);
      JsonObject row = new JsonObject()
          .put("touchpoint", tp.code())
          .put("name", tp.name())
          .put("nameZh", tp.nameZh())
          .put("stage", tp.stage())
          .put("order", tp.order())
          .put("targets", targets(tp));
      scorecard(t, tenant.raterWeights(), tp.targets()).forEach(e -> row.put(e.getKey(), e.getValue()));
      if (cases != null) row.put("cases", cases.summary(tenant.id(), List.of(tp.code()), tenant.zone(), clock.instant()));
      if (previous != null) {
        Tally before = counters.sum(tenant.id(), tp.code(), previous);
        overallBefore.addAll(before);
        compare(row, t, before, tenant.raterWeights(), tp.targets());
      }
      rows.add(row);
    }
    JsonObject all = scorecard(overall, tenant.raterWeights(), Map.of());
    if (cases != null) {
      all.put("cases", cases.summary(tenant.id(), touchpoints.stream().map(Touchpoint::code).toList(), tenant.zone(),
          clock.instant()));
    }
    if (previous != null) compare(all, overall, overallBefore, tenant.raterWeights(), Map.of());
    JsonObject body = new JsonObject()
        .put("tenant", tenant.id())
        .put("window", window(plan, tenant.zone()));
    if (previous != null) body.put("previousWindow", window(previous, tenant.zone()));
    return body.put("overall", all).put("touchpoints", rows);
  }

  /** {@code previous}: the previous period's card; {@code change.nps}: the adjusted-Wald z-test and its verdict. */
  private void compare(JsonObject card, Tally now, Tally before, double[] raterWeights, Map<String, Double> targets) {
    card.put("previous", scorecard(before, raterWeights, targets));
    NpsChange change = NpsChange.of(NpsScore.of(now.nps(), minN), NpsScore.of(before.nps(), minN), minN);
    JsonObject nps = new JsonObject().put("delta", change.delta()).put("z", change.z())
        .put("significant", change.significant()).put("verdict", change.verdict());
    if (change.insufficientN()) nps.put("insufficientN", true);
    card.put("change", new JsonObject().put("nps", nps));
  }

  public JsonObject reasons(TenantCatalog tenant, WindowPlan plan, List<Touchpoint> touchpoints, Counters counters) {
    Tally sum = counters.sum(tenant.id(), touchpoints.stream().map(Touchpoint::code).toList(), plan);
    long n = NpsScore.of(sum.nps(), minN).n();
    List<ReasonInput> inputs = new ArrayList<>();
    for (Reason r : tenant.reasons()) {
      long[] c = sum.reasons().getOrDefault(r.code(), new long[4]);
      inputs.add(new ReasonInput(r.code(), r.parent(), c[Tally.PROMOTER], c[Tally.PASSIVE], c[Tally.DETRACTOR]));
    }
    JsonArray items = new JsonArray();
    List<ReasonScore> scores = ReasonAnalysis.analyse(n, inputs);
    for (int i = 0; i < scores.size(); i++) {
      ReasonScore s = scores.get(i);
      Reason r = tenant.reasons().get(i);
      long[] c = sum.reasons().getOrDefault(r.code(), new long[4]);
      NpsScore item = NpsScore.ofCategories(s.promoters(), s.passives(), s.detractors(), minN);
      items.add(new JsonObject()
          .put("code", r.code())
          .put("label", r.label())
          .put("labelZh", r.labelZh())
          .put("parent", r.parent())
          .put("level", r.isLevel1() ? 1 : 2)
          .put("n", s.n())
          .put("promoters", s.promoters())
          .put("passives", s.passives())
          .put("detractors", s.detractors())
          .put("withoutNps", c[Tally.NO_NPS])
          .put("attention", s.attention())
          .put("subNps", s.subNps())
          .put("subNpsMoe", item.moe())
          .put("ci", item.ciLow() == null ? null : new JsonArray().add(item.ciLow()).add(item.ciHigh()))
          .put("ciSymmetric", item.ciSymmetric())
          .put("lowConfidence", s.n() < minN)
          .put("quadrant", s.quadrant() == null ? null : s.quadrant().code())
          .put("pointQuadrant", s.pointQuadrant() == null ? null : s.pointQuadrant().code())
          .put("attentionCi", s.attention() == null ? null : fractionInterval(Proportion.of(s.n(), n))));
    }
    return new JsonObject()
        .put("tenant", tenant.id())
        .put("window", window(plan, tenant.zone()))
        .put("n", n)
        .put("items", items);
  }

  private static JsonObject targets(Touchpoint tp) {
    JsonObject out = new JsonObject();
    tp.targets().forEach(out::put);
    return out;
  }

  /** The reply's {@code window}: what the plan covers, in the tenant's zone. */
  public static JsonObject window(WindowPlan plan, ZoneId zone) {
    return new JsonObject()
        .put("name", plan.name())
        .put("from", ZonedDateTime.ofInstant(plan.from(), zone).toOffsetDateTime().toString())
        .put("to", ZonedDateTime.ofInstant(plan.to(), zone).toOffsetDateTime().toString())
        .put("timeZone", zone.getId());
  }

  /** One card; {@code targets} (by metric: nps, csat) give its target statuses, empty for none. */
  public JsonObject scorecard(Tally t, double[] raterWeights, Map<String, Double> targets) {
    NpsScore nps = NpsScore.of(t.nps(), minN);
    CsatScore csat = CsatScore.of(t.csat());
    Csat3Score csat3 = Csat3Score.of(t.csat3());
    CesScore ces = CesScore.of(t.ces());
    RaterScore rater = RaterScore.of(t.rater(), raterWeights);
    JsonObject dims = new JsonObject();
    for (RaterDimension d : RaterDimension.values()) {
      RaterDimensionScore s = rater.dimensions().get(d);
      double[] indexCi = s.indexInterval();
      dims.put(d.code(), new JsonObject().put("n", s.n()).put("mean", s.mean()).put("index", s.index())
          .put("meanCi", interval(s.meanInterval()))
          .put("indexCi", indexCi == null ? null : new JsonArray().add(indexCi[0]).add(indexCi[1]))
          .put("histogram", array(s.histogram())));
    }
    return new JsonObject()
        .put("responses", t.responses())
        .put("comments", t.comments())
        .put("nps", nps(nps)
            .put("target", targets.get("nps"))
            .put("status", TargetStatus.judge(nps, targets.get("nps"), minN).code())
            .put("histogram", array(nps.histogram())))
        .put("csat", new JsonObject().put("n", csat.n()).put("mean", csat.mean()).put("top2", csat.top2())
            .put("meanCi", interval(csat.meanInterval())).put("top2Ci", percentInterval(csat.top2Share()))
            .put("target", targets.get("csat"))
            .put("status", TargetStatus.judge(csat, targets.get("csat"), minN).code())
            .put("histogram", array(csat.histogram())))
        .put("csat3", new JsonObject().put("n", csat3.n()).put("satisfied", csat3.satisfied())
            .put("neutral", csat3.neutral()).put("dissatisfied", csat3.dissatisfied()).put("net", csat3.net())
            .put("satisfiedCi", percentInterval(csat3.satisfiedShare()))
            .put("dissatisfiedCi", percentInterval(csat3.dissatisfiedShare()))
            .put("netCi", csat3.n() == 0 ? null : new JsonArray().add(csat3.netScore().ciLow()).add(csat3.netScore().ciHigh()))
            .put("histogram", array(csat3.histogram())))
        .put("ces", new JsonObject().put("n", ces.n()).put("mean", ces.mean()).put("easy", ces.easy())
            .put("meanCi", interval(ces.meanInterval())).put("easyCi", percentInterval(ces.easyShare()))
            .put("histogram", array(ces.histogram())))
        .put("rater", new JsonObject().put("index", rater.index())
            .put("indexCi", rater.indexLow() == null ? null : new JsonArray().add(rater.indexLow()).add(rater.indexHigh()))
            .put("dimensions", dims));
  }

  /**
   * An NPS with its n, counts, score, adjusted-Wald margin and interval (widened to contain the
   * score), whether "score ± moe" describes that interval ({@code ciSymmetric}; else a page shows
   * the interval itself), and the low-confidence mark.
   */
  public static JsonObject nps(NpsScore nps) {
    return new JsonObject()
        .put("n", nps.n())
        .put("promoters", nps.promoters())
        .put("passives", nps.passives())
        .put("detractors", nps.detractors())
        .put("score", nps.score())
        .put("moe", nps.moe())
        .put("ci", nps.ciLow() == null ? null : new JsonArray().add(nps.ciLow()).add(nps.ciHigh()))
        .put("ciSymmetric", nps.ciSymmetric())
        .put("lowConfidence", nps.lowConfidence());
  }

  /** A mean's t interval as [low, high]; null below 2 ratings. */
  public static JsonArray interval(MeanInterval m) {
    return m.low() == null ? null : new JsonArray().add(m.low()).add(m.high());
  }

  private static JsonArray fractionInterval(Proportion p) {
    return new JsonArray().add(p.low()).add(p.high());
  }

  /** A share's Wilson interval in % as [low, high]; null when n = 0. */
  public static JsonArray percentInterval(Proportion p) {
    return p.low() == null ? null : new JsonArray().add(100 * p.low()).add(100 * p.high());
  }

  private static JsonArray array(long[] values) {
    JsonArray out = new JsonArray();
    for (long v : values) out.add(v);
    return out;
  }
}
