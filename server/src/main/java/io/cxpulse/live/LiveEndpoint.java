package io.cxpulse.live;

import io.cxpulse.auth.ClientAddress;
import io.cxpulse.auth.RateLimits;
import io.cxpulse.auth.Security;
import io.cxpulse.auth.TokenVerifier;
import io.cxpulse.catalog.CatalogRef;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.List;

/**
 * {@code GET /api/v1/live} of one HTTP verticle: the WebSocket handshake (an allowed Origin, the
 * failed-authentication limit of the client address, an Upgrade header, and the address's cap of
 * live sockets, {@code LIVE_MAX_PER_ADDRESS}: 429 with Retry-After beyond it), then a {@link LiveSession}
 * per accepted socket, all served by this verticle's {@link LiveFanout}. Runs on the HTTP
 * verticle's event loop.
 */
public final class LiveEndpoint {
  private final List<String> allowedOrigins;
  private final Security security;
  private final LiveFanout fanout;

  public LiveEndpoint(Vertx vertx, TokenVerifier tokens, CatalogRef catalog, List<String> allowedOrigins, LiveSettings settings,
      Security security) {
    this.allowedOrigins = allowedOrigins;
    this.security = security;
    this.fanout = new LiveFanout(vertx, tokens, catalog, settings, security);
  }

  public void handle(HttpServerRequest request) {
    if (!originAllowed(request)) {
      refuse(request, 403, new JsonObject().put("error", "forbidden").put("message", "origin not allowed"));
      return;
    }
    String client = ClientAddress.of(request, security.trustedProxies());
    RateLimits.Decision allowed = security.rateLimits().mayAuthenticate(client);
    if (!allowed.allowed()) {
      request.response().putHeader("Retry-After", String.valueOf(allowed.retryAfterSeconds()));
      refuse(request, 429, new JsonObject().put("error", "rate_limited")
          .put("message", "too many failed authentications from this address"));
      return;
    }
    if (!"websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
      refuse(request, 400, new JsonObject().put("error", "invalid").put("message", "this endpoint speaks WebSocket only"));
      return;
    }
    if (!security.connectionCaps().openAddress(client)) {
      fanout.settings().stats().capped();
      request.response().putHeader("Retry-After", "30");
      refuse(request, 429, new JsonObject().put("error", "rate_limited")
          .put("message", "too many live connections from this address; close some or retry later"));
      return;
    }
    request.toWebSocket().onSuccess(ws -> fanout.opened(new LiveSession(ws, client, fanout))).onFailure(err -> {
      security.connectionCaps().closeAddress(client);
      // Not a WebSocket handshake (a plain GET, a bad version): answer instead of hanging.
      if (!request.response().ended() && !request.response().headWritten()) {
        refuse(request, 400, new JsonObject().put("error", "invalid").put("message", "this endpoint speaks WebSocket only"));
      }
    });
  }

  private static void refuse(HttpServerRequest request, int status, JsonObject error) {
    request.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(error.encode());
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

  public int connectionCount() {
    return fanout.sessionCount();
  }

  /** Closes every socket with 1001 (going away): clients reconnect, to another node if one is there. */
  public void shutdown() {
    fanout.shutdown();
  }
}
