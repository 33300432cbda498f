package io.cxpulse.auth;

import java.util.Set;

/**
 * Who is calling: the verified claims of a token that the handlers need. {@code tokenId} is the
 * {@code jti} (null when the token has none); {@code device} marks a wall-screen token issued by an
 * admin, which can be revoked; {@code knownSegmentsOnly} (claim {@code "segments": "known"}) limits
 * an ingest token to segment values its tenant already counts or lists in {@code segmentValues}.
 */
public record Principal(String subject, String tenant, Set<String> roles, Set<String> touchpoints, long expiresAtSeconds,
                        String tokenId, boolean device, boolean knownSegmentsOnly) {
  public static final String INGEST = "ingest";
  public static final String VIEWER = "viewer";
  public static final String MANAGER = "manager";
  public static final String ADMIN = "admin";
  public static final Set<String> ROLES = Set.of(INGEST, VIEWER, MANAGER, ADMIN);

  public Principal(String subject, String tenant, Set<String> roles, Set<String> touchpoints, long expiresAtSeconds) {
    this(subject, tenant, roles, touchpoints, expiresAtSeconds, null, false, false);
  }

  public Principal(String subject, String tenant, Set<String> roles, Set<String> touchpoints, long expiresAtSeconds,
      String tokenId, boolean device) {
    this(subject, tenant, roles, touchpoints, expiresAtSeconds, tokenId, device, false);
  }

  /** Viewer, manager and admin tokens read; ingest tokens only write. */
  public boolean canRead() {
    return roles.contains(VIEWER) || roles.contains(MANAGER) || roles.contains(ADMIN);
  }

  public boolean canIngest() {
    return roles.contains(INGEST);
  }

  public boolean isAdmin() {
    return roles.contains(ADMIN);
  }

  /** Null touchpoints means every touchpoint of the tenant. */
  public boolean mayAccess(String touchpoint) {
    return touchpoints == null || touchpoints.contains(touchpoint);
  }
}
