package io.cxpulse.cases;

import io.cxpulse.catalog.CatalogRef;
import io.cxpulse.counters.OpenCaseCounts;
import io.cxpulse.live.AlertBatch;
import io.cxpulse.live.CaseCounts;
import io.cxpulse.live.LiveAlert;
import io.cxpulse.live.LiveHub;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns this node's copy of the open cases ({@link OpenCases}). Hears every case change on
 * PostgreSQL channel {@value CaseNotifications#CHANNEL} (this node's too: the writer and the case
 * routes only NOTIFY) and turns it into live alerts ({@code live.alerts}: a new case, an SLA
 * breach) and, for each touchpoint whose cases changed, a copy of its open cases for the live hub
 * ({@value LiveHub#CASES}). At start, and whenever the listen connection comes back, it loads
 * the open cases; changes heard meanwhile are held and applied after the load, in order.
 * Every {@code CASE_CHECK_MS} it claims the open cases past their first-response deadline with one
 * UPDATE … RETURNING, so that with several nodes each breach is alerted exactly once, and
 * announces them by NOTIFY in the same transaction. Runs on its own event loop.
 */
public final class CaseWatchVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(CaseWatchVerticle.class);

  private final Pool pool;
  private final CatalogRef catalog;
  private final Clock clock;
  private final PgConnectOptions listenOptions;
  private final long checkMs;
  private PgSubscriber subscriber;
  private boolean loading;
  private boolean started;
  private boolean checking;
  private final List<CaseChange> held = new ArrayList<>();
  private final OpenCases open = new OpenCases();

  public CaseWatchVerticle(Pool pool, CatalogRef catalog, Clock clock, PgConnectOptions listenOptions, long checkMs) {
    this.pool = pool;
    this.catalog = catalog;
    this.clock = clock;
    this.listenOptions = listenOptions;
    this.checkMs = checkMs;
  }

  @Override
  public Future<?> start() {
    subscriber = PgSubscriber.subscriber(vertx, listenOptions).reconnectPolicy(retries -> 1_000L);
    subscriber.channel(CaseNotifications.CHANNEL)
        .handler(this::heard)
        .subscribeHandler(v -> {
          if (started) load();
        });
    return subscriber.connect().compose(v -> load()).onSuccess(v -> {
      started = true;
      vertx.setPeriodic(checkMs, id -> checkBreaches());
    });
  }

  @Override
  public Future<?> stop() {
    return subscriber == null ? Future.succeededFuture() : subscriber.close();
  }

  private Future<Void> load() {
    loading = true;
    return CaseStore.loadOpen(pool, tenants()).onComplete(ar -> {
      loading = false;
      if (ar.succeeded()) {
        open.reset(ar.result());
      } else {
        LOG.warn("loading open cases failed, retrying in a second: {}", ar.cause().getMessage());
        vertx.setTimer(1_000, id -> load());
      }
      held.forEach(open::apply);
      held.clear();
      vertx.eventBus().send(LiveHub.CASES, new CaseCounts(true, open.all()));
    }).mapEmpty();
  }

  private void heard(String payload) {
    List<CaseChange> changes;
    try {
      changes = CaseNotifications.decode(payload);
    } catch (RuntimeException e) {
      LOG.warn("unreadable case notification ({} bytes): {}", payload.length(), e.getMessage());
      load();
      return;
    }
    List<LiveAlert> alerts = new ArrayList<>();
    for (CaseChange c : changes) {
      LiveAlert alert = c.alert();
      if (alert != null) alerts.add(alert);
    }
    if (!alerts.isEmpty()) vertx.eventBus().publish(LiveHub.ALERTS, new AlertBatch(alerts));
    if (loading) {
      held.addAll(changes);
      return;
    }
    // A breach changes no count, but "overdue" moves: the touchpoint's views recompute.
    java.util.Map<String, OpenCaseCounts.Touchpoint> touched = new java.util.LinkedHashMap<>();
    for (CaseChange c : changes) {
      if (open.apply(c) || CaseChange.BREACH.equals(c.kind())) {
        touched.put(c.tenant() + '\u0000' + c.touchpoint(), open.of(c.tenant(), c.touchpoint()));
      }
    }
    if (!touched.isEmpty()) vertx.eventBus().send(LiveHub.CASES, new CaseCounts(false, List.copyOf(touched.values())));
  }

  private void checkBreaches() {
    if (checking) return;
    checking = true;
    pool.withTransaction(conn -> CaseStore.claimBreaches(conn, tenants(), clock.instant())
            .compose(breaches -> CaseNotifications.notify(conn, breaches).map(breaches.size())))
        .onComplete(ar -> {
          checking = false;
          if (ar.failed()) LOG.warn("SLA check failed: {}", ar.cause().getMessage());
          else if (ar.result() > 0) LOG.info("{} cases passed their first-response deadline", ar.result());
        });
  }

  private List<String> tenants() {
    return List.copyOf(catalog.get().tenants().keySet());
  }
}
