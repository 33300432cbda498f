package io.cxpulse.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Issues and verifies ES256 tokens. Only the asymmetric algorithm is registered, so an HS256 token
 * "signed" with the public key is refused; {@code exp} is required (the library checks it only
 * when present); {@code iss} and {@code aud} are always checked.
 */
public final class Tokens implements TokenVerifier {
  private static final int LEEWAY_SECONDS = 30;

  private final JWTAuth jwt;
  private final String issuer;
  private final String audience;
  private final String keyId;

  public Tokens(Vertx vertx, SigningKeys keys, String issuer, String audience) {
    this.issuer = issuer;
    this.audience = audience;
    this.keyId = keys.keyId();
    JWTAuthOptions options = new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("ES256").setId(keyId).setBuffer(keys.publicPem()))
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("ES256").setId(keyId).setBuffer(keys.privatePem()))
        .setJWTOptions(new JWTOptions().setIssuer(issuer).setAudience(List.of(audience)).setLeeway(LEEWAY_SECONDS));
    this.jwt = JWTAuth.create(vertx, options);
  }

  public String issue(String subject, String tenant, Collection<String> roles, Collection<String> touchpoints, Duration ttl) {
    JsonObject claims = new JsonObject()
        .put("sub", subject)
        .put("tenant", tenant)
        .put("roles", new JsonArray(List.copyOf(roles)));
    if (touchpoints != null) claims.put("touchpoints", new JsonArray(List.copyOf(touchpoints)));
    return jwt.generateToken(claims, new JWTOptions()
        .setAlgorithm("ES256")
        .setIssuer(issuer)
        .setAudience(List.of(audience))
        .setExpiresInSeconds((int) Math.min(Integer.MAX_VALUE, ttl.toSeconds()))
        .setHeader(new JsonObject().put("kid", keyId)));
  }

  /** Fails with {@link SecurityException} for any token that is not ours, not current or malformed. */
  @Override
  public Future<Principal> verify(String token) {
    if (token == null || token.isBlank() || token.length() > 8192) {
      return Future.failedFuture(new SecurityException("missing token"));
    }
    // One token, one spelling: exactly three parts and a raw 64-byte ES256 signature (RFC 7518
    // §3.4). The library would also take a DER signature, an extra byte or a trailing dot.
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3 || !signatureIs64Bytes(parts[2])) {
      return Future.failedFuture(new SecurityException("malformed token"));
    }
    Future<io.vertx.ext.auth.User> authenticated;
    try {
      authenticated = jwt.authenticate(new TokenCredentials(token));
    } catch (RuntimeException e) {
      // The library reads exp/iat/nbf/aud with casts outside its own error handling.
      return Future.failedFuture(new SecurityException("invalid token claims"));
    }
    return authenticated
        .recover(err -> Future.failedFuture(new SecurityException("invalid token: " + err.getMessage())))
        .compose(user -> {
          // The library moves exp/iat out of the principal; the decoded token is kept in the attributes.
          JsonObject claims = user.attributes().getJsonObject("accessToken", new JsonObject());
          if (!(claims.getValue("exp") instanceof Number)) {
            return Future.failedFuture(new SecurityException("token without exp"));
          }
          if (!(claims.getValue("tenant") instanceof String tenant) || tenant.isBlank()) {
            return Future.failedFuture(new SecurityException("token without tenant"));
          }
          Set<String> roles = strings(claims.getValue("roles"));
          if (roles == null || roles.isEmpty()) {
            return Future.failedFuture(new SecurityException("token without roles"));
          }
          Set<String> touchpoints = claims.containsKey("touchpoints") ? strings(claims.getValue("touchpoints")) : null;
          if (claims.containsKey("touchpoints") && touchpoints == null) {
            return Future.failedFuture(new SecurityException("touchpoints claim is not an array of codes"));
          }
          return Future.succeededFuture(new Principal(claims.getString("sub"), tenant, Set.copyOf(roles),
              touchpoints == null ? null : Set.copyOf(touchpoints), ((Number) claims.getValue("exp")).longValue()));
        });
  }

  private static boolean signatureIs64Bytes(String part) {
    try {
      return java.util.Base64.getUrlDecoder().decode(part).length == 64 && !part.contains("=");
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
