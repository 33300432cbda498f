package io.cxpulse.metrics;

import io.cxpulse.catalog.Catalog;
import io.cxpulse.catalog.CatalogRef;
import io.cxpulse.catalog.TenantCatalog;
import io.cxpulse.catalog.Touchpoint;
import io.cxpulse.counters.Counters;
import io.cxpulse.counters.WindowPlan;
import io.cxpulse.counters.Windows;
import io.cxpulse.score.NpsScore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Metrics of live push: clients and subscriptions (read from {@link LiveStats} at scrape time),
 * tick duration and encoded frames (recorded by the live hub), and the current NPS of
 * the last hour per touchpoint, refreshed every few seconds by the live hub from its
 * counters. Those counters include every node's responses, so each node reports the same live
 * NPS: aggregate it across instances with max or avg, never sum.
 */
public final class LiveMetrics {
  /** The window of the live NPS gauges: the scorecards' rolling {@code 1h}. */
  public static final String NPS_WINDOW = "1h";
  /** How often the live hub refreshes the live NPS gauges. */
  public static final long NPS_REFRESH_MS = 5_000;

  private final MeterRegistry registry;
  private final BusinessMetrics business;
  private final Timer tick;
  private final Counter frames;
  private final List<NpsGauge> npsGauges = new CopyOnWriteArrayList<>();
  private final Set<String> gauged = ConcurrentHashMap.newKeySet();
  private final Set<String> targeted = ConcurrentHashMap.newKeySet();
  /** The catalog the gauges were last registered for (a PUT /catalog replaces it). */
  private volatile Catalog registeredFor;
  private volatile CatalogRef catalogRef;

  /** The last computed NPS of one touchpoint; written by the live hub, read by the scrape. */
  private static final class NpsGauge {
    final String tenant;
    final String touchpoint;
    volatile double score = Double.NaN;
    volatile long n;

    NpsGauge(String tenant, String touchpoint) {
      this.tenant = tenant;
      this.touchpoint = touchpoint;
    }
  }

  LiveMetrics(MeterRegistry registry, BusinessMetrics business) {
    this.registry = registry;
    this.business = business;
    tick = Timer.builder("cxpulse.live.tick")
        .description("Time the live hub spends per live tick computing and encoding the changed views")
        .serviceLevelObjectives(Duration.ofNanos(100_000), Duration.ofMillis(1), Duration.ofMillis(5),
            Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
            Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofMillis(1000))
        .register(registry);
    frames = Counter.builder("cxpulse.live.frames")
        .description("View frames computed and encoded by live ticks (once per changed view, shared by its subscribers)")
        .register(registry);
  }

  /**
   * Gauges of the catalog's touchpoints (those with their own label, see {@link BusinessMetrics})
   * and targets, and the business series of {@link BusinessMetrics#register(Catalog)}. Touchpoints
   * added later with {@code PUT /api/v1/catalog} get theirs at the next NPS refresh ({@link #refreshNps}).
   */
  public void register(CatalogRef catalog) {
    catalogRef = catalog;
    registerNew(catalog.get());
  }

  /** Series and gauges for the catalog's touchpoints that have none yet; idempotent. */
  private synchronized void registerNew(Catalog catalog) {
    if (catalog == registeredFor) return;
    business.register(catalog);
    for (TenantCatalog tenant : new TreeMap<>(catalog.tenants()).values()) {
      for (Touchpoint tp : tenant.touchpoints()) {
        if (!business.hasOwnLabel(tenant.id(), tp.code())) continue;
        String id = tenant.id() + '\u0000' + tp.code();
        if (gauged.add(id)) {
          NpsGauge g = new NpsGauge(tenant.id(), tp.code());
          npsGauges.add(g);
          Gauge.builder("cxpulse.live.nps", g, x -> x.score)
              .description("NPS of the rolling window, as the scorecards compute it from every node's responses;"
                  + " NaN while it has no NPS response")
              .tag("tenant", g.tenant).tag("touchpoint", g.touchpoint).tag("window", NPS_WINDOW)
              .strongReference(true).register(registry);
          Gauge.builder("cxpulse.live.nps.responses", g, x -> x.n)
              .description("Responses with an NPS score in the rolling window (the n of cxpulse_live_nps)")
              .tag("tenant", g.tenant).tag("touchpoint", g.touchpoint).tag("window", NPS_WINDOW)
              .strongReference(true).register(registry);
        }
        if (tp.targets().get("nps") != null && targeted.add(id)) {
          String tenantId = tenant.id();
          String code = tp.code();
          Gauge.builder("cxpulse.nps.target", catalogRef, c -> target(c, tenantId, code))
              .description("The touchpoint's NPS target from the catalog")
              .tag("tenant", tenantId).tag("touchpoint", code).strongReference(true).register(registry);
        }
      }
    }
    registeredFor = catalog;
  }

  private static double target(CatalogRef catalog, String tenant, String code) {
    TenantCatalog t = catalog.get().tenant(tenant);
    Touchpoint tp = t == null ? null : t.touchpoint(code);
    Double target = tp == null ? null : tp.targets().get("nps");
    return target == null ? Double.NaN : target;
  }

  /** Client and subscription gauges and the send counters of the live endpoints. */
  public void bind(LiveStats stats, Catalog catalog) {
    Gauge.builder("cxpulse.live.connections", stats, LiveStats::connections)
        .description("Open live WebSocket connections, authenticated or not")
        .strongReference(true).register(registry);
    for (String tenant : new TreeMap<>(catalog.tenants()).keySet()) {
      Gauge.builder("cxpulse.live.clients", stats, s -> s.clients(tenant))
          .description("Authenticated live WebSocket clients (wall screens, manager pages) by tenant")
          .tag("tenant", tenant).strongReference(true).register(registry);
      Gauge.builder("cxpulse.live.subscriptions", stats, s -> s.subscriptions(tenant))
          .description("Live view subscriptions by tenant")
          .tag("tenant", tenant).strongReference(true).register(registry);
    }
    FunctionCounter.builder("cxpulse.live.messages", stats, LiveStats::messages)
        .description("Messages written to live clients: scorecard snapshots and updates, detractor alerts")
        .register(registry);
    FunctionCounter.builder("cxpulse.live.sent", stats, LiveStats::payloadBytes)
        .description("Payload bytes written to live clients: scorecards (without the per-subscription envelope) and alerts")
        .baseUnit("bytes")
        .register(registry);
    FunctionCounter.builder("cxpulse.live.deferred.updates", stats, LiveStats::deferredUpdates)
        .description("Updates not written because the client's queue was full; it gets the latest state when it drains")
        .register(registry);
    FunctionCounter.builder("cxpulse.live.dropped.alerts", stats, LiveStats::droppedAlerts)
        .description("Detractor alerts not written because the client's queue was full (never queued for later)")
        .register(registry);
    FunctionCounter.builder("cxpulse.live.dropped.clients", stats, LiveStats::droppedClients)
        .description("Live clients closed for not reading (4429) or not answering pings (4408)")
        .register(registry);
    FunctionCounter.builder("cxpulse.live.refused.connections", stats, LiveStats::cappedConnections)
        .description("Live sockets refused by a cap: per address at the handshake (429), per token or device (1008)")
        .register(registry);
  }

  /** One live tick of the live hub. */
  public void tick(long nanos, int encodedFrames) {
    tick.record(nanos, TimeUnit.NANOSECONDS);
    if (encodedFrames > 0) frames.increment(encodedFrames);
  }

  /** Recomputes the live NPS gauges. Runs on the live hub, the only reader of its counters. */
  public void refreshNps(Catalog catalog, Counters counters, Windows windows, Instant now) {
    if (catalog != registeredFor && catalogRef != null) registerNew(catalog);
    for (NpsGauge g : npsGauges) {
      TenantCatalog tenant = catalog.tenant(g.tenant);
      if (tenant == null) continue;
      WindowPlan plan = windows.named(NPS_WINDOW, tenant.zone(), now);
      // The scorecards' own arithmetic, so that the gauge is the number a wall screen shows.
      NpsScore score = NpsScore.of(counters.sum(g.tenant, g.touchpoint, plan).nps(), 1);
      g.n = score.n();
      g.score = score.score() == null ? Double.NaN : score.score();
    }
  }
}
