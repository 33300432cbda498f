package io.cxpulse.live;

import io.cxpulse.auth.Principal;
import io.cxpulse.auth.Revocations;
import io.cxpulse.auth.Security;
import io.cxpulse.auth.TokenVerifier;
import io.cxpulse.catalog.CatalogRef;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fan-out of one HTTP verticle's event loop: its sessions, their subscriptions indexed by
 * view, and the latest encoded state of each view. Consumes {@code live.frames} (each payload was
 * encoded once by the hub; a subscriber gets only its short envelope written before the shared
 * bytes), {@code live.alerts}, {@code live.status} and revocations; asks the hub for a snapshot
 * when a view gets a subscriber here. A session that cannot keep up is skipped and gets the latest
 * state when its socket drains, never a backlog; pings quiet clients and closes the ones that
 * stopped answering or reading. Runs on its HTTP verticle's event loop.
 */
final class LiveFanout {
  static final Logger LOG = LoggerFactory.getLogger(LiveFanout.class);

  private final Vertx vertx;
  private final TokenVerifier verifier;
  private final CatalogRef catalog;
  private final LiveSettings settings;
  private final Security security;
  private final Set<LiveSession> sessions = new HashSet<>();
  private final Map<ViewKey, Set<LiveSession.Subscription>> byView = new HashMap<>();
  private final Map<ViewKey, Buffer> latest = new HashMap<>();
  private LiveStatus status = new LiveStatus(false, null, null);

  LiveFanout(Vertx vertx, TokenVerifier verifier, CatalogRef catalog, LiveSettings settings, Security security) {
    this.vertx = vertx;
    this.verifier = verifier;
    this.catalog = catalog;
    this.settings = settings;
    this.security = security;
    vertx.eventBus().<TickFrames>localConsumer(LiveHub.FRAMES, msg -> frames(msg.body()));
    vertx.eventBus().<AlertBatch>localConsumer(LiveHub.ALERTS, msg -> alerts(msg.body()));
    vertx.eventBus().<LiveStatus>localConsumer(LiveHub.STATUS, msg -> status(msg.body()));
    vertx.eventBus().<String>localConsumer(Revocations.REVOKED, msg -> revoked(msg.body()));
    vertx.setPeriodic(settings.pingIntervalMs(), id -> keepAlive());
  }

  Vertx vertx() { return vertx; }
  TokenVerifier verifier() { return verifier; }
  CatalogRef catalog() { return catalog; }
  LiveSettings settings() { return settings; }
  Security security() { return security; }
  LiveStatus status() { return status; }

  void opened(LiveSession session) {
    sessions.add(session);
    settings.stats().opened();
  }

  void closed(LiveSession session) {
    sessions.remove(session);
    settings.stats().closed(session.principal == null ? null : session.principal.tenant());
  }

  /** Registers the subscription under its view and asks the hub for the view's current state. */
  Future<Buffer> subscribed(LiveSession.Subscription sub) {
    settings.stats().subscribed(sub.key.tenant());
    byView.computeIfAbsent(sub.key, k -> new HashSet<>()).add(sub);
    return vertx.eventBus().<ViewFrame>request(LiveHub.SUBSCRIBE, sub.key).map(reply -> {
      Buffer payload = reply.body().payload();
      if (byView.containsKey(sub.key)) latest.put(sub.key, payload);
      return payload;
    });
  }

  void unsubscribed(LiveSession.Subscription sub) {
    settings.stats().unsubscribed(sub.key.tenant());
    Set<LiveSession.Subscription> subs = byView.get(sub.key);
    if (subs != null) {
      subs.remove(sub);
      if (subs.isEmpty()) {
        byView.remove(sub.key);
        latest.remove(sub.key);
      }
    }
    vertx.eventBus().send(LiveHub.UNSUBSCRIBE, sub.key);
  }

  private void frames(TickFrames tick) {
    for (ViewFrame frame : tick.frames()) {
      Set<LiveSession.Subscription> subs = byView.get(frame.key());
      if (subs == null) continue;
      latest.put(frame.key(), frame.payload());
      for (LiveSession.Subscription sub : subs) {
        if (sub.snapshotSent) send(sub, "update", frame.payload());
      }
    }
  }

  /**
   * Writes one message, or, when the socket cannot take more, remembers that the subscription
   * is behind: it gets the latest state when the socket drains, never a backlog.
   */
  void send(LiveSession.Subscription sub, String type, Buffer payload) {
    LiveSession session = sub.session;
    if (session.ws.isClosed()) return;
    if (session.ws.writeQueueFull()) {
      sub.behind = true;
      if (session.fullSince == 0) {
        session.fullSince = System.currentTimeMillis();
        session.ws.drainHandler(v -> drained(session));
      }
      settings.stats().deferred();
      return;
    }
    // Counted before the write: a client that has the message can never scrape a count without it.
    settings.stats().sent(payload.length());
    session.write(type, sub, payload);
  }

  private void drained(LiveSession session) {
    session.fullSince = 0;
    session.ws.drainHandler(null);
    for (LiveSession.Subscription sub : session.subscriptions.values()) {
      if (sub.behind && sub.snapshotSent) {
        sub.behind = false;
        Buffer payload = latest.get(sub.key);
        if (payload != null) send(sub, "update", payload);
      }
    }
  }

  private void alerts(AlertBatch batch) {
    List<String> encoded = new ArrayList<>(batch.alerts().size());
    for (LiveAlert alert : batch.alerts()) encoded.add(alert.message().encode());
    for (LiveSession session : sessions) {
      Principal p = session.principal;
      if (p == null || session.ws.isClosed()) continue;
      for (int i = 0; i < encoded.size(); i++) {
        LiveAlert alert = batch.alerts().get(i);
        if (!alert.tenant().equals(p.tenant()) || !p.mayAccess(alert.touchpoint()) || !session.watches(alert.touchpoint())) {
          continue;
        }
        if (session.ws.writeQueueFull()) {
          settings.stats().alertDropped();
        } else {
          settings.stats().sent(encoded.get(i).length());
          session.ws.writeTextMessage(encoded.get(i));
        }
      }
    }
  }

  private void status(LiveStatus next) {
    status = next;
    String message = next.toJson().encode();
    for (LiveSession session : sessions) {
      if (session.principal != null && !session.ws.isClosed() && !session.ws.writeQueueFull()) {
        session.ws.writeTextMessage(message);
      }
    }
  }

  /** A device token was revoked (on any node): its sockets close at once. */
  private void revoked(String tenantAndId) {
    int nl = tenantAndId.indexOf('\n');
    if (nl < 0) return;
    String tenant = tenantAndId.substring(0, nl);
    String id = tenantAndId.substring(nl + 1);
    for (LiveSession session : new ArrayList<>(sessions)) {
      Principal p = session.principal;
      if (p != null && id.equals(p.tokenId()) && tenant.equals(p.tenant()) && !session.ws.isClosed()) {
        session.ws.close(CloseCodes.UNAUTHORIZED, "token revoked");
      }
    }
  }

  /** Pings quiet clients, closes those that stopped answering or whose queue stays full. */
  private void keepAlive() {
    long now = System.currentTimeMillis();
    for (LiveSession session : new ArrayList<>(sessions)) {
      if (session.ws.isClosed()) continue;
      if (session.principal != null && session.principal.expiresAtSeconds() * 1000 <= now) {
        session.ws.close(CloseCodes.UNAUTHORIZED, "token expired");
      } else if (session.fullSince != 0 && now - session.fullSince > settings.stuckTimeoutMs()) {
        settings.stats().dropped();
        session.ws.close(CloseCodes.TOO_SLOW, "too slow: not reading");
      } else if (now - session.lastHeard > settings.idleTimeoutMs()) {
        settings.stats().dropped();
        session.ws.close(CloseCodes.NO_PONG, "no pong");
      } else if (session.principal != null && !session.ws.writeQueueFull()
          && now - session.lastSent >= settings.pingIntervalMs()) {
        session.ws.writeTextMessage("{\"type\":\"ping\"}");
        session.lastSent = now;
      }
    }
  }

  int sessionCount() {
    return sessions.size();
  }

  /** Closes every socket (going away): clients reconnect, to another node if one is there. */
  void shutdown() {
    for (LiveSession session : new ArrayList<>(sessions)) {
      if (!session.ws.isClosed()) session.ws.close(CloseCodes.GOING_AWAY, "server shutting down");
    }
  }
}
