package io.cxpulse.analysis;

import io.cxpulse.counters.Windows;
import io.cxpulse.http.ServerContext;
import io.vertx.ext.web.Router;

/**
 * The analysis feature's reads: scorecards and reasons (live counters, or segment buckets),
 * trends, the segment leaderboard, the BEST scorecard, verbatims and value elements. Each family
 * is a class of its own; they share the request parsing of {@link AnalysisRequest}. Handlers run
 * on the HTTP verticle's event loop and keep no state between requests.
 */
public final class AnalysisRoutes {
  private AnalysisRoutes() {}

  public static void mount(Router router, ServerContext ctx) {
    Windows windows = new Windows(ctx.config().minuteRetention(), ctx.config().quarterRetention());
    AnalysisStore store = new AnalysisStore(ctx.readPool());
    VerbatimStore verbatims = new VerbatimStore(ctx.readPool());
    new ScorecardRoutes(ctx, windows, store).mount(router);
    new TrendRoutes(ctx, windows, store).mount(router);
    new LeaderboardRoutes(ctx, windows, store).mount(router);
    new BestRoutes(ctx, windows, store, verbatims).mount(router);
    new VerbatimRoutes(ctx, windows, verbatims).mount(router);
    new ValueElementRoutes(ctx, windows, store).mount(router);
  }
}
