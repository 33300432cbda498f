package io.cxpulse.http;

import io.cxpulse.auth.ClientAddress;
import io.cxpulse.auth.RateLimits;
import io.cxpulse.auth.TokenVerifier;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * The guard of every {@code /api} route: a bearer token, verified (signature, claims, revocation)
 * and of a configured tenant, puts its principal on the request ({@link Requests#principal});
 * otherwise 401 (403 for an unknown tenant). Failed attempts count against the client address,
 * which is refused with 429 once it has failed too often.
 */
public final class Authenticate implements Handler<RoutingContext> {
  private final ServerContext ctx;
  private final TokenVerifier verifier;

  /** @param verifier this HTTP verticle's own verifier (with its cache of verified tokens) */
  public Authenticate(ServerContext ctx, TokenVerifier verifier) {
    this.ctx = ctx;
    this.verifier = verifier;
  }

  @Override
  public void handle(RoutingContext rc) {
    String client = ClientAddress.of(rc.request(), ctx.security().trustedProxies());
    RateLimits.Decision allowed = ctx.security().rateLimits().mayAuthenticate(client);
    if (!allowed.allowed()) {
      rc.fail(ApiGuards.tooManyRequests("too many failed authentications from this address", allowed.retryAfterSeconds()));
      return;
    }
    String header = rc.request().getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      ctx.security().rateLimits().failed(client);
      rc.fail(new ApiError(401, "unauthorized", "send Authorization: Bearer <token>"));
      return;
    }
    verifier.verify(header.substring(7).trim()).onComplete(
        principal -> {
          if (ctx.catalog().get().tenant(principal.tenant()) == null) {
            rc.fail(new ApiError(403, "forbidden", "the token's tenant is not configured on this server"));
            return;
          }
          rc.put(Requests.PRINCIPAL, principal);
          rc.next();
        },
        err -> {
          if (!(err instanceof SecurityException)) {
            rc.fail(ApiError.unavailable("cannot check the token right now; retry later", 1));
            return;
          }
          ctx.security().rateLimits().failed(client);
          rc.fail(new ApiError(401, "unauthorized", "the token is missing, malformed, expired, revoked or not ours"));
        });
  }
}
