package io.cxpulse.auth;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The revoked device tokens of every tenant, in this process: loaded at start and kept current by
 * {@link RevocationVerticle} (PostgreSQL NOTIFY from whichever node revoked). Checked on every
 * request after the verified-token cache, so a revoked token is refused at once. Shared by the
 * HTTP verticles, hence a concurrent set.
 */
public final class Revocations {
  /** Local event-bus address on which a revocation is published ("tenant\njti") to close open WebSockets. */
  public static final String REVOKED = "auth.revoked";

  private final Set<String> revoked = ConcurrentHashMap.newKeySet();

  public boolean revoked(Principal principal) {
    return principal.tokenId() != null && revoked.contains(key(principal.tenant(), principal.tokenId()));
  }

  /** True when this is news. */
  public boolean add(String tenant, String tokenId) {
    return revoked.add(key(tenant, tokenId));
  }

  public int size() {
    return revoked.size();
  }

  static String key(String tenant, String tokenId) {
    return tenant + "\n" + tokenId;
  }
}
