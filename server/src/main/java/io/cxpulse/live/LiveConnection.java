package io.cxpulse.live;

import io.cxpulse.auth.Principal;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import java.util.HashMap;
import java.util.Map;

/** One WebSocket and its subscriptions; touched only by its HTTP verticle's event loop. */
final class LiveConnection {
  final ServerWebSocket ws;
  final long authTimer;
  final Map<String, Subscription> subscriptions = new HashMap<>(4);
  Principal principal;
  /** The client's address, for the failed-authentication limit. */
  String client;
  boolean authenticating;
  long lastHeard;
  long lastSent;
  long fullSince;

  static final class Subscription {
    final LiveConnection connection;
    final String id;
    final ViewKey key;
    final String idJson;
    long seq;
    boolean snapshotSent;
    boolean behind;

    Subscription(LiveConnection connection, String id, ViewKey key) {
      this.connection = connection;
      this.id = id;
      this.key = key;
      this.idJson = io.vertx.core.json.Json.encode(id);
    }
  }

  LiveConnection(ServerWebSocket ws, long authTimer) {
    this.ws = ws;
    this.authTimer = authTimer;
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
}
