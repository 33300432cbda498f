package io.cxpulse.auth;

import io.cxpulse.store.DeviceTokenStore;
import io.vertx.core.Future;

/**
 * A device token must exist in its tenant's device list, unrevoked and unexpired, when it is
 * first verified (then it sits in the verified-token cache, and {@link Revocations} catches a
 * later revocation). A database error is not a bad token: it fails with IllegalStateException
 * (503), not SecurityException (401).
 */
final class DeviceCheck implements TokenVerifier {
  private final TokenVerifier delegate;
  private final DeviceTokenStore store;

  DeviceCheck(TokenVerifier delegate, DeviceTokenStore store) {
    this.delegate = delegate;
    this.store = store;
  }

  @Override
  public Future<Principal> verify(String token) {
    return delegate.verify(token).compose(p -> {
      if (!p.device()) return Future.succeededFuture(p);
      return store.active(p.tenant(), p.tokenId())
          .recover(err -> Future.failedFuture(new IllegalStateException("cannot check the device token right now")))
          .compose(active -> active ? Future.succeededFuture(p)
              : Future.failedFuture(new SecurityException("unknown or revoked device token")));
    });
  }
}
