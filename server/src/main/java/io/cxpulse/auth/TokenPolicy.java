package io.cxpulse.auth;

import io.cxpulse.config.SecurityConfig;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;

/**
 * What a token must say besides a good signature: our issuer and audience, times within a clock
 * skew, and a lifetime ({@code exp} minus {@code nbf}/{@code iat}) no longer than the cap of its
 * most powerful role. Wall-screen device tokens (viewer only) have a cap of their own.
 */
public record TokenPolicy(String issuer, String audience, long skewSeconds, Map<String, Duration> roleCaps,
                          Duration deviceCap) {

  public static TokenPolicy of(String issuer, String audience, SecurityConfig security) {
    return new TokenPolicy(issuer, audience, security.clockSkewSeconds(), security.maxTokenLifetime(),
        security.maxDeviceTokenLifetime());
  }

  /** The defaults of {@link SecurityConfig}, for code that has no configuration at hand. */
  public static TokenPolicy defaults(String issuer, String audience) {
    return new TokenPolicy(issuer, audience, 60, Map.of(
        Principal.INGEST, Duration.ofDays(400), Principal.VIEWER, Duration.ofDays(30),
        Principal.MANAGER, Duration.ofDays(7), Principal.ADMIN, Duration.ofDays(1)), Duration.ofDays(400));
  }

  /** The longest lifetime allowed: the smallest cap among the token's known roles. */
  public Duration cap(Collection<String> roles, boolean device) {
    if (device) return deviceCap;
    Duration cap = null;
    for (String role : roles) {
      Duration c = roleCaps.get(role);
      if (c != null && (cap == null || c.compareTo(cap) < 0)) cap = c;
    }
    return cap == null ? roleCaps.getOrDefault(Principal.VIEWER, Duration.ofDays(30)) : cap;
  }
}
