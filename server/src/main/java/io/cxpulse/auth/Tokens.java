package io.cxpulse.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Issues and verifies tokens. The traps of the JWT library are closed here, before and after it
 * runs:
 * <ul>
 *   <li>the header is read first: only {@code ES256} and {@code RS256} pass (so {@code none} and an
 *       HS256 token "signed" with the public key never reach the library), no embedded keys, no
 *       {@code crit};</li>
 *   <li>the key is chosen by us from the {@link KeyRing} by {@code kid} (required when there is more
 *       than one key; an unknown kid first refreshes the JWKS), and the library gets a JWTAuth that
 *       holds exactly that one key, so it is never "unsecure";</li>
 *   <li>{@code exp} is required, {@code iat}/{@code nbf} are honoured within the clock skew (an
 *       {@code iat} in the future is refused), {@code iss} and {@code aud} always checked, and the
 *       lifetime is capped per role ({@link TokenPolicy}).</li>
 * </ul>
 * One instance per HTTP verticle (the library verifies under a lock per JWTAuth); thread-safe.
 */
public final class Tokens implements TokenVerifier {
  private static final Base64.Decoder B64 = Base64.getUrlDecoder();
  private static final Set<String> FORBIDDEN_HEADERS = Set.of("crit", "jwk", "jku", "x5u", "x5c");

  private final Vertx vertx;
  private final KeyRing ring;
  private final TokenPolicy policy;
  private final JWTAuth signer;
  private final Map<KeyRing.VerificationKey, JWTAuth> verifiers = new ConcurrentHashMap<>();

  /** The development setup: one key pair, default lifetime caps. */
  public Tokens(Vertx vertx, SigningKeys keys, String issuer, String audience) {
    this(vertx, KeyRing.development(keys), TokenPolicy.defaults(issuer, audience));
  }

  public Tokens(Vertx vertx, KeyRing ring, TokenPolicy policy) {
    this.vertx = vertx;
    this.ring = ring;
    this.policy = policy;
    KeyRing.SigningKey key = ring.signer();
    this.signer = key == null ? null : JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm(key.alg()).setId(key.kid()).setBuffer(key.privatePem())));
  }

  public TokenPolicy policy() {
    return policy;
  }

  public boolean canIssue() {
    return signer != null;
  }

  /**
   * A token for a service or a person. The lifetime is shortened to the cap of the roles (the
   * CLI refuses a longer --ttl before it gets here; callers in the server pass what they need).
   */
  public String issue(String subject, String tenant, Collection<String> roles, Collection<String> touchpoints, Duration ttl) {
    return issue(subject, tenant, roles, touchpoints, ttl, false);
  }

  /** @param knownSegmentsOnly claim {@code "segments": "known"}: the token may send only known segment values */
  public String issue(String subject, String tenant, Collection<String> roles, Collection<String> touchpoints, Duration ttl,
      boolean knownSegmentsOnly) {
    JsonObject claims = new JsonObject().put("sub", subject).put("tenant", tenant).put("roles", new JsonArray(List.copyOf(roles)));
    if (touchpoints != null) claims.put("touchpoints", new JsonArray(List.copyOf(touchpoints)));
    if (knownSegmentsOnly) claims.put("segments", "known");
    return sign(claims, min(ttl, policy.cap(roles, false)));
  }

  /** A wall-screen token: role viewer, {@code jti} = the device id, revocable. */
  public String issueDevice(String tenant, String id, Collection<String> touchpoints, Duration ttl) {
    JsonObject claims = new JsonObject().put("sub", "device:" + id).put("tenant", tenant)
        .put("roles", new JsonArray().add(Principal.VIEWER)).put("jti", id).put("device", true);
    if (touchpoints != null) claims.put("touchpoints", new JsonArray(List.copyOf(touchpoints)));
    return sign(claims, min(ttl, policy.deviceCap()));
  }

  private String sign(JsonObject claims, Duration ttl) {
    if (signer == null) {
      throw new IllegalStateException("no signing key: set JWT_PRIVATE_KEY and JWT_KEY_ID to issue tokens");
    }
    KeyRing.SigningKey key = ring.signer();
    return signer.generateToken(claims, new JWTOptions()
        .setAlgorithm(key.alg())
        .setIssuer(policy.issuer())
        .setAudience(List.of(policy.audience()))
        .setExpiresInSeconds((int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, ttl.toSeconds())))
        .setHeader(new JsonObject().put("kid", key.kid())));
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /** Fails with {@link SecurityException} for any token that is not ours, not current or malformed. */
  @Override
  public Future<Principal> verify(String token) {
    if (token == null || token.isBlank() || token.length() > 8192) return refuse("missing token");
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3) return refuse("malformed token");
    JsonObject header = json(parts[0]);
    if (header == null) return refuse("malformed token header");
    if (!(header.getValue("alg") instanceof String alg) || !(alg.equals(KeyRing.ES256) || alg.equals(KeyRing.RS256))) {
      return refuse("algorithm not allowed");
    }
    for (String name : FORBIDDEN_HEADERS) {
      if (header.containsKey(name)) return refuse("header " + name + " not allowed");
    }
    Object kidValue = header.getValue("kid");
    if (kidValue != null && !(kidValue instanceof String)) return refuse("kid is not a string");
    String kid = (String) kidValue;
    if (kid == null) {
      KeyRing.VerificationKey only = ring.single();
      return only == null ? refuse("token without kid, and more than one key is configured") : verify(token, parts, alg, only);
    }
    KeyRing.VerificationKey key = ring.find(kid);
    if (key != null) return verify(token, parts, alg, key);
    return ring.refreshForUnknownKid().compose(v -> {
      KeyRing.VerificationKey fresh = ring.find(kid);
      return fresh == null ? refuse("unknown kid") : verify(token, parts, alg, fresh);
    });
  }

  private Future<Principal> verify(String token, String[] parts, String alg, KeyRing.VerificationKey key) {
    if (!alg.equals(key.alg())) return refuse("algorithm does not match the key");
    // One token, one spelling: the JWS signature length of the key (64-byte R||S for ES256, RFC
    // 7518 §3.4). The library would also take a DER signature or an extra byte.
    if (parts[2].contains("=") || !decodes(parts[2], key.signatureBytes())) return refuse("malformed signature");
    JsonObject claims = json(parts[1]);
    if (claims == null) return refuse("malformed token payload");
    String claimError = checkClaims(claims, System.currentTimeMillis() / 1000);
    if (claimError != null) return refuse(claimError);
    Future<io.vertx.ext.auth.User> authenticated;
    try {
      authenticated = verifiers.computeIfAbsent(key, this::jwtFor).authenticate(new TokenCredentials(token));
    } catch (RuntimeException e) {
      return refuse("invalid token claims");
    }
    return authenticated
        .recover(err -> refuse("invalid token: " + err.getMessage()))
        .compose(user -> principal(claims));
  }

  private JWTAuth jwtFor(KeyRing.VerificationKey key) {
    return JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm(key.alg()).setId(key.kid()).setBuffer(key.pem()))
        .setJWTOptions(new JWTOptions().setIssuer(policy.issuer()).setAudience(List.of(policy.audience()))
            .setLeeway((int) policy.skewSeconds())));
  }

  /** Our own checks of the registered claims (the library's are a second line). Null when fine. */
  String checkClaims(JsonObject claims, long now) {
    long skew = policy.skewSeconds();
    if (!(claims.getValue("exp") instanceof Number expN)) return "token without exp";
    for (String name : List.of("iat", "nbf")) {
      if (claims.containsKey(name) && !(claims.getValue(name) instanceof Number)) return name + " is not a number";
    }
    long exp = expN.longValue();
    if (exp <= now - skew) return "token expired";
    Long iat = claims.getValue("iat") instanceof Number n ? n.longValue() : null;
    Long nbf = claims.getValue("nbf") instanceof Number n ? n.longValue() : null;
    if (iat != null && iat > now + skew) return "token issued in the future";
    if (nbf != null && nbf > now + skew) return "token not yet valid";
    if (!policy.issuer().equals(claims.getValue("iss"))) return "wrong issuer";
    Object aud = claims.getValue("aud");
    boolean audOk = aud instanceof String s ? s.equals(policy.audience())
        : aud instanceof JsonArray arr && arr.contains(policy.audience());
    if (!audOk) return "wrong audience";
    long start = Math.max(iat == null ? Long.MIN_VALUE : iat, nbf == null ? Long.MIN_VALUE : nbf);
    if (start == Long.MIN_VALUE) start = now;
    Set<String> roles = strings(claims.getValue("roles"));
    boolean device = Boolean.TRUE.equals(claims.getValue("device"));
    Duration cap = policy.cap(roles == null ? Set.of() : roles, device);
    if (exp - start > cap.toSeconds()) return "token lifetime exceeds the cap of its role";
    return null;
  }

  private Future<Principal> principal(JsonObject claims) {
    if (!(claims.getValue("tenant") instanceof String tenant) || tenant.isBlank()) return refuse("token without tenant");
    Set<String> roles = strings(claims.getValue("roles"));
    if (roles == null || roles.isEmpty()) return refuse("token without roles");
    Set<String> touchpoints = claims.containsKey("touchpoints") ? strings(claims.getValue("touchpoints")) : null;
    if (claims.containsKey("touchpoints") && touchpoints == null) return refuse("touchpoints claim is not an array of codes");
    Object jti = claims.getValue("jti");
    if (jti != null && !(jti instanceof String)) return refuse("jti is not a string");
    Object device = claims.getValue("device");
    if (device != null && !(device instanceof Boolean)) return refuse("device is not a boolean");
    boolean isDevice = Boolean.TRUE.equals(device);
    if (isDevice && (jti == null || !roles.equals(Set.of(Principal.VIEWER)))) return refuse("device token without jti or not viewer-only");
    Object segments = claims.getValue("segments");
    if (segments != null && !"known".equals(segments)) return refuse("segments claim is not \"known\"");
    Object sub = claims.getValue("sub");
    return Future.succeededFuture(new Principal(sub instanceof String s ? s : null, tenant, Set.copyOf(roles),
        touchpoints == null ? null : Set.copyOf(touchpoints), ((Number) claims.getValue("exp")).longValue(),
        (String) jti, isDevice, segments != null));
  }

  private static <T> Future<T> refuse(String why) {
    return Future.failedFuture(new SecurityException(why));
  }

  private static JsonObject json(String part) {
    if (part.isEmpty() || part.contains("=")) return null;
    try {
      return new JsonObject(new String(B64.decode(part), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException | DecodeException | ClassCastException e) {
      return null;
    }
  }

  private static boolean decodes(String part, int length) {
    try {
      return B64.decode(part).length == length;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static Set<String> strings(Object value) {
    if (!(value instanceof JsonArray arr)) return null;
    Set<String> out = new LinkedHashSet<>();
    for (Object o : arr) {
      if (!(o instanceof String s)) return null;
      out.add(s);
    }
    return out;
  }
}
