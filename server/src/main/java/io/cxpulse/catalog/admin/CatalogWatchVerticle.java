package io.cxpulse.catalog.admin;

import io.cxpulse.catalog.CatalogRef;
import io.cxpulse.store.CatalogStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one writer of this node's {@link CatalogRef}: keeps it equal to the database. Listens on
 * PostgreSQL channel {@value CatalogStore#CHANNEL} (a catalog change commits with its NOTIFY, on
 * whichever node) and reloads the whole catalog on each notification, and again whenever the
 * listen connection comes back (a notification may have been missed meanwhile). Consumes
 * {@value #RELOAD}: the node that made a change asks for a reload and gets its reply once a
 * reload that started after the request has put the catalog in place. Requests and notifications
 * that arrive while a reload runs are folded into one more reload. Runs on its own event loop.
 */
public final class CatalogWatchVerticle extends VerticleBase {
  public static final String RELOAD = "catalog.reload";
  private static final Logger LOG = LoggerFactory.getLogger(CatalogWatchVerticle.class);

  private final CatalogStore store;
  private final CatalogRef catalog;
  private final PgConnectOptions listenOptions;
  private PgSubscriber subscriber;
  private boolean started;
  private boolean loading;
  private boolean again;
  /** Asked for a reload that has not started yet; answered when the next reload ends. */
  private final List<Message<Object>> waiting = new ArrayList<>();

  public CatalogWatchVerticle(CatalogStore store, CatalogRef catalog, PgConnectOptions listenOptions) {
    this.store = store;
    this.catalog = catalog;
    this.listenOptions = listenOptions;
  }

  @Override
  public Future<?> start() {
    vertx.eventBus().<Object>localConsumer(RELOAD, msg -> {
      waiting.add(msg);
      changed();
    });
    subscriber = PgSubscriber.subscriber(vertx, listenOptions).reconnectPolicy(retries -> 1_000L);
    subscriber.channel(CatalogStore.CHANNEL)
        .handler(tenant -> changed())
        .subscribeHandler(v -> {
          if (started) changed();
        });
    // Listen before loading: a change committed in between is then either loaded or heard.
    return subscriber.connect().compose(v -> store.load()).onSuccess(read -> {
      catalog.set(read);
      started = true;
    });
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
    List<Message<Object>> answer = new ArrayList<>(waiting);
    waiting.clear();
    store.load()
        .onSuccess(catalog::set)
        .onFailure(err -> LOG.warn("cannot reload the catalog: {}", err.getMessage()))
        .onComplete(ar -> {
          loading = false;
          for (Message<Object> m : answer) {
            if (ar.succeeded()) m.reply("reloaded");
            else m.fail(503, "cannot read the catalog back right now");
          }
          if (again || ar.failed() && started) {
            again = false;
            // A failed reload is retried after a pause (the database may be restarting).
            vertx.setTimer(ar.failed() ? 1_000 : 1, id -> changed());
          }
        });
  }
}
