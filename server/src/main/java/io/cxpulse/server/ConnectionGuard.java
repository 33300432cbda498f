package io.cxpulse.server;

import io.cxpulse.config.SecurityConfig;
import io.cxpulse.http.ApiError;
import io.cxpulse.http.Connections;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import java.util.HashMap;
import java.util.Map;

/**
 * The connections of one HTTP verticle, against slow and greedy clients (issue 19: 500 slowloris
 * sockets were never closed; one token opened sockets until "Too many open files"):
 * <ul>
 *   <li>the process-wide ceiling ({@link Connections}): a connection over it is answered 503 with
 *       Retry-After and {@code Connection: close} at its first request, and closed after a second
 *       if it sends none; far over it (a flood), it is closed at once;</li>
 *   <li>a new connection must complete its first request head within {@code HTTP_HEADER_TIMEOUT_SECONDS};</li>
 *   <li>a request's body must be complete within {@code HTTP_BODY_TIMEOUT_SECONDS} (else 408);</li>
 *   <li>between requests a keep-alive connection must send the next head within
 *       {@code HTTP_IDLE_TIMEOUT_SECONDS}, like the transport's own idle timeout, which closes a
 *       connection without a byte either way for that long.</li>
 * </ul>
 * WebSocket connections are left to the live endpoint (pings, idle and stuck timeouts) once
 * upgraded. A periodic sweep (every second) checks the deadlines: no timer per connection. Runs
 * on its HTTP verticle's event loop, which owns these connections.
 */
final class ConnectionGuard {
  private static final long SWEEP_MS = 1_000;

  /** What this verticle knows of one of its connections. */
  private static final class State {
    final long openedAt;
    final boolean admitted;
    HttpServerRequest current;
    long requestAt;
    /** When the current request's response was first seen ended: the connection idles since. */
    long idleSince;
    boolean webSocket;

    State(long openedAt, boolean admitted) {
      this.openedAt = openedAt;
      this.admitted = admitted;
    }
  }

  private final Vertx vertx;
  private final Connections connections;
  private final long headerMs;
  private final long bodyMs;
  private final long idleMs;
  private final Map<HttpConnection, State> states = new HashMap<>();
  private long sweeper = -1;

  ConnectionGuard(Vertx vertx, Connections connections, SecurityConfig.Limits limits) {
    this.vertx = vertx;
    this.connections = connections;
    this.headerMs = limits.httpHeaderTimeoutSeconds() * 1000L;
    this.bodyMs = limits.httpBodyTimeoutSeconds() * 1000L;
    this.idleMs = limits.httpIdleTimeoutSeconds() * 1000L;
  }

  void start() {
    sweeper = vertx.setPeriodic(SWEEP_MS, id -> sweep());
  }

  void stop() {
    if (sweeper >= 0) vertx.cancelTimer(sweeper);
  }

  void connected(HttpConnection conn) {
    boolean admitted = connections.opened();
    State state = new State(System.currentTimeMillis(), admitted);
    states.put(conn, state);
    conn.closeHandler(v -> {
      if (states.remove(conn) != null) connections.closed();
    });
    if (!admitted) {
      connections.refusedOne();
      // Far over the ceiling (a flood): no answer, the descriptor is given back at once.
      if (connections.open() > connections.max() + Math.max(64, connections.max() / 10)) conn.close();
    }
  }

  /** The first look at each request; false when it was answered here (refused) and must not be routed. */
  boolean admit(HttpServerRequest request) {
    State state = states.get(request.connection());
    if (state == null) return true; // not seen by the connection handler (cannot happen for HTTP/1.x)
    long now = System.currentTimeMillis();
    if (!state.admitted) {
      ApiError error = ApiError.unavailable("the server has too many connections open; retry later", 5);
      request.response().setStatusCode(503).putHeader("Retry-After", "5").putHeader("Connection", "close")
          .putHeader("Content-Type", "application/json; charset=utf-8").end(error.toJson().encode())
          .onComplete(done -> request.connection().close());
      return false;
    }
    state.current = request;
    state.requestAt = now;
    state.idleSince = 0;
    state.webSocket = "websocket".equalsIgnoreCase(request.getHeader("Upgrade"));
    return true;
  }

  private void sweep() {
    long now = System.currentTimeMillis();
    // Closing runs the close handler, which edits the map: act after the walk.
    java.util.List<HttpConnection> close = new java.util.ArrayList<>();
    java.util.List<HttpServerRequest> late = new java.util.ArrayList<>();
    for (Map.Entry<HttpConnection, State> e : states.entrySet()) {
      State s = e.getValue();
      HttpConnection conn = e.getKey();
      if (!s.admitted) {
        if (now - s.openedAt > SWEEP_MS) close.add(conn);
      } else if (s.current == null) {
        if (now - s.openedAt > headerMs) close.add(conn); // no complete request head: slowloris, or a port scan
      } else if (s.webSocket) {
        continue;
      } else if (!s.current.isEnded()) {
        if (now - s.requestAt > bodyMs) late.add(s.current);
      } else if (s.current.response().ended()) {
        if (s.idleSince == 0) s.idleSince = now;
        else if (now - s.idleSince > idleMs) close.add(conn); // keep-alive: the next head never completed
      }
    }
    close.forEach(HttpConnection::close);
    late.forEach(ConnectionGuard::timeout);
  }

  /** A body that did not arrive in time: 408 if nothing was answered yet, and the connection closes. */
  private static void timeout(HttpServerRequest request) {
    if (!request.response().headWritten() && !request.response().ended()) {
      ApiError error = new ApiError(408, "request_timeout", "the request body did not arrive in time");
      request.response().setStatusCode(408).putHeader("Connection", "close")
          .putHeader("Content-Type", "application/json; charset=utf-8").end(error.toJson().encode())
          .onComplete(done -> request.connection().close());
    } else {
      request.connection().close();
    }
  }
}
