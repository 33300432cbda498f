package io.cxpulse.live;

import io.cxpulse.auth.ClientAddress;
import io.cxpulse.auth.Principal;
import io.cxpulse.auth.RateLimits;
import io.cxpulse.auth.Revocations;
import io.cxpulse.auth.Security;
import io.cxpulse.auth.TokenVerifier;
import io.cxpulse.catalog.CatalogRef;
import io.cxpulse.catalog.TenantCatalog;
import io.cxpulse.counters.Windows;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebSocket endpoint of one HTTP verticle: owns the sockets that verticle accepted and their
 * subscriptions, indexed by view. Consumes {@code live.frames} and {@code live.alerts}; asks the
 * counters verticle for snapshots. Each frame's payload was encoded once by the counters
 * verticle; per subscriber only a short envelope prefix is written before the shared bytes.
 * Runs on its HTTP verticle's event loop.
 */
public final class LiveEndpoint {
  static final int AUTH_TIMEOUT_MS = 5_000;
  static final int MAX_SUBSCRIPTIONS = 16;
  /** Clients send only auth, subscribe, ping: a few hundred bytes. Past the frame limit (16 KiB) the transport drops the connection (1006). */
  static final int MAX_CLIENT_MESSAGE_CHARS = 4096;
  private static final Pattern SUB_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
  private static final Logger LOG = LoggerFactory.getLogger(LiveEndpoint.class);

  private final Vertx vertx;
  private final TokenVerifier tokens;
  private final CatalogRef catalog;
  private final List<String> allowedOrigins;
  private final LiveSettings settings;
  private final Security security;
  private final Set<LiveConnection> connections = new HashSet<>();
  private final Map<ViewKey, Set<LiveConnection.Subscription>> byView = new HashMap<>();
  private final Map<ViewKey, Buffer> latest = new HashMap<>();
  private LiveStatus status = new LiveStatus(false, null, null);

  public LiveEndpoint(Vertx vertx, TokenVerifier tokens, CatalogRef catalog, List<String> allowedOrigins, LiveSettings settings,
      Security security) {
    this.vertx = vertx;
    this.security = security;
    this.tokens = tokens;
    this.catalog = catalog;
    this.allowedOrigins = allowedOrigins;
    this.settings = settings;
    vertx.eventBus().<TickFrames>localConsumer(LiveHub.FRAMES, msg -> frames(msg.body()));
    vertx.eventBus().<AlertBatch>localConsumer(LiveHub.ALERTS, msg -> alerts(msg.body()));
    vertx.eventBus().<LiveStatus>localConsumer(LiveHub.STATUS, msg -> status(msg.body()));
    vertx.eventBus().<String>localConsumer(Revocations.REVOKED, msg -> revoked(msg.body()));
    vertx.setPeriodic(settings.pingIntervalMs(), id -> keepAlive());
  }

  /** A device token was revoked (on any node): its sockets close at once with 4401. */
  private void revoked(String tenantAndId) {
    int nl = tenantAndId.indexOf('\n');
    if (nl < 0) return;
    String tenant = tenantAndId.substring(0, nl);
    String id = tenantAndId.substring(nl + 1);
    for (LiveConnection conn : new ArrayList<>(connections)) {
      Principal p = conn.principal;
      if (p != null && id.equals(p.tokenId()) && tenant.equals(p.tenant()) && !conn.ws.isClosed()) {
        conn.ws.close((short) 4401, "token revoked");
      }
    }
  }

  public void handle(HttpServerRequest request) {
    if (!originAllowed(request)) {
      request.response().setStatusCode(403).putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("error", "forbidden").put("message", "origin not allowed").encode());
      return;
    }
    String client = ClientAddress.of(request, security.trustedProxies());
    RateLimits.Decision allowed = security.rateLimits().mayAuthenticate(client);
    if (!allowed.allowed()) {
      request.response().setStatusCode(429).putHeader("Content-Type", "application/json")
          .putHeader("Retry-After", String.valueOf(allowed.retryAfterSeconds()))
          .end(new JsonObject().put("error", "rate_limited").put("message", "too many failed authentications from this address")
              .encode());
      return;
    }
    if (!"websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
      request.response().setStatusCode(400).putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("error", "invalid").put("message", "this endpoint speaks WebSocket only").encode());
      return;
    }
    request.toWebSocket().onSuccess(ws -> accept(ws, client)).onFailure(err -> {
      // Not a WebSocket handshake (a plain GET, a bad version): answer instead of hanging.
      if (!request.response().ended() && !request.response().headWritten()) {
        request.response().setStatusCode(400).putHeader("Content-Type", "application/json")
            .end(new JsonObject().put("error", "invalid").put("message", "this endpoint speaks WebSocket only").encode());
      }
    });
  }

  /** Browsers always send Origin; it must be configured, or be this server itself. Non-browser clients send none. */
  private boolean originAllowed(HttpServerRequest request) {
    String origin = request.getHeader("Origin");
    if (origin == null) return true;
    if (allowedOrigins.contains(origin) || allowedOrigins.contains("*")) return true;
    try {
      URI uri = URI.create(origin);
      String host = request.authority() == null ? null : request.authority().toString();
      return host != null && uri.getAuthority() != null && uri.getAuthority().equalsIgnoreCase(host);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private void accept(ServerWebSocket ws, String client) {
    LiveConnection conn = new LiveConnection(ws, vertx.setTimer(AUTH_TIMEOUT_MS, id -> {
      if (!ws.isClosed()) {
        security.rateLimits().failed(client);
        ws.close((short) 4401, "authentication timeout");
      }
    }));
    conn.client = client;
    conn.lastHeard = System.currentTimeMillis();
    connections.add(conn);
    settings.stats().opened();
    ws.textMessageHandler(text -> onMessage(conn, text));
    ws.binaryMessageHandler(b -> ws.close((short) 1003, "text messages only"));
    ws.exceptionHandler(err -> LOG.debug("websocket error: {}", err.getMessage()));
    ws.closeHandler(v -> closed(conn));
  }

  private void onMessage(LiveConnection conn, String text) {
    conn.lastHeard = System.currentTimeMillis();
    if (text.length() > MAX_CLIENT_MESSAGE_CHARS) {
      conn.ws.close((short) 1009, "messages are small control messages");
      return;
    }
    JsonObject msg;
    try {
      msg = new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      error(conn, null, "invalid", "messages are JSON objects");
      return;
    }
    String type = msg.getValue("type") instanceof String s ? s : "";
    if (conn.principal == null) {
      if (!type.equals("auth")) {
        security.rateLimits().failed(conn.client);
        conn.ws.close((short) 4401, "first message must be auth");
        return;
      }
      authenticate(conn, msg.getValue("token") instanceof String t ? t : null);
      return;
    }
    switch (type) {
      case "subscribe" -> subscribe(conn, msg);
      case "unsubscribe" -> unsubscribe(conn, msg.getValue("id") instanceof String s ? s : null, true);
      case "ping" -> conn.ws.writeTextMessage("{\"type\":\"pong\"}");
      case "pong" -> { }
      case "auth" -> error(conn, null, "invalid", "already authenticated");
      default -> error(conn, msg.getValue("id") instanceof String s ? s : null, "invalid", "unknown message type");
    }
  }

  private void authenticate(LiveConnection conn, String token) {
    conn.authenticating = true;
    tokens.verify(token).onComplete(ar -> {
      conn.authenticating = false;
      vertx.cancelTimer(conn.authTimer);
      if (conn.ws.isClosed()) return;
      if (ar.failed()) {
        if (ar.cause() instanceof SecurityException) {
          security.rateLimits().failed(conn.client);
          conn.ws.close((short) 4401, "invalid token");
        } else {
          conn.ws.close((short) 1013, "cannot check the token right now");
        }
        return;
      }
      Principal p = ar.result();
      TenantCatalog tenant = catalog.get().tenant(p.tenant());
      if (!p.canRead() || tenant == null) {
        conn.ws.close((short) 4403, "this token may not watch scorecards");
        return;
      }
      conn.principal = p;
      settings.stats().authenticated(p.tenant());
      JsonArray visible = new JsonArray();
      tenant.touchpoints().stream().filter(tp -> p.mayAccess(tp.code())).forEach(tp -> visible.add(tp.code()));
      conn.ws.writeTextMessage(new JsonObject().put("type", "ready").put("tenant", p.tenant())
          .put("touchpoints", visible).put("tickMs", settings.tickMs()).put("pingIntervalMs", settings.pingIntervalMs())
          .put("stale", status.stale()).encode());
      if (status.stale()) conn.ws.writeTextMessage(status.toJson().encode());
    });
  }

  private void subscribe(LiveConnection conn, JsonObject msg) {
    String id = msg.getValue("id") instanceof String s ? s : null;
    if (id == null || !SUB_ID.matcher(id).matches()) {
      error(conn, null, "invalid", "subscribe needs an id of 1..64 characters [A-Za-z0-9._:-]");
      return;
    }
    String window = msg.getValue("window") instanceof String w ? w : "1h";
    if (!Windows.NAMES.contains(window)) {
      error(conn, id, "invalid", "window must be one of 15m, 1h, 24h, today, 7d, 30d");
      return;
    }
    Principal p = conn.principal;
    if (msg.containsKey("tenant") && !p.tenant().equals(msg.getValue("tenant"))) {
      error(conn, id, "forbidden", "this token may only watch tenant " + p.tenant());
      return;
    }
    TenantCatalog tenant = catalog.get().tenant(p.tenant());
    List<String> touchpoints;
    if (msg.getValue("touchpoints") == null) {
      touchpoints = tenant.touchpoints().stream().map(tp -> tp.code()).filter(p::mayAccess).toList();
    } else if (msg.getValue("touchpoints") instanceof JsonArray arr) {
      Set<String> asked = new LinkedHashSet<>();
      for (Object o : arr) {
        if (!(o instanceof String code) || tenant.touchpoint(code) == null) {
          error(conn, id, "unknown_code", "unknown touchpoint " + o);
          return;
        }
        if (!p.mayAccess(code)) {
          error(conn, id, "forbidden", "this token may not watch touchpoint " + code);
          return;
        }
        asked.add(code);
      }
      // Catalog order, so that the same set is the same view whatever order the client sent.
      touchpoints = tenant.touchpoints().stream().map(tp -> tp.code()).filter(asked::contains).toList();
    } else {
      error(conn, id, "invalid", "touchpoints must be an array of codes");
      return;
    }
    if (!conn.subscriptions.containsKey(id) && conn.subscriptions.size() >= MAX_SUBSCRIPTIONS) {
      error(conn, id, "invalid", "at most " + MAX_SUBSCRIPTIONS + " subscriptions per connection");
      return;
    }
    unsubscribe(conn, id, false);
    LiveConnection.Subscription sub = new LiveConnection.Subscription(conn, id, new ViewKey(p.tenant(), window, touchpoints));
    conn.subscriptions.put(id, sub);
    settings.stats().subscribed(p.tenant());
    byView.computeIfAbsent(sub.key, k -> new HashSet<>()).add(sub);
    vertx.eventBus().<ViewFrame>request(LiveHub.SUBSCRIBE, sub.key).onComplete(ar -> {
      if (conn.subscriptions.get(id) != sub || conn.ws.isClosed()) return;
      if (ar.failed()) {
        error(conn, id, "unavailable", "cannot subscribe right now; retry");
        unsubscribe(conn, id, true);
        return;
      }
      latest.put(sub.key, ar.result().body().payload());
      sub.snapshotSent = true;
      send(sub, "snapshot", ar.result().body().payload());
    });
  }

  private void unsubscribe(LiveConnection conn, String id, boolean explicit) {
    LiveConnection.Subscription sub = id == null ? null : conn.subscriptions.remove(id);
    if (sub == null) {
      if (explicit) error(conn, id, "invalid", "no subscription with this id");
      return;
    }
    settings.stats().unsubscribed(sub.key.tenant());
    Set<LiveConnection.Subscription> subs = byView.get(sub.key);
    if (subs != null) {
      subs.remove(sub);
      if (subs.isEmpty()) {
        byView.remove(sub.key);
        latest.remove(sub.key);
      }
    }
    vertx.eventBus().send(LiveHub.UNSUBSCRIBE, sub.key);
  }

  private void closed(LiveConnection conn) {
    connections.remove(conn);
    vertx.cancelTimer(conn.authTimer);
    for (String id : new ArrayList<>(conn.subscriptions.keySet())) unsubscribe(conn, id, false);
    // Counted last, so a reader of connections-then-subscriptions never sees the connection gone and its
    // subscriptions still counted. A scrape reads gauges one by one, though: it is never a snapshot of all.
    settings.stats().closed(conn.principal == null ? null : conn.principal.tenant());
  }

  private void frames(TickFrames tick) {
    for (ViewFrame frame : tick.frames()) {
      Set<LiveConnection.Subscription> subs = byView.get(frame.key());
      if (subs == null) continue;
      latest.put(frame.key(), frame.payload());
      for (LiveConnection.Subscription sub : subs) {
        if (sub.snapshotSent) send(sub, "update", frame.payload());
      }
    }
  }

  /**
   * Writes one message, or, when the socket cannot take more, remembers that the subscription
   * is behind: it gets the latest state when the socket drains, never a backlog.
   */
  private void send(LiveConnection.Subscription sub, String type, Buffer payload) {
    LiveConnection conn = sub.connection;
    if (conn.ws.isClosed()) return;
    if (conn.ws.writeQueueFull()) {
      sub.behind = true;
      if (conn.fullSince == 0) {
        conn.fullSince = System.currentTimeMillis();
        conn.ws.drainHandler(v -> drained(conn));
      }
      settings.stats().deferred();
      return;
    }
    // Counted before the write: a client that has the message can never scrape a count without it.
    settings.stats().sent(payload.length());
    conn.write(type, sub, payload);
  }

  private void drained(LiveConnection conn) {
    conn.fullSince = 0;
    conn.ws.drainHandler(null);
    for (LiveConnection.Subscription sub : conn.subscriptions.values()) {
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
    for (LiveConnection conn : connections) {
      if (conn.principal == null || conn.ws.isClosed()) continue;
      for (int i = 0; i < encoded.size(); i++) {
        LiveAlert alert = batch.alerts().get(i);
        if (!alert.tenant().equals(conn.principal.tenant()) || !conn.principal.mayAccess(alert.touchpoint())
            || !conn.watches(alert.touchpoint())) continue;
        if (conn.ws.writeQueueFull()) {
          settings.stats().alertDropped();
        } else {
          settings.stats().sent(encoded.get(i).length());
          conn.ws.writeTextMessage(encoded.get(i));
        }
      }
    }
  }

  private void status(LiveStatus next) {
    status = next;
    String message = next.toJson().encode();
    for (LiveConnection conn : connections) {
      if (conn.principal != null && !conn.ws.isClosed() && !conn.ws.writeQueueFull()) conn.ws.writeTextMessage(message);
    }
  }

  /** Pings quiet clients, closes those that stopped answering or whose queue stays full. */
  private void keepAlive() {
    long now = System.currentTimeMillis();
    for (LiveConnection conn : new ArrayList<>(connections)) {
      if (conn.ws.isClosed()) continue;
      if (conn.principal != null && conn.principal.expiresAtSeconds() * 1000 <= now) {
        conn.ws.close((short) 4401, "token expired");
      } else if (conn.fullSince != 0 && now - conn.fullSince > settings.stuckTimeoutMs()) {
        settings.stats().dropped();
        conn.ws.close((short) 4429, "too slow: not reading");
      } else if (now - conn.lastHeard > settings.idleTimeoutMs()) {
        settings.stats().dropped();
        conn.ws.close((short) 4408, "no pong");
      } else if (conn.principal != null && !conn.ws.writeQueueFull() && now - conn.lastSent >= settings.pingIntervalMs()) {
        conn.ws.writeTextMessage("{\"type\":\"ping\"}");
        conn.lastSent = now;
      }
    }
  }

  private static void error(LiveConnection conn, String id, String code, String message) {
    if (conn.ws.isClosed()) return;
    conn.ws.writeTextMessage(new JsonObject().put("type", "error").put("id", id).put("error", code)
        .put("message", message).encode());
  }

  public int connectionCount() {
    return connections.size();
  }

  /** Closes every socket with 1001 (going away): clients reconnect, to another node if one is there. */
  public void shutdown() {
    for (LiveConnection conn : new ArrayList<>(connections)) {
      if (!conn.ws.isClosed()) conn.ws.close((short) 1001, "server shutting down");
    }
  }
}
