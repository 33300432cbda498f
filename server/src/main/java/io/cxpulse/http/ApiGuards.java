package io.cxpulse.http;

import io.cxpulse.auth.ClientAddress;
import io.cxpulse.auth.Principal;
import io.cxpulse.auth.RateLimits;
import io.cxpulse.auth.Security;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.CorsHandler;
import java.net.URI;
import java.util.List;
import java.util.Set;

/** Request guards of the /api routes: CORS for configured origins only, and the ingest rate limits. */
public final class ApiGuards {
  private ApiGuards() {}

  /**
   * CORS answers only origins in {@code ALLOWED_ORIGINS} ("*" allows any, for development).
   * Same-origin requests (the pages of this server) need no CORS headers. Another origin gets
   * none: its preflight is refused with 403, and a simple request goes on without headers, so the
   * browser keeps the reply from the page (and it cannot send a bearer token without a preflight).
   */
  public static Handler<RoutingContext> cors(List<String> allowedOrigins) {
    CorsHandler cors = CorsHandler.create();
    if (!allowedOrigins.contains("*")) cors.addOrigins(allowedOrigins);
    cors.allowedMethods(Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST, HttpMethod.PATCH, HttpMethod.PUT,
            HttpMethod.DELETE))
        .allowedHeaders(Set.of("Authorization", "Content-Type", "X-Request-Id"))
        .exposedHeaders(Set.of("Retry-After", "X-Request-Id"))
        .maxAgeSeconds(600);
    return rc -> {
      rc.response().putHeader("X-Content-Type-Options", "nosniff");
      String origin = rc.request().getHeader("Origin");
      if (origin == null || sameOrigin(origin, rc)) {
        rc.next();
      } else if (allowedOrigins.contains(origin) || allowedOrigins.contains("*")) {
        cors.handle(rc);
      } else if (rc.request().method() == HttpMethod.OPTIONS && rc.request().getHeader("Access-Control-Request-Method") != null) {
        rc.fail(new ApiError(403, "forbidden", "origin not allowed"));
      } else {
        rc.next();
      }
    };
  }

  private static boolean sameOrigin(String origin, RoutingContext rc) {
    try {
      String authority = URI.create(origin).getAuthority();
      String host = rc.request().authority() == null ? null : rc.request().authority().toString();
      return authority != null && authority.equalsIgnoreCase(host);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Per token and per client address; 429 with Retry-After when either bucket is empty. */
  public static void ingestLimit(RoutingContext rc, Security security) {
    Principal principal = Requests.principal(rc);
    String header = rc.request().getHeader("Authorization");
    RateLimits.Decision d = security.rateLimits().ingest(RateLimits.tokenKey(principal, header == null ? "" : header.trim()),
        ClientAddress.of(rc.request(), security.trustedProxies()));
    if (d.allowed()) {
      rc.next();
    } else {
      rc.fail(tooManyRequests("rate limit reached; retry after " + d.retryAfterSeconds() + " s", d.retryAfterSeconds()));
    }
  }

  public static ApiError tooManyRequests(String message, long retryAfterSeconds) {
    return new ApiError(429, "rate_limited", message, List.of(), (int) Math.min(Integer.MAX_VALUE, retryAfterSeconds));
  }
}
