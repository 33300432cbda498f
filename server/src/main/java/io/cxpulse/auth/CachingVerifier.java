package io.cxpulse.auth;

import io.vertx.core.Future;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Remembers verified tokens for a short while. An ES256 verification costs about a millisecond of
 * CPU, and the JWT library verifies under one lock per key, so without this every request of
 * every core would queue on one signature check; survey tools and screens reuse their token.
 * One instance per HTTP verticle, used only from its event loop: no locks. An entry lives at most
 * {@code ttlSeconds} and never past the token's own exp; failures are not cached. Revocation is
 * checked on every call, cached or not.
 */
public final class CachingVerifier implements TokenVerifier {
  private final TokenVerifier delegate;
  private final Revocations revocations;
  private final int maxEntries;
  private final long ttlSeconds;
  private final LongSupplier nowSeconds;
  private final Map<String, Entry> cache;

  private record Entry(Principal principal, long validUntil) {}

  public CachingVerifier(TokenVerifier delegate, int maxEntries, long ttlSeconds, LongSupplier nowSeconds) {
    this(delegate, new Revocations(), maxEntries, ttlSeconds, nowSeconds);
  }

  public CachingVerifier(TokenVerifier delegate, Revocations revocations, int maxEntries, long ttlSeconds,
      LongSupplier nowSeconds) {
    this.delegate = delegate;
    this.revocations = revocations;
    this.maxEntries = maxEntries;
    this.ttlSeconds = ttlSeconds;
    this.nowSeconds = nowSeconds;
    this.cache = new LinkedHashMap<>(256, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
        return size() > CachingVerifier.this.maxEntries;
      }
    };
  }

  @Override
  public Future<Principal> verify(String token) {
    if (token == null) return delegate.verify(null);
    long now = nowSeconds.getAsLong();
    Entry hit = cache.get(token);
    if (hit != null) {
      if (now < hit.validUntil()) return admitted(hit.principal());
      cache.remove(token);
    }
    return delegate.verify(token).compose(p -> {
      cache.put(token, new Entry(p, Math.min(p.expiresAtSeconds(), nowSeconds.getAsLong() + ttlSeconds)));
      return admitted(p);
    });
  }

  private Future<Principal> admitted(Principal p) {
    return revocations.revoked(p) ? Future.failedFuture(new SecurityException("token revoked")) : Future.succeededFuture(p);
  }

  /** Forgets every token. */
  public void clear() {
    cache.clear();
  }
}
