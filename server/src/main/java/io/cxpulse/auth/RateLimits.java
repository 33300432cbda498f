package io.cxpulse.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.cxpulse.config.SecurityConfig;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;

/**
 * Token buckets (Bucket4j) for ingest per token and per client address, for failed
 * authentication per client address, and for reads per token and per tenant, weighted by what a
 * read costs (a scorecard from memory 1, a 30-day value analysis 10: see http.ReadCosts). Buckets live in bounded caches (Caffeine) that forget a
 * client idle for ten minutes, so memory stays bounded however many addresses or tokens show up;
 * a forgotten bucket would have refilled by then anyway. Shared by the HTTP verticles: both
 * libraries are thread-safe. A limit of 0 turns that check off.
 */
public final class RateLimits {
  private static final Duration IDLE = Duration.ofMinutes(10);
  private static final long MAX_BUCKETS = 100_000;

  /** Allowed, or refused with the seconds to wait (rounded up, at least 1). */
  public record Decision(boolean allowed, long retryAfterSeconds) {
    static final Decision OK = new Decision(true, 0);

    static Decision refused(long nanos) {
      return new Decision(false, Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L));
    }
  }

  private final int perTokenPerSecond;
  private final int perIpPerSecond;
  private final int authFailuresPerMinute;
  private final int readPerTokenPerSecond;
  private final int readPerTenantPerSecond;
  private final Cache<String, Bucket> readTokens = cache();
  private final Cache<String, Bucket> readTenants = cache();
  private final Cache<String, Bucket> tokens = cache();
  private final Cache<String, Bucket> ips = cache();
  private final Cache<String, Bucket> failures = cache();

  public RateLimits(int perTokenPerSecond, int perIpPerSecond, int authFailuresPerMinute) {
    this(perTokenPerSecond, perIpPerSecond, authFailuresPerMinute, 0, 0);
  }

  public RateLimits(int perTokenPerSecond, int perIpPerSecond, int authFailuresPerMinute, int readPerTokenPerSecond,
      int readPerTenantPerSecond) {
    this.perTokenPerSecond = perTokenPerSecond;
    this.perIpPerSecond = perIpPerSecond;
    this.authFailuresPerMinute = authFailuresPerMinute;
    this.readPerTokenPerSecond = readPerTokenPerSecond;
    this.readPerTenantPerSecond = readPerTenantPerSecond;
  }

  public static RateLimits of(SecurityConfig config) {
    return new RateLimits(config.ingestPerTokenPerSecond(), config.ingestPerIpPerSecond(), config.authFailuresPerIpPerMinute(),
        config.limits().readPerTokenPerSecond(), config.limits().readPerTenantPerSecond());
  }

  /**
   * One read of {@code cost} units: from the token's bucket and from its tenant's (each refills at
   * its rate and holds {@value SecurityConfig.Limits#READ_BURST_SECONDS} seconds of it, so a page
   * that loads ten panels at once passes). A refusal by the tenant's bucket gives the token its
   * units back. Retry-After says when the emptier bucket has the units again.
   */
  public Decision read(String tokenKey, String tenant, int cost) {
    Bucket token = null;
    if (readPerTokenPerSecond > 0) {
      token = readTokens.get(tokenKey, k -> burst(readPerTokenPerSecond));
      ConsumptionProbe p = token.tryConsumeAndReturnRemaining(Math.min(cost, capacity(readPerTokenPerSecond)));
      if (!p.isConsumed()) return Decision.refused(p.getNanosToWaitForRefill());
    }
    if (readPerTenantPerSecond > 0) {
      ConsumptionProbe p = readTenants.get(tenant, k -> burst(readPerTenantPerSecond))
          .tryConsumeAndReturnRemaining(Math.min(cost, capacity(readPerTenantPerSecond)));
      if (!p.isConsumed()) {
        if (token != null) token.addTokens(Math.min(cost, capacity(readPerTokenPerSecond)));
        return Decision.refused(p.getNanosToWaitForRefill());
      }
    }
    return Decision.OK;
  }

  /** A cost above a bucket's capacity would never pass: it takes the whole bucket instead. */
  private static long capacity(int ratePerSecond) {
    return (long) ratePerSecond * SecurityConfig.Limits.READ_BURST_SECONDS;
  }

  private static Bucket burst(int ratePerSecond) {
    return Bucket.builder().addLimit(l -> l.capacity(capacity(ratePerSecond))
        .refillGreedy(ratePerSecond, Duration.ofSeconds(1))).build();
  }

  private static Cache<String, Bucket> cache() {
    return Caffeine.newBuilder().maximumSize(MAX_BUCKETS).expireAfterAccess(IDLE).build();
  }

  /** One ingest request: a token from the token's bucket and from the address's (bursts of 2 s). */
  public Decision ingest(String tokenKey, String address) {
    if (perTokenPerSecond > 0) {
      ConsumptionProbe p = tokens.get(tokenKey, k -> perSecond(perTokenPerSecond)).tryConsumeAndReturnRemaining(1);
      if (!p.isConsumed()) return Decision.refused(p.getNanosToWaitForRefill());
    }
    if (perIpPerSecond > 0) {
      ConsumptionProbe p = ips.get(address, k -> perSecond(perIpPerSecond)).tryConsumeAndReturnRemaining(1);
      if (!p.isConsumed()) return Decision.refused(p.getNanosToWaitForRefill());
    }
    return Decision.OK;
  }

  /** Whether this address may try to authenticate now (it has failures left). Consumes nothing. */
  public Decision mayAuthenticate(String address) {
    if (authFailuresPerMinute <= 0) return Decision.OK;
    Bucket b = failures.getIfPresent(address);
    if (b == null) return Decision.OK;
    var probe = b.estimateAbilityToConsume(1);
    return probe.canBeConsumed() ? Decision.OK : Decision.refused(probe.getNanosToWaitForRefill());
  }

  /** Counts one failed authentication of this address. */
  public void failed(String address) {
    if (authFailuresPerMinute <= 0) return;
    failures.get(address, k -> Bucket.builder()
        .addLimit(l -> l.capacity(authFailuresPerMinute).refillGreedy(authFailuresPerMinute, Duration.ofMinutes(1)))
        .build()).tryConsume(1);
  }

  private static Bucket perSecond(int rate) {
    return Bucket.builder().addLimit(l -> l.capacity(2L * rate).refillGreedy(rate, Duration.ofSeconds(1))).build();
  }

  /**
   * The bucket key of a verified token: its tenant and the end of its signature, which differs
   * for every token (two tokens of the same subject issued in the same second share nothing).
   */
  public static String tokenKey(Principal p, String token) {
    int dot = token.lastIndexOf('.');
    String signature = dot < 0 ? token : token.substring(dot + 1);
    return p.tenant() + "\n" + (signature.length() > 32 ? signature.substring(signature.length() - 32) : signature);
  }
}
