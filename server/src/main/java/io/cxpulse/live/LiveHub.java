package io.cxpulse.live;

import io.cxpulse.catalog.CatalogRef;
import io.cxpulse.catalog.TenantCatalog;
import io.cxpulse.catalog.Touchpoint;
import io.cxpulse.config.Config;
import io.cxpulse.counters.Counters;
import io.cxpulse.counters.Grain;
import io.cxpulse.counters.OpenCaseCounts;
import io.cxpulse.counters.Scorecards;
import io.cxpulse.counters.WindowPlan;
import io.cxpulse.counters.Windows;
import io.cxpulse.metrics.LiveMetrics;
import io.cxpulse.metrics.Readiness;
import io.cxpulse.store.CounterStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live hub: owns the in-memory counters, the live views over them, the open-case counts and
 * the fix-first watch; nothing else touches any of them.
 * <ul>
 *   <li>consumes {@code counters.apply}: increments committed by this node's writer;</li>
 *   <li>listens on PostgreSQL channel {@value DeltaNotifications#CHANNEL} for other nodes'
 *       increments (its own are skipped), and reloads when that connection comes back after a loss;</li>
 *   <li>consumes {@code counters.query} (scorecards and reasons, replied as encoded JSON),
 *       {@code counters.reload}, {@code live.subscribe} / {@code live.unsubscribe}, and
 *       {@code counters.cases} (open-case counts from the cases feature);</li>
 *   <li>publishes {@code live.frames} once per tick with the views that changed, and
 *       {@code live.alerts} with the detractors of each applied batch and items moving into
 *       fix-first, and {@code live.status} when its numbers may be behind.</li>
 * </ul>
 * A reload reads the table in one REPEATABLE READ snapshot; batches that arrive meanwhile are held
 * and applied afterwards unless the snapshot already saw their transaction, so none is lost or
 * counted twice. Queries wait for the reload. Runs on its own event loop.
 */
public final class LiveHub extends VerticleBase {
  public static final String APPLY = "counters.apply";
  public static final String QUERY = "counters.query";
  public static final String RELOAD = "counters.reload";
  public static final String SUBSCRIBE = "live.subscribe";
  public static final String UNSUBSCRIBE = "live.unsubscribe";
  public static final String FRAMES = "live.frames";
  public static final String ALERTS = "live.alerts";
  public static final String WRITER_STATUS = "counters.writer-status";
  public static final String STATUS = "live.status";
  /** Open-case counts ({@link CaseCounts}) from the cases feature. */
  public static final String CASES = "counters.cases";
  private static final Logger LOG = LoggerFactory.getLogger(LiveHub.class);

  private final Config config;
  private final CounterStore store;
  private final CatalogRef catalog;
  private final Readiness readiness;
  private final Clock clock;
  private final String nodeId;
  private final PgConnectOptions listenOptions;
  private final Windows windows;
  private final Scorecards scorecards;
  private final LiveViews views;
  private final io.cxpulse.live.QuadrantWatch quadrants;
  private final LiveMetrics metrics;
  private Counters counters = new Counters();
  private final OpenCaseCounts openCases = new OpenCaseCounts();
  private PgSubscriber subscriber;
  private boolean started;
  private Future<Void> reloading;
  private Future<Void> reloadAfter;
  private boolean writerOk = true;
  private boolean reloadOk = true;
  private LiveStatus status = new LiveStatus(false, null, null);
  private final List<Message<CounterDeltaBatch>> held = new ArrayList<>();
  private final List<Runnable> waiting = new ArrayList<>();

  public LiveHub(Config config, CounterStore store, CatalogRef catalog, Readiness readiness, Clock clock,
      String nodeId, PgConnectOptions listenOptions, LiveMetrics metrics) {
    this.config = config;
    this.store = store;
    this.catalog = catalog;
    this.readiness = readiness;
    this.clock = clock;
    this.nodeId = nodeId;
    this.listenOptions = listenOptions;
    this.metrics = metrics;
    this.windows = new Windows(config.minuteRetention(), config.quarterRetention());
    this.scorecards = new Scorecards(config.minN()).withCases(openCases, clock);
    this.views = new LiveViews(windows, scorecards);
    this.quadrants = new io.cxpulse.live.QuadrantWatch(windows, config.quadrantAlertWindow(), config.quadrantAlertMinN(),
        config.quadrantAlertMinItemN());
  }

  @Override
  public Future<?> start() {
    var bus = vertx.eventBus();
    bus.<CounterDeltaBatch>localConsumer(APPLY, this::apply);
    bus.<CounterQuery>localConsumer(QUERY, msg -> whenLoaded(() -> query(msg)));
    bus.<Object>localConsumer(RELOAD, msg -> reload().onComplete(ok -> msg.reply("reloaded"), err -> msg.fail(503, err.getMessage())));
    bus.<ViewKey>localConsumer(SUBSCRIBE, msg -> whenLoaded(() -> subscribe(msg)));
    // In order with subscribe, which waits for a reload: otherwise a view could outlive its last subscriber.
    bus.<ViewKey>localConsumer(UNSUBSCRIBE, msg -> whenLoaded(() -> views.unsubscribe(msg.body())));
    bus.<CaseCounts>localConsumer(CASES, msg -> cases(msg.body()));
    bus.<Boolean>localConsumer(WRITER_STATUS, msg -> {
      writerOk = msg.body();
      publishStatus();
    });

    // Listen before loading: a batch committed in between is then either in the snapshot or heard.
    subscriber = PgSubscriber.subscriber(vertx, listenOptions).reconnectPolicy(retries -> 1_000L);
    subscriber.channel(DeltaNotifications.CHANNEL)
        .handler(this::remote)
        .subscribeHandler(v -> {
          if (started) {
            LOG.info("listen connection back: reloading counters");
            reload();
          }
        });
    return subscriber.connect().compose(v -> reload()).onSuccess(v -> {
      started = true;
      vertx.setPeriodic(config.liveTickMs(), id -> tick());
      vertx.setPeriodic(5 * 60_000L, id -> prune());
      // Every few seconds, not per batch: the gauge serves simple panels, the exact NPS comes from counters.
      vertx.setPeriodic(1, LiveMetrics.NPS_REFRESH_MS, id -> {
        if (reloading == null) metrics.refreshNps(catalog.get(), counters, windows, clock.instant());
      });
    });
  }

  @Override
  public Future<?> stop() {
    return subscriber == null ? Future.succeededFuture() : subscriber.close();
  }

  private void whenLoaded(Runnable action) {
    if (reloading == null) action.run();
    else waiting.add(action);
  }

  /**
   * Reloads the counters from a snapshot taken after this call. A load already in progress may
   * have taken its snapshot before what asked for this one (a batch that committed while its
   * writer saw the connection die, another node's batch heard as a reload hint, a listen
   * connection back after a loss): then one more load follows it, shared by all who ask meanwhile.
   */
  private Future<Void> reload() {
    if (reloading != null) {
      if (reloadAfter == null) {
        reloadAfter = reloading.transform(ar -> {
          reloadAfter = null;
          return reload();
        });
      }
      return reloadAfter;
    }
    readiness.countersLoaded(false);
    long started = System.nanoTime();
    Promise<Void> done = Promise.promise();
    reloading = done.future();
    store.load(clock.instant()).timeout(30, java.util.concurrent.TimeUnit.SECONDS).onComplete(ar -> {
      boolean wasOk = reloadOk;
      reloadOk = ar.succeeded();
      if (ar.succeeded()) {
        counters = ar.result().counters();
        int skipped = 0;
        for (Message<CounterDeltaBatch> msg : held) {
          if (ar.result().snapshot().sees(msg.body().xid())) skipped++;
          else counters.applyAll(msg.body().deltas());
        }
        LOG.info("counters loaded: {} buckets in {} ms ({} batches held, {} already in the snapshot)",
            counters.bucketCount(), (System.nanoTime() - started) / 1_000_000, held.size(), skipped);
      } else {
        // Keep serving the last state; the held batches are committed, so they count.
        for (Message<CounterDeltaBatch> msg : held) counters.applyAll(msg.body().deltas());
        if (wasOk) LOG.warn("counter reload failed, retrying every second: {}", ar.cause().getMessage());
        vertx.setTimer(1_000, id -> reload());
      }
      for (Message<CounterDeltaBatch> msg : held) msg.reply("applied");
      held.clear();
      views.markAllChanged();
      quadrants.baseline(catalog.get(), counters, clock.instant());
      reloading = null;
      readiness.countersLoaded(ar.succeeded());
      List<Runnable> run = new ArrayList<>(waiting);
      waiting.clear();
      run.forEach(Runnable::run);
      publishStatus();
      if (ar.succeeded()) done.complete();
      else done.fail(ar.cause());
    });
    // Not the field: a load that fails at once (pool closed at shutdown) has already cleared it.
    return done.future();
  }

  private void apply(Message<CounterDeltaBatch> msg) {
    CounterDeltaBatch batch = msg.body();
    if (!batch.alerts().isEmpty()) vertx.eventBus().publish(ALERTS, new AlertBatch(batch.alerts().stream().map(DetractorAlert::live).toList()));
    if (batch.deltas() == null) {
      msg.reply("reload");
      reload();
      return;
    }
    views.markChanged(batch.deltas());
    quadrants.markChanged(batch.deltas());
    if (reloading != null) {
      held.add(msg);
      return;
    }
    counters.applyAll(batch.deltas());
    msg.reply("applied");
  }

  /** Open-case counts live in the scorecards: the views of a touchpoint whose cases changed recompute. */
  private void cases(CaseCounts update) {
    if (update.reset()) {
      openCases.reset(update.touchpoints());
      views.markAllChanged();
      return;
    }
    for (OpenCaseCounts.Touchpoint cases : update.touchpoints()) {
      openCases.put(cases);
      views.markTouchpointChanged(cases.tenant(), cases.touchpoint());
    }
  }

  /** Another node's committed batch: applied exactly like our own. */
  private void remote(String payload) {
    CounterDeltaBatch batch;
    try {
      batch = DeltaNotifications.decode(payload);
    } catch (RuntimeException e) {
      LOG.warn("unreadable delta notification ({} bytes): {}", payload.length(), e.getMessage());
      reload();
      return;
    }
    if (nodeId.equals(batch.origin())) return;
    vertx.eventBus().request(APPLY, batch).onFailure(err -> LOG.warn("applying a remote batch failed: {}", err.getMessage()));
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
      case SCORECARDS -> scorecards.scorecards(tenant, plan, q.comparePrevious() ? windows.previous(plan, tenant.zone(), now) : null,
          tps, counters);
      case REASONS -> scorecards.reasons(tenant, plan, tps, counters);
    };
    msg.reply(body.encode());
  }

  private void subscribe(Message<ViewKey> msg) {
    TenantCatalog tenant = catalog.get().tenant(msg.body().tenant());
    if (tenant == null) {
      msg.fail(404, "unknown tenant");
      return;
    }
    msg.reply(views.subscribe(msg.body(), tenant, counters, clock.instant()));
  }

  /**
   * Screens keep showing the last numbers while the database is away, and must say so: the
   * status goes stale when this node cannot hear other nodes' batches, cannot write, or could
   * not reload, and fresh again when all three work.
   */
  private void publishStatus() {
    boolean listening = subscriber != null && subscriber.actualConnection() != null;
    readiness.listening(listening);
    String reason = !listening ? "database connection lost" : !writerOk ? "database not accepting writes"
        : !reloadOk ? "counters could not be reloaded" : null;
    boolean stale = reason != null;
    if (stale != status.stale()) {
      status = new LiveStatus(stale, reason, clock.instant().toString());
      LOG.info(stale ? "live views stale: {}" : "live views fresh again{}", stale ? reason : "");
      vertx.eventBus().publish(STATUS, status);
    }
  }

  private void tick() {
    publishStatus();
    if (reloading != null) return;
    long started = System.nanoTime();
    List<ViewFrame> frames = views.tick(catalog.get()::tenant, counters, clock.instant());
    if (!frames.isEmpty()) vertx.eventBus().publish(FRAMES, new TickFrames(frames));
    List<LiveAlert> moved = quadrants.evaluate(catalog.get(), counters, clock.instant());
    if (!moved.isEmpty()) vertx.eventBus().publish(ALERTS, new AlertBatch(moved));
    metrics.tick(System.nanoTime() - started, frames.size());
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
