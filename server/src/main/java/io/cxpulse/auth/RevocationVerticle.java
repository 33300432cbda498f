package io.cxpulse.auth;

import io.cxpulse.store.DeviceTokenStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this process's {@link Revocations} current: listens on PostgreSQL channel
 * {@value DeviceTokenStore#CHANNEL} (a revocation commits with its NOTIFY, on whichever node),
 * loads every revoked id at start and again whenever the listen connection comes back (a
 * notification may have been missed meanwhile). Each new revocation is published on the local
 * event bus ({@value Revocations#REVOKED}) so that every HTTP verticle closes that token's
 * WebSockets. Runs on its own event loop.
 */
public final class RevocationVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(RevocationVerticle.class);

  private final Revocations revocations;
  private final DeviceTokenStore store;
  private final PgConnectOptions listenOptions;
  private PgSubscriber subscriber;
  private boolean started;

  public RevocationVerticle(Revocations revocations, DeviceTokenStore store, PgConnectOptions listenOptions) {
    this.revocations = revocations;
    this.store = store;
    this.listenOptions = listenOptions;
  }

  @Override
  public Future<?> start() {
    subscriber = PgSubscriber.subscriber(vertx, listenOptions).reconnectPolicy(retries -> 1_000L);
    subscriber.channel(DeviceTokenStore.CHANNEL)
        .handler(this::notified)
        .subscribeHandler(v -> {
          if (started) load();
        });
    // Listen before loading: a revocation committed in between is then either loaded or heard.
    return subscriber.connect().compose(v -> load()).onSuccess(v -> started = true);
  }

  @Override
  public Future<?> stop() {
    return subscriber == null ? Future.succeededFuture() : subscriber.close();
  }

  private Future<Void> load() {
    return store.revokedAllTenants().onSuccess(rows -> {
      for (String[] r : rows) revoked(r[0], r[1]);
    }).onFailure(err -> LOG.warn("cannot load revoked device tokens: {}", err.getMessage())).mapEmpty();
  }

  private void notified(String payload) {
    try {
      JsonObject j = new JsonObject(payload);
      revoked(j.getString("t"), j.getString("j"));
    } catch (RuntimeException e) {
      LOG.warn("ignoring a malformed revocation notification");
    }
  }

  private void revoked(String tenant, String id) {
    if (tenant == null || id == null) return;
    revocations.add(tenant, id);
    // Published even when already known: the node that revoked added it before the NOTIFY came back.
    vertx.eventBus().publish(Revocations.REVOKED, tenant + "\n" + id);
  }
}
