package io.cxpulse.catalog.admin;

import io.cxpulse.catalog.Catalog;

import io.cxpulse.store.CatalogStore;
import io.cxpulse.catalog.CatalogRef;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this node's {@link CatalogRef} equal to the database: listens on PostgreSQL channel
 * {@value CatalogStore#CHANNEL} (a catalog change commits with its NOTIFY, on whichever node) and
 * reloads the whole catalog on each notification, and again whenever the listen connection comes
 * back (a notification may have been missed meanwhile). Notifications that arrive while a reload
 * runs are folded into one more reload. Runs on its own event loop.
 */
public final class CatalogWatchVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(CatalogWatchVerticle.class);

  private final CatalogStore store;
  private final CatalogRef catalog;
  private final PgConnectOptions listenOptions;
  private PgSubscriber subscriber;
  private boolean started;
  private boolean loading;
  private boolean again;

  public CatalogWatchVerticle(CatalogStore store, CatalogRef catalog, PgConnectOptions listenOptions) {
    this.store = store;
    this.catalog = catalog;
    this.listenOptions = listenOptions;
  }

  /** Reads the catalog and puts it in place unless a later read already is; any thread. */
  public static Future<Catalog> reload(CatalogStore store, CatalogRef catalog) {
    long ticket = catalog.ticket();
    return store.load().onSuccess(read -> catalog.set(ticket, read));
  }

  @Override
  public Future<?> start() {
    subscriber = PgSubscriber.subscriber(vertx, listenOptions).reconnectPolicy(retries -> 1_000L);
    subscriber.channel(CatalogStore.CHANNEL)
        .handler(tenant -> changed())
        .subscribeHandler(v -> {
          if (started) changed();
        });
    // Listen before loading: a change committed in between is then either loaded or heard.
    return subscriber.connect().compose(v -> reload(store, catalog)).onSuccess(v -> started = true);
  }

  @Override
  public Future<?> stop() {
    return subscriber == null ? Future.succeededFuture() : subscriber.close();
  }

  private void changed() {
    if (loading) {
      again = true;
      return;
    }
    loading = true;
    reload(store, catalog)
        .onFailure(err -> LOG.warn("cannot reload the catalog: {}", err.getMessage()))
        .onComplete(ar -> {
          loading = false;
          if (again || ar.failed()) {
            again = false;
            // A failed reload is retried after a pause (the database may be restarting).
            vertx.setTimer(ar.failed() ? 1_000 : 1, id -> changed());
          }
        });
  }
}
