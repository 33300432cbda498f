package io.cxpulse.auth;

import io.vertx.core.Future;

/** Turns a bearer token into a {@link Principal}, or fails with {@link SecurityException}. */
public interface TokenVerifier {
  Future<Principal> verify(String token);
}
