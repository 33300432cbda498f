package io.cxpulse.counters;

import io.cxpulse.catalog.TenantCatalog;
import io.cxpulse.catalog.Touchpoint;
import io.cxpulse.config.Config;
import io.cxpulse.store.CounterStore;
import io.cxpulse.support.CatalogRef;
import io.cxpulse.support.Readiness;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the in-memory counters. Consumes {@code counters.apply} (deltas committed by the writer),
 * {@code counters.query} (scorecards and reasons, replied as encoded JSON) and
 * {@code counters.reload} (replace the counters with the table's content). Loads the counters at
 * start and prunes expired buckets every few minutes. Runs on its own event loop; nothing else
 * touches {@link Counters}.
 */
public final class CountersVerticle extends VerticleBase {
  public static final String APPLY = "counters.apply";
  public static final String QUERY = "counters.query";
  public static final String RELOAD = "counters.reload";
  private static final Logger LOG = LoggerFactory.getLogger(CountersVerticle.class);

  private final Config config;
  private final CounterStore store;
  private final CatalogRef catalog;
  private final Readiness readiness;
  private final Clock clock;
  private final Windows windows;
  private final Scorecards scorecards;
  private Counters counters = new Counters();

  public CountersVerticle(Config config, CounterStore store, CatalogRef catalog, Readiness readiness, Clock clock) {
    this.config = config;
    this.store = store;
    this.catalog = catalog;
    this.readiness = readiness;
    this.clock = clock;
    this.windows = new Windows(config.minuteRetention(), config.quarterRetention());
    this.scorecards = new Scorecards(config.minN());
  }

  @Override
  public Future<?> start() {
    return reload().onSuccess(v -> {
      vertx.eventBus().<CounterDeltaBatch>localConsumer(APPLY, this::apply);
      vertx.eventBus().<CounterQuery>localConsumer(QUERY, this::query);
      vertx.eventBus().<Object>localConsumer(RELOAD, msg -> reload().onComplete(
          ok -> msg.reply("reloaded"), err -> msg.fail(503, err.getMessage())));
      vertx.setPeriodic(5 * 60_000L, id -> prune());
    });
  }

  private Future<Void> reload() {
    readiness.countersLoaded(false);
    long started = System.nanoTime();
    return store.load(clock.instant()).map(loaded -> {
      counters = loaded;
      readiness.countersLoaded(true);
      LOG.info("counters loaded: {} buckets in {} ms", loaded.bucketCount(), (System.nanoTime() - started) / 1_000_000);
      return null;
    });
  }

  private void apply(Message<CounterDeltaBatch> msg) {
    counters.applyAll(msg.body().deltas());
    msg.reply("applied");
  }

  private void query(Message<CounterQuery> msg) {
    CounterQuery q = msg.body();
    TenantCatalog tenant = catalog.get().tenant(q.tenant());
    if (tenant == null) {
      msg.fail(404, "unknown tenant " + q.tenant());
      return;
    }
    Instant now = clock.instant();
    WindowPlan plan = q.window() != null
        ? windows.named(q.window(), tenant.zone(), now)
        : windows.range("custom", q.from(), q.to(), tenant.zone(), now);
    List<Touchpoint> tps = q.touchpoints() == null
        ? tenant.touchpoints()
        : tenant.touchpoints().stream().filter(tp -> q.touchpoints().contains(tp.code())).toList();
    JsonObject body = switch (q.kind()) {
      case SCORECARDS -> scorecards.scorecards(tenant, plan, tps, counters);
      case REASONS -> scorecards.reasons(tenant, plan, tps, counters);
    };
    msg.reply(body.encode());
  }

  private void prune() {
    Instant now = clock.instant();
    int removed = counters.prune(Grain.MINUTE, Grain.MINUTE.firstBucketFrom(now.minus(config.minuteRetention())))
        + counters.prune(Grain.QUARTER, Grain.QUARTER.firstBucketFrom(now.minus(config.quarterRetention())));
    store.prune(now).onComplete(
        rows -> LOG.debug("pruned {} buckets in memory, {} rows in PostgreSQL", removed, rows),
        err -> LOG.warn("pruning the counter table failed: {}", err.getMessage()));
  }
}
