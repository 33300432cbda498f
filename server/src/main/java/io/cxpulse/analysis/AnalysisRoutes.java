package io.cxpulse.analysis;

import io.cxpulse.auth.Principal;
import io.cxpulse.catalog.TenantCatalog;
import io.cxpulse.catalog.Touchpoint;
import io.cxpulse.counters.Counters;
import io.cxpulse.counters.Scorecards;
import io.cxpulse.counters.WindowPlan;
import io.cxpulse.counters.Windows;
import io.cxpulse.http.ApiError;
import io.cxpulse.http.Requests;
import io.cxpulse.http.ServerContext;
import io.cxpulse.live.CounterQuery;
import io.cxpulse.live.LiveHub;
import io.cxpulse.score.CesScore;
import io.cxpulse.score.CsatScore;
import io.cxpulse.score.NpsChange;
import io.cxpulse.score.NpsScore;
import io.cxpulse.score.RaterScore;
import io.cxpulse.score.SegmentRanking;
import io.cxpulse.score.Tally;
import io.cxpulse.score.TargetStatus;
import io.cxpulse.score.ValueElementScore;
import io.cxpulse.score.ValueElements;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The analysis endpoints: trends, scorecards and reasons with a segment filter or a comparison
 * with the previous period, the segment leaderboard, the BEST scorecard, verbatims and value
 * elements. Reads buckets from PostgreSQL (counter, segment_counter) through the read pool,
 * except verbatims (raw rows) and plain scorecards (the in-memory counters, over the event bus).
 * Handlers run on the HTTP verticle's event loop and keep no state between requests.
 */
public final class AnalysisRoutes {
  static final int VERBATIM_LIMIT = 200;

  private final ServerContext ctx;
  private final Vertx vertx;
  private final Windows windows;
  private final Scorecards scorecards;
  private final AnalysisStore store;
  private final VerbatimStore verbatims;
  private final io.cxpulse.value.ValueAnalysis value;

  private AnalysisRoutes(ServerContext ctx, Vertx vertx) {
    this.ctx = ctx;
    this.vertx = vertx;
    this.windows = new Windows(ctx.config().minuteRetention(), ctx.config().quarterRetention());
    this.scorecards = new Scorecards(ctx.config().minN());
    this.store = new AnalysisStore(ctx.readPool());
    this.verbatims = new VerbatimStore(ctx.readPool());
    this.value = new io.cxpulse.value.ValueAnalysis(ctx.readPool());
  }

  public static void mount(Router router, ServerContext ctx, Vertx vertx) {
    AnalysisRoutes routes = new AnalysisRoutes(ctx, vertx);
    router.get("/api/v1/scorecards").handler(rc -> routes.cards(rc, CounterQuery.Kind.SCORECARDS));
    router.get("/api/v1/reasons").handler(rc -> routes.cards(rc, CounterQuery.Kind.REASONS));
    router.get("/api/v1/trends").handler(rc -> routes.reply(rc, routes.trends(rc)));
    router.get("/api/v1/leaderboard").handler(rc -> routes.reply(rc, routes.leaderboard(rc)));
    router.get("/api/v1/best").handler(rc -> routes.reply(rc, routes.best(rc)));
    router.get("/api/v1/verbatims").handler(rc -> routes.reply(rc, routes.verbatims(rc)));
    router.get("/api/v1/values").handler(rc -> routes.reply(rc, routes.values(rc)));
  }

  /**
   * Scorecards and reasons: from the in-memory counters over the event bus (the live numbers, no
   * database read), unless a segment filter or a comparison needs the bucket tables.
   */
  private void cards(RoutingContext rc, CounterQuery.Kind kind) {
    if (needsBuckets(rc)) {
      reply(rc, scorecards(rc, kind));
      return;
    }
    Principal principal = Requests.reader(rc);
    TenantCatalog tenant = Requests.tenant(ctx, principal);
    List<ApiError.Detail> errors = new ArrayList<>();
    Requests.Range range = Requests.range(rc, ctx.clock().instant(), errors);
    List<String> codes = Requests.touchpoints(rc, tenant, principal, errors);
    check(errors);
    vertx.eventBus().<String>request(io.cxpulse.live.LiveHub.QUERY,
            new CounterQuery(kind, tenant.id(), codes, range.window(), range.from(), range.to()))
        .onSuccess(reply -> Requests.json(rc, 200, reply.body()))
        .onFailure(rc::fail);
  }

  private static boolean needsBuckets(RoutingContext rc) {
    if (rc.queryParams().contains("compare")) return true;
    for (String name : rc.queryParams().names()) if (name.startsWith("segment.")) return true;
    return false;
  }

  private void reply(RoutingContext rc, Future<JsonObject> body) {
    body.onSuccess(json -> Requests.json(rc, 200, json.encode())).onFailure(rc::fail);
  }

  /** What every endpoint parses: principal, tenant, window, touchpoints, a segment filter. */
  private record Common(Principal principal, TenantCatalog tenant, Requests.Range range, WindowPlan plan,
                        List<Touchpoint> touchpoints, AnalysisStore.SegmentFilter segment) {
    List<String> codes() {
      return touchpoints.stream().map(Touchpoint::code).toList();
    }
  }

  private Common common(RoutingContext rc, List<ApiError.Detail> errors) {
    Principal principal = Requests.reader(rc);
    TenantCatalog tenant = Requests.tenant(ctx, principal);
    Instant now = ctx.clock().instant();
    Requests.Range range = Requests.range(rc, now, errors);
    List<String> codes = Requests.touchpoints(rc, tenant, principal, errors);
    List<Touchpoint> tps = codes == null ? tenant.touchpoints()
        : tenant.touchpoints().stream().filter(tp -> codes.contains(tp.code())).toList();
    AnalysisStore.SegmentFilter segment = segmentFilter(rc, tenant, errors);
    WindowPlan plan = null;
    if (errors.isEmpty()) plan = plan(range, tenant.zone(), now);
    return new Common(principal, tenant, range, plan, tps, segment);
  }

  private WindowPlan plan(Requests.Range range, ZoneId zone, Instant now) {
    return range.custom() ? windows.range("custom", range.from(), range.to(), zone, now)
        : windows.named(range.window(), zone, now);
  }

  private static void check(List<ApiError.Detail> errors) {
    if (!errors.isEmpty()) throw ApiError.badRequest("invalid query parameters", errors);
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

  // ---- scorecards and reasons: segment filter, compare=previous ----

  private Future<JsonObject> scorecards(RoutingContext rc, CounterQuery.Kind kind) {
    List<ApiError.Detail> errors = new ArrayList<>();
    Common c = common(rc, errors);
    String compare = rc.queryParams().get("compare");
    if (compare != null && !compare.equals("previous")) errors.add(new ApiError.Detail("compare", "only 'previous'"));
    if (compare != null && kind == CounterQuery.Kind.REASONS) {
      errors.add(new ApiError.Detail("compare", "compare is offered on scorecards, not on reasons"));
    }
    check(errors);
    Future<JsonObject> current = scorecardsFor(c, kind, c.plan());
    if (compare == null) return current;
    return current.compose(cur -> {
      // The previous period of the same length, ending where this one starts.
      Instant from = c.plan().from(), to = c.plan().to();
      Instant prevFrom = from.minus(Duration.between(from, to));
      WindowPlan prev = windows.range("previous", prevFrom, from, c.tenant().zone(), ctx.clock().instant());
      return scorecardsFor(c, kind, prev).map(previous -> withPrevious(cur, previous));
    });
  }

  private Future<JsonObject> scorecardsFor(Common c, CounterQuery.Kind kind, WindowPlan plan) {
    if (c.segment() == null) {
      // The in-memory counters answer plain scorecards, as HttpVerticle does.
      Instant from = plan.name().equals("previous") || c.range().custom() ? plan.from() : null;
      CounterQuery q = from != null
          ? new CounterQuery(kind, c.tenant().id(), c.codes(), null, plan.from(), plan.to())
          : new CounterQuery(kind, c.tenant().id(), c.codes(), c.range().window(), null, null);
      return vertx.eventBus().<String>request(LiveHub.QUERY, q).map(m -> new JsonObject(m.body()));
    }
    return store.counters(c.tenant().id(), c.codes(), plan.ranges(), null, c.segment()).map(counters -> {
      JsonObject body = kind == CounterQuery.Kind.SCORECARDS
          ? scorecards.scorecards(c.tenant(), plan, c.touchpoints(), counters)
          : scorecards.reasons(c.tenant(), plan, c.touchpoints(), counters);
      return body.put("segment", new JsonObject().put("key", c.segment().key()).put("value", c.segment().value()));
    });
  }

  private JsonObject withPrevious(JsonObject current, JsonObject previous) {
    current.put("previousWindow", previous.getJsonObject("window"));
    compare(current.getJsonObject("overall"), previous.getJsonObject("overall"));
    Map<String, JsonObject> prevByTp = new LinkedHashMap<>();
    for (Object o : previous.getJsonArray("touchpoints")) prevByTp.put(((JsonObject) o).getString("touchpoint"), (JsonObject) o);
    for (Object o : current.getJsonArray("touchpoints")) {
      JsonObject row = (JsonObject) o;
      JsonObject prev = prevByTp.get(row.getString("touchpoint"));
      if (prev != null) compare(row, prev);
    }
    return current;
  }

  private void compare(JsonObject card, JsonObject previous) {
    JsonObject prev = new JsonObject();
    for (String field : List.of("responses", "comments", "nps", "csat", "csat3", "ces", "rater")) {
      if (previous.containsKey(field)) prev.put(field, previous.getValue(field));
    }
    card.put("previous", prev);
    NpsChange change = NpsChange.of(nps(card.getJsonObject("nps")), nps(previous.getJsonObject("nps")), ctx.config().minN());
    JsonObject npsChange = new JsonObject().put("delta", change.delta()).put("z", change.z())
        .put("significant", change.significant());
    if (change.insufficientN()) npsChange.put("insufficientN", true);
    card.put("change", new JsonObject().put("nps", npsChange));
  }

  /** The NPS of a scorecard's JSON, back from its histogram: the z-test needs the counts. */
  private NpsScore nps(JsonObject json) {
    JsonArray h = json.getJsonArray("histogram");
    long[] hist = new long[11];
    for (int i = 0; i < 11; i++) hist[i] = h.getLong(i);
    return NpsScore.of(hist, ctx.config().minN());
  }

  // ---- trends ----

  private Future<JsonObject> trends(RoutingContext rc) {
    List<ApiError.Detail> errors = new ArrayList<>();
    Common c = common(rc, errors);
    String metric = rc.queryParams().get("metric");
    if (metric == null) metric = "nps";
    if (!List.of("nps", "csat", "ces", "rater").contains(metric)) {
      errors.add(new ApiError.Detail("metric", "one of nps, csat, ces, rater"));
    }
    String stepParam = rc.queryParams().get("step");
    TrendSteps.Step step = stepParam == null ? null : TrendSteps.Step.of(stepParam);
    if (stepParam != null && step == null) errors.add(new ApiError.Detail("step", "one of minute, hour, day, week"));
    check(errors);
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
          .put("from", time(points.isEmpty() ? from : points.get(0).from(), zone))
          .put("to", time(points.isEmpty() ? to : points.get(points.size() - 1).to(), zone))
          .put("series", series).put("overall", new JsonObject().put("points", overallPoints));
      if (c.segment() != null) {
        body.put("segment", new JsonObject().put("key", c.segment().key()).put("value", c.segment().value()));
      }
      return body;
    });
  }

  private JsonObject point(String metric, TrendSteps.Point p, Tally t, ZoneId zone, TenantCatalog tenant) {
    JsonObject out = new JsonObject().put("from", time(p.from(), zone)).put("to", time(p.to(), zone));
    switch (metric) {
      case "nps" -> {
        NpsScore s = NpsScore.of(t.nps(), ctx.config().minN());
        out.put("n", s.n()).put("score", s.score()).put("moe", s.moe())
            .put("ci", s.ciLow() == null ? null : new JsonArray().add(s.ciLow()).add(s.ciHigh()))
            .put("lowConfidence", s.lowConfidence());
      }
      case "csat" -> {
        CsatScore s = CsatScore.of(t.csat());
        out.put("n", s.n()).put("score", s.mean()).put("mean", s.mean()).put("top2", s.top2());
      }
      case "ces" -> {
        CesScore s = CesScore.of(t.ces());
        out.put("n", s.n()).put("score", s.mean()).put("mean", s.mean()).put("easy", s.easy());
      }
      default -> {
        RaterScore s = RaterScore.of(t.rater(), tenant.raterWeights());
        long n = 0;
        for (long[] d : t.rater()) for (long v : d) n += v;
        out.put("n", n).put("score", s.index()).put("index", s.index());
      }
    }
    return out;
  }

  static String time(Instant t, ZoneId zone) {
    return t.atZone(zone).toOffsetDateTime().toString();
  }

  // ---- leaderboard ----

  private Future<JsonObject> leaderboard(RoutingContext rc) {
    List<ApiError.Detail> errors = new ArrayList<>();
    Common c = common(rc, errors);
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
    check(errors);
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
            .put("lowConfidence", s.lowConfidence()));
      }
      return new JsonObject().put("tenant", c.tenant().id()).put("window", window(c.plan(), c.tenant().zone()))
          .put("segment", key).put("metric", "nps").put("privacyMinN", privacyMinN).put("minN", minN)
          .put("items", items).put("hidden", ranking.hidden());
    });
  }

  private static JsonObject window(WindowPlan plan, ZoneId zone) {
    return new JsonObject().put("name", plan.name()).put("from", time(plan.from(), zone)).put("to", time(plan.to(), zone))
        .put("timeZone", zone.getId());
  }

  // ---- BEST ----

  private Future<JsonObject> best(RoutingContext rc) {
    List<ApiError.Detail> errors = new ArrayList<>();
    Common c = common(rc, errors);
    check(errors);
    Future<Counters> counters = store.counters(c.tenant().id(), c.codes(), c.plan().ranges(), null, c.segment());
    Future<List<VerbatimStore.Verbatim>> latest = verbatims.latest(new VerbatimStore.Query(c.tenant().id(), c.codes(),
        c.plan().from(), c.plan().to(), null, null, null, null,
        c.segment() == null ? null : c.segment().key(), c.segment() == null ? null : c.segment().value(), null, null, 10));
    // T: outcome rates by NPS category and touchpoint (the segment filter does not apply to outcomes).
    Future<JsonObject> target = value.target(c.tenant(), c.plan().from(), c.plan().to(), c.codes(), ctx.clock().instant());
    return Future.all(counters, latest, target).map(all -> {
      Counters k = counters.result();
      JsonObject reasons = scorecards.reasons(c.tenant(), c.plan(), c.touchpoints(), k);
      JsonObject body = new JsonObject().put("tenant", c.tenant().id()).put("window", window(c.plan(), c.tenant().zone()))
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
  private JsonObject behavior(Common c, Counters k) {
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
      for (Touchpoint tp : c.touchpoints()) {
        if (!stage.equals(tp.stage() == null ? "" : tp.stage())) continue;
        long n = k.sum(c.tenant().id(), tp.code(), c.plan()).responses();
        volume += n;
        tps.add(new JsonObject().put("touchpoint", tp.code()).put("name", tp.name()).put("nameZh", tp.nameZh())
            .put("volume", n));
      }
      if (tps.isEmpty() && !order.contains(stage)) continue;
      total += volume;
      out.add(new JsonObject().put("stage", stage.isEmpty() ? null : stage).put("label", labels.get(stage))
          .put("volume", volume).put("touchpoints", tps));
    }
    return new JsonObject().put("volume", total).put("stages", out).put("completion", (Object) null)
        .put("completionNote", "no behaviour events are sent yet: completion and abandon rates need them");
  }

  private JsonObject experience(Common c, Counters k) {
    JsonArray rows = new JsonArray();
    for (Touchpoint tp : c.touchpoints()) {
      Tally t = k.sum(c.tenant().id(), tp.code(), c.plan());
      NpsScore nps = NpsScore.of(t.nps(), ctx.config().minN());
      CsatScore csat = CsatScore.of(t.csat());
      Double npsTarget = tp.targets().get("nps"), csatTarget = tp.targets().get("csat");
      rows.add(new JsonObject().put("touchpoint", tp.code()).put("name", tp.name()).put("nameZh", tp.nameZh())
          .put("stage", tp.stage())
          .put("nps", new JsonObject().put("n", nps.n()).put("score", nps.score()).put("moe", nps.moe())
              .put("lowConfidence", nps.lowConfidence()).put("target", npsTarget)
              .put("status", TargetStatus.of(nps.score(), npsTarget, nps.moe()).code()))
          .put("csat", new JsonObject().put("n", csat.n()).put("mean", csat.mean()).put("top2", csat.top2())
              .put("target", csatTarget).put("status", TargetStatus.of(csat.top2(), csatTarget, null).code())));
    }
    return new JsonObject().put("amber", "below target by at most max(MoE, " + TargetStatus.AMBER_POINTS + " points)")
        .put("touchpoints", rows);
  }

  private JsonObject sound(JsonObject reasons, List<VerbatimStore.Verbatim> latest, Common c) {
    List<JsonObject> items = new ArrayList<>();
    for (Object o : reasons.getJsonArray("items")) items.add((JsonObject) o);
    JsonArray ranking = new JsonArray();
    items.stream().filter(i -> i.getDouble("attention") != null)
        .sorted(Comparator.comparing((JsonObject i) -> -i.getDouble("attention")).thenComparing(i -> i.getString("code")))
        .forEach(ranking::add);
    JsonObject quadrant = new JsonObject();
    for (String q : List.of("keep", "polish", "fix-first", "watch")) {
      JsonArray codes = new JsonArray();
      items.stream().filter(i -> q.equals(i.getString("quadrant"))).forEach(i -> codes.add(i.getString("code")));
      quadrant.put(q, codes);
    }
    JsonArray comments = new JsonArray();
    for (VerbatimStore.Verbatim v : latest) comments.add(verbatim(v, c.tenant(), false));
    return new JsonObject().put("n", reasons.getLong("n")).put("attentionRanking", ranking).put("quadrant", quadrant)
        .put("verbatims", comments);
  }

  // ---- verbatims ----

  private Future<JsonObject> verbatims(RoutingContext rc) {
    List<ApiError.Detail> errors = new ArrayList<>();
    Common c = common(rc, errors);
    String q = rc.queryParams().get("q");
    if (q != null && q.isBlank()) q = null;
    if (q != null && q.length() > 200) errors.add(new ApiError.Detail("q", "at most 200 characters"));
    String category = rc.queryParams().get("category");
    Integer low = null, high = null;
    if (category != null) {
      switch (category) {
        case "promoter" -> { low = 9; high = 10; }
        case "passive" -> { low = 7; high = 8; }
        case "detractor" -> { low = 0; high = 6; }
        default -> errors.add(new ApiError.Detail("category", "one of promoter, passive, detractor"));
      }
    }
    String reason = rc.queryParams().get("reason");
    if (reason != null && c.tenant().reason(reason) == null) {
      errors.add(new ApiError.Detail("reason", "unknown reason code '" + reason + "'"));
    }
    int limit = 50;
    String limitParam = rc.queryParams().get("limit");
    if (limitParam != null) {
      try {
        limit = Integer.parseInt(limitParam);
        if (limit < 1 || limit > VERBATIM_LIMIT) errors.add(new ApiError.Detail("limit", "1.." + VERBATIM_LIMIT));
      } catch (NumberFormatException e) {
        errors.add(new ApiError.Detail("limit", "must be an integer 1.." + VERBATIM_LIMIT));
      }
    }
    Instant beforeAt = null;
    String beforeId = null;
    String before = rc.queryParams().get("before");
    if (before != null) {
      try {
        String decoded = new String(Base64.getUrlDecoder().decode(before), StandardCharsets.UTF_8);
        int bar = decoded.indexOf('|');
        beforeAt = Instant.parse(decoded.substring(0, bar));
        beforeId = decoded.substring(bar + 1);
      } catch (RuntimeException e) {
        errors.add(new ApiError.Detail("before", "not a cursor from a previous page's next"));
      }
    }
    check(errors);
    int pageSize = limit;
    boolean customers = c.principal().roles().contains(Principal.MANAGER) || c.principal().roles().contains(Principal.ADMIN);
    return verbatims.latest(new VerbatimStore.Query(c.tenant().id(), c.codes(), c.plan().from(), c.plan().to(), q, low,
            high, reason, c.segment() == null ? null : c.segment().key(), c.segment() == null ? null : c.segment().value(),
            beforeAt, beforeId, pageSize + 1))
        .map(rows -> {
          JsonArray items = new JsonArray();
          for (int i = 0; i < Math.min(pageSize, rows.size()); i++) items.add(verbatim(rows.get(i), c.tenant(), customers));
          String next = null;
          if (rows.size() > pageSize) {
            VerbatimStore.Verbatim last = rows.get(pageSize - 1);
            next = Base64.getUrlEncoder().withoutPadding().encodeToString(
                (last.occurredAt().toString() + "|" + last.eventId()).getBytes(StandardCharsets.UTF_8));
          }
          return new JsonObject().put("tenant", c.tenant().id()).put("window", window(c.plan(), c.tenant().zone()))
              .put("items", items).put("next", next);
        });
  }

  private static JsonObject verbatim(VerbatimStore.Verbatim v, TenantCatalog tenant, boolean withCustomer) {
    String category = v.nps() == null ? null : v.nps() >= 9 ? "promoter" : v.nps() >= 7 ? "passive" : "detractor";
    JsonArray reasons = new JsonArray();
    v.reasons().forEach(reasons::add);
    JsonArray subReasons = new JsonArray();
    v.subReasons().forEach(subReasons::add);
    JsonObject out = new JsonObject().put("eventId", v.eventId()).put("touchpoint", v.touchpoint())
        .put("occurredAt", time(v.occurredAt(), tenant.zone())).put("nps", v.nps()).put("category", category)
        .put("reasons", reasons).put("subReasons", subReasons).put("comment", v.comment())
        .put("detractor", "detractor".equals(category));
    if (withCustomer) out.put("customerId", v.customerId());
    return out;
  }

  // ---- value elements ----

  private Future<JsonObject> values(RoutingContext rc) {
    List<ApiError.Detail> errors = new ArrayList<>();
    Common c = common(rc, errors);
    check(errors);
    return store.counters(c.tenant().id(), c.codes(), c.plan().ranges(), List.of("value"), c.segment()).map(k -> {
      Tally sum = k.sum(c.tenant().id(), c.codes(), c.plan());
      Map<String, String> labels = new LinkedHashMap<>();
      for (Object o : c.tenant().settings().getJsonArray("valueElements", new JsonArray())) {
        if (o instanceof JsonObject e && e.getString("code") != null) labels.put(e.getString("code"), e.getString("label"));
        else if (o instanceof String code) labels.put(code, null);
      }
      Set<String> codes = new LinkedHashSet<>(labels.keySet());
      codes.addAll(new TreeSet<>(sum.values().keySet()));
      JsonArray items = new JsonArray();
      for (String code : codes) {
        ValueElementScore s = ValueElements.of(code, sum.values().getOrDefault(code, new long[11]));
        items.add(new JsonObject().put("code", code).put("label", labels.get(code)).put("configured", labels.containsKey(code))
            .put("n", s.n()).put("shareAbove7", s.above7Share()).put("delivered", s.delivered()));
      }
      return new JsonObject().put("tenant", c.tenant().id()).put("window", window(c.plan(), c.tenant().zone()))
          .put("items", items);
    });
  }

}
