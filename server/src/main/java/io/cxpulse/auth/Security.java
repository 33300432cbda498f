package io.cxpulse.auth;

import io.cxpulse.store.DeviceTokenStore;

/** What every HTTP verticle shares for security; all thread-safe. */
public record Security(KeyRing keys, TokenPolicy policy, Revocations revocations, RateLimits rateLimits,
                       DeviceTokenStore devices, java.util.List<String> trustedProxies,
                       java.time.Duration defaultDeviceLifetime, ConnectionCaps connectionCaps) {

  /** A verifier for one HTTP verticle: its own JWTAuth instances, device tokens checked against the store. */
  public TokenVerifier newVerifier(io.vertx.core.Vertx vertx) {
    return new DeviceCheck(new Tokens(vertx, keys, policy), devices);
  }
}
