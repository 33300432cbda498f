package io.cxpulse.live;

import io.cxpulse.auth.ConnectionCaps;
import io.cxpulse.auth.Principal;
import io.cxpulse.catalog.TenantCatalog;
import io.cxpulse.counters.Windows;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One WebSocket and the protocol of docs/live-protocol.md spoken on it: the first message
 * authenticates, then the client subscribes to views (snapshot first, then updates) and pings.
 * Everything that is not this one connection's — the views' latest bytes, alerts, status, pings,
 * slow clients — is the {@link LiveFanout}'s. Touched only by its HTTP verticle's event loop.
 */
final class LiveSession {
  static final int AUTH_TIMEOUT_MS = 5_000;
  static final int MAX_SUBSCRIPTIONS = 16;
  /**
   * Clients send only auth, subscribe, ping: a few hundred bytes. A longer message, whole or in
   * fragments, closes 1009; past the frame limit (16 KiB) the transport drops the connection (1006).
   */
  static final int MAX_CLIENT_MESSAGE_BYTES = 4096;
  private static final Pattern SUB_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

  /** One subscription: a view of this connection under the client's id, with its own sequence. */
  static final class Subscription {
    final LiveSession session;
    final String id;
    final ViewKey key;
    final String idJson;
    long seq;
    boolean snapshotSent;
    /** An update was skipped while the socket was full: the latest state goes out when it drains. */
    boolean behind;

    Subscription(LiveSession session, String id, ViewKey key) {
      this.session = session;
      this.id = id;
      this.key = key;
      this.idJson = Json.encode(id);
    }
  }

  final ServerWebSocket ws;
  /** The client's address, for the failed-authentication limit. */
  final String client;
  final Map<String, Subscription> subscriptions = new HashMap<>(4);
  private final LiveFanout fanout;
  private final long authTimer;
  Principal principal;
  long lastHeard;
  long lastSent;
  /** When the socket's write queue filled up, or 0. */
  long fullSince;
  /** The count key under which this socket holds a place of its token's (or device's) cap, once authenticated. */
  private String capKey;
  /** The text message being received, fragment by fragment; null between messages. */
  private Buffer partial;

  LiveSession(ServerWebSocket ws, String client, LiveFanout fanout) {
    this.ws = ws;
    this.client = client;
    this.fanout = fanout;
    this.lastHeard = System.currentTimeMillis();
    this.authTimer = fanout.vertx().setTimer(AUTH_TIMEOUT_MS, id -> {
      if (!ws.isClosed()) {
        fanout.security().rateLimits().failed(client);
        ws.close(CloseCodes.UNAUTHORIZED, "authentication timeout");
      }
    });
    // Frames, not whole messages: the session assembles each text message itself, so that an
    // oversized one closes 1009 as soon as it passes the limit (fragmented or not) and one that is
    // not UTF-8 closes 1007, where Vert.x's assembly would drop the first and decode the second
    // with replacement characters.
    ws.frameHandler(this::onFrame);
    ws.exceptionHandler(err -> LiveFanout.LOG.debug("websocket error: {}", err.getMessage()));
    ws.closeHandler(v -> closed());
  }

  private void onFrame(WebSocketFrame frame) {
    lastHeard = System.currentTimeMillis();
    if (ws.isClosed()) return;
    if (frame.isBinary() || frame.isContinuation() && partial == null && !frame.isText()) {
      if (frame.isBinary() || frame.binaryData().length() > 0) {
        ws.close(CloseCodes.UNSUPPORTED_DATA, "text messages only");
      }
      return;
    }
    if (!frame.isText() && !frame.isContinuation()) return; // ping, pong, close: the transport's
    if (frame.isText()) partial = Buffer.buffer();
    if (partial.length() + frame.binaryData().length() > MAX_CLIENT_MESSAGE_BYTES) {
      partial = null;
      ws.close(CloseCodes.MESSAGE_TOO_BIG, "messages are small control messages");
      return;
    }
    partial.appendBuffer(frame.binaryData());
    if (!frame.isFinal()) return;
    Buffer whole = partial;
    partial = null;
    String text;
    try {
      text = java.nio.charset.StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
          .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(whole.getBytes())).toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      ws.close(CloseCodes.INVALID_PAYLOAD, "text messages are UTF-8");
      return;
    }
    onMessage(text);
  }

  private void onMessage(String text) {
    JsonObject msg;
    try {
      msg = new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      error(null, "invalid", "messages are JSON objects");
      return;
    }
    String type = msg.getValue("type") instanceof String s ? s : "";
    if (principal == null) {
      if (!type.equals("auth")) {
        fanout.security().rateLimits().failed(client);
        ws.close(CloseCodes.UNAUTHORIZED, "first message must be auth");
        return;
      }
      authenticate(msg.getValue("token") instanceof String t ? t : null);
      return;
    }
    switch (type) {
      case "subscribe" -> subscribe(msg);
      case "unsubscribe" -> unsubscribe(msg.getValue("id") instanceof String s ? s : null, true);
      case "ping" -> ws.writeTextMessage("{\"type\":\"pong\"}");
      case "pong" -> { }
      case "auth" -> error(null, "invalid", "already authenticated");
      default -> error(msg.getValue("id") instanceof String s ? s : null, "invalid", "unknown message type");
    }
  }

  private void authenticate(String token) {
    fanout.verifier().verify(token).onComplete(ar -> {
      fanout.vertx().cancelTimer(authTimer);
      if (ws.isClosed()) return;
      if (ar.failed()) {
        if (ar.cause() instanceof SecurityException) {
          fanout.security().rateLimits().failed(client);
          ws.close(CloseCodes.UNAUTHORIZED, "invalid token");
        } else {
          ws.close(CloseCodes.TRY_AGAIN_LATER, "cannot check the token right now");
        }
        return;
      }
      Principal p = ar.result();
      TenantCatalog tenant = fanout.catalog().get().tenant(p.tenant());
      if (!p.canRead() || tenant == null) {
        ws.close(CloseCodes.FORBIDDEN, "this token may not watch scorecards");
        return;
      }
      String key = ConnectionCaps.key(p, token);
      if (!fanout.security().connectionCaps().openToken(key, p.device())) {
        fanout.settings().stats().capped();
        ws.close(CloseCodes.TOO_MANY_CONNECTIONS, p.device() ? "too many connections for this device"
            : "too many connections for this token");
        return;
      }
      capKey = key;
      principal = p;
      fanout.settings().stats().authenticated(p.tenant());
      JsonArray visible = new JsonArray();
      tenant.touchpoints().stream().filter(tp -> p.mayAccess(tp.code())).forEach(tp -> visible.add(tp.code()));
      LiveStatus status = fanout.status();
      ws.writeTextMessage(new JsonObject().put("type", "ready").put("tenant", p.tenant())
          .put("touchpoints", visible).put("tickMs", fanout.settings().tickMs())
          .put("pingIntervalMs", fanout.settings().pingIntervalMs()).put("stale", status.stale()).encode());
      if (status.stale()) ws.writeTextMessage(status.toJson().encode());
    });
  }

  private void subscribe(JsonObject msg) {
    String id = msg.getValue("id") instanceof String s ? s : null;
    if (id == null || !SUB_ID.matcher(id).matches()) {
      error(null, "invalid", "subscribe needs an id of 1..64 characters [A-Za-z0-9._:-]");
      return;
    }
    String window = msg.getValue("window") instanceof String w ? w : "1h";
    if (!Windows.NAMES.contains(window)) {
      error(id, "invalid", "window must be one of 15m, 1h, 24h, today, 7d, 30d");
      return;
    }
    Principal p = principal;
    if (msg.containsKey("tenant") && !p.tenant().equals(msg.getValue("tenant"))) {
      error(id, "forbidden", "this token may only watch tenant " + p.tenant());
      return;
    }
    TenantCatalog tenant = fanout.catalog().get().tenant(p.tenant());
    List<String> touchpoints;
    if (msg.getValue("touchpoints") == null) {
      touchpoints = tenant.touchpoints().stream().map(tp -> tp.code()).filter(p::mayAccess).toList();
    } else if (msg.getValue("touchpoints") instanceof JsonArray arr) {
      Set<String> asked = new LinkedHashSet<>();
      for (Object o : arr) {
        if (!(o instanceof String code) || tenant.touchpoint(code) == null) {
          error(id, "unknown_code", "unknown touchpoint " + o);
          return;
        }
        if (!p.mayAccess(code)) {
          error(id, "forbidden", "this token may not watch touchpoint " + code);
          return;
        }
        asked.add(code);
      }
      // Catalog order, so that the same set is the same view whatever order the client sent.
      touchpoints = tenant.touchpoints().stream().map(tp -> tp.code()).filter(asked::contains).toList();
    } else {
      error(id, "invalid", "touchpoints must be an array of codes");
      return;
    }
    if (!subscriptions.containsKey(id) && subscriptions.size() >= MAX_SUBSCRIPTIONS) {
      error(id, "invalid", "at most " + MAX_SUBSCRIPTIONS + " subscriptions per connection");
      return;
    }
    unsubscribe(id, false);
    Subscription sub = new Subscription(this, id, new ViewKey(p.tenant(), window, touchpoints));
    subscriptions.put(id, sub);
    fanout.subscribed(sub).onComplete(ar -> {
      if (subscriptions.get(id) != sub || ws.isClosed()) return;
      if (ar.failed()) {
        error(id, "unavailable", "cannot subscribe right now; retry");
        unsubscribe(id, true);
        return;
      }
      sub.snapshotSent = true;
      fanout.send(sub, "snapshot", ar.result());
    });
  }

  private void unsubscribe(String id, boolean explicit) {
    Subscription sub = id == null ? null : subscriptions.remove(id);
    if (sub == null) {
      if (explicit) error(id, "invalid", "no subscription with this id");
      return;
    }
    fanout.unsubscribed(sub);
  }

  private void closed() {
    fanout.vertx().cancelTimer(authTimer);
    if (capKey != null) fanout.security().connectionCaps().closeToken(capKey);
    fanout.security().connectionCaps().closeAddress(client);
    for (String id : new ArrayList<>(subscriptions.keySet())) unsubscribe(id, false);
    // Counted last, so a reader of connections-then-subscriptions never sees the connection gone and its
    // subscriptions still counted. A scrape reads gauges one by one, though: it is never a snapshot of all.
    fanout.closed(this);
  }

  /**
   * One message as two frames of the same message: a text frame with this subscription's
   * envelope, then a continuation frame with the payload shared by every subscriber of the view.
   */
  void write(String type, Subscription sub, Buffer sharedPayload) {
    sub.seq++;
    String prefix = "{\"type\":\"" + type + "\",\"id\":" + sub.idJson + ",\"seq\":" + sub.seq + ",\"data\":";
    ws.writeFrame(WebSocketFrame.textFrame(prefix, false));
    ws.writeFrame(WebSocketFrame.continuationFrame(sharedPayload, true));
    lastSent = System.currentTimeMillis();
  }

  boolean watches(String touchpoint) {
    for (Subscription s : subscriptions.values()) {
      if (s.key.touchpoints().contains(touchpoint)) return true;
    }
    return false;
  }

  private void error(String id, String code, String message) {
    if (ws.isClosed()) return;
    ws.writeTextMessage(new JsonObject().put("type", "error").put("id", id).put("error", code)
        .put("message", message).encode());
  }
}
