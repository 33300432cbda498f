package io.cxpulse.security;

import static io.cxpulse.security.Jws.claims;
import static io.cxpulse.security.Jws.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cxpulse.testing.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Keys: PEM files with kids, a JWKS with rotation and outages, and no start without a usable key")
class KeysTest {
  private static Vertx vertx;
  private static HttpServer jwksServer;
  private static final AtomicReference<String> jwks = new AtomicReference<>();
  private static final AtomicInteger jwksStatus = new AtomicInteger(200);
  private static final AtomicInteger fetches = new AtomicInteger();

  @TempDir
  static Path dir;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    jwksServer = vertx.createHttpServer().requestHandler(req -> {
      fetches.incrementAndGet();
      req.response().setStatusCode(jwksStatus.get()).putHeader("Content-Type", "application/json").end(jwks.get());
    }).listen(0).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() {
    vertx.close();
  }

  private static String jwksUrl() {
    return "http://localhost:" + jwksServer.actualPort() + "/.well-known/jwks.json";
  }

  private static byte[] unsigned(BigInteger v, int len) {
    byte[] b = v.toByteArray();
    if (len <= 0) return b[0] == 0 && b.length > 1 ? java.util.Arrays.copyOfRange(b, 1, b.length) : b;
    byte[] out = new byte[len];
    int n = Math.min(b.length, len);
    System.arraycopy(b, b.length - n, out, len - n, n);
    return out;
  }

  private static JsonObject jwk(String kid, KeyPair pair) {
    if (pair.getPublic() instanceof ECPublicKey ec) {
      return new JsonObject().put("kty", "EC").put("crv", "P-256").put("kid", kid).put("use", "sig").put("alg", "ES256")
          .put("x", Jws.B64.encodeToString(unsigned(ec.getW().getAffineX(), 32)))
          .put("y", Jws.B64.encodeToString(unsigned(ec.getW().getAffineY(), 32)));
    }
    RSAPublicKey rsa = (RSAPublicKey) pair.getPublic();
    return new JsonObject().put("kty", "RSA").put("kid", kid).put("use", "sig")
        .put("n", Jws.B64.encodeToString(unsigned(rsa.getModulus(), 0)))
        .put("e", Jws.B64.encodeToString(unsigned(rsa.getPublicExponent(), 0)));
  }

  private static String set(JsonObject... keys) {
    return new JsonObject().put("keys", new JsonArray(java.util.List.of((Object[]) keys))).encode();
  }

  private static int scorecards(TestServer s, String token) {
    return s.get("/api/v1/scorecards?window=1h", token).statusCode();
  }

  @Test
  @DisplayName("JWKS: a key from it works; a symmetric (oct) entry is ignored; after rotation the new kid works at once, the removed kid and an unknown kid are 401; an outage keeps the last keys")
  void jwksRotation() {
    KeyPair k1 = Jws.ec();
    KeyPair k2 = Jws.rsa();
    byte[] secret = "shared-secret-shared-secret-1234".getBytes(StandardCharsets.US_ASCII);
    JsonObject oct = new JsonObject().put("kty", "oct").put("kid", "sym").put("k", Jws.B64.encodeToString(secret)).put("alg", "HS256");
    jwks.set(set(jwk("k1", k1), oct));
    jwksStatus.set(200);
    try (TestServer s = TestServer.start(Map.of("JWKS_URL", jwksUrl(), "JWKS_MIN_REFRESH_SECONDS", "0"))) {
      assertThat(scorecards(s, Jws.es256(header("ES256", "k1"), claims("acme", 300, "viewer"), k1.getPrivate()))).isEqualTo(200);
      assertThat(scorecards(s, Jws.hs256(header("HS256", "sym"), claims("acme", 300, "viewer"), secret))).isEqualTo(401);
      // No signing key configured: device tokens cannot be issued (JWKS holds public keys only).
      String admin = Jws.es256(header("ES256", "k1"), claims("acme", 300, "admin"), k1.getPrivate());
      assertThat(s.postJson("/api/v1/devices", admin, "{\"name\":\"tv\"}").statusCode()).isEqualTo(409);

      jwks.set(set(jwk("k2", k2)));
      assertThat(scorecards(s, Jws.rs256(header("RS256", "k2"), claims("acme", 300, "viewer"), k2.getPrivate()))).isEqualTo(200);
      assertThat(scorecards(s, Jws.es256(header("ES256", "k1"), claims("acme", 300, "viewer"), k1.getPrivate()))).isEqualTo(401);
      assertThat(scorecards(s, Jws.es256(header("ES256", "k3"), claims("acme", 300, "viewer"), Jws.ec().getPrivate()))).isEqualTo(401);
      // RS256 header on the EC kid, or ES256 on the RSA kid: the algorithm must be the key's.
      assertThat(scorecards(s, Jws.es256(header("ES256", "k2"), claims("acme", 300, "viewer"), k1.getPrivate()))).isEqualTo(401);

      jwksStatus.set(500);
      int before = fetches.get();
      assertThat(scorecards(s, Jws.es256(header("ES256", "k9"), claims("acme", 300, "viewer"), Jws.ec().getPrivate()))).isEqualTo(401);
      assertThat(fetches.get()).isGreaterThan(before);
      assertThat(scorecards(s, Jws.rs256(header("RS256", "k2"), claims("acme", 300, "viewer"), k2.getPrivate()))).isEqualTo(200);
    }
  }

  @Test
  @DisplayName("with JWKS_MIN_REFRESH_SECONDS=60 a burst of unknown kids fetches the JWKS at most once more")
  void unknownKidDoesNotHammer() {
    KeyPair k1 = Jws.ec();
    jwks.set(set(jwk("k1", k1)));
    jwksStatus.set(200);
    try (TestServer s = TestServer.start(Map.of("JWKS_URL", jwksUrl()))) {
      int before = fetches.get();
      for (int i = 0; i < 10; i++) {
        assertThat(scorecards(s, Jws.es256(header("ES256", "nope-" + i), claims("acme", 300, "viewer"), k1.getPrivate()))).isEqualTo(401);
      }
      assertThat(fetches.get() - before).isLessThanOrEqualTo(1);
    }
  }

  @Test
  @DisplayName("the server refuses to start with a JWKS that has no usable key, an unreachable JWKS, a non-key PEM, or a private key that does not match its kid")
  void refusesToStart() throws Exception {
    jwks.set(set(new JsonObject().put("kty", "oct").put("kid", "sym").put("k", "c2VjcmV0")));
    jwksStatus.set(200);
    assertThatThrownBy(() -> TestServer.start(Map.of("JWKS_URL", jwksUrl()))).hasMessageContaining("no usable verification key");
    assertThatThrownBy(() -> TestServer.start(Map.of("JWKS_URL", "http://localhost:1/jwks.json")))
        .hasMessageContaining("no usable verification key");
    Path secret = dir.resolve("secret.pem");
    Files.writeString(secret, "just-a-shared-secret\n");
    assertThatThrownBy(() -> TestServer.start(Map.of("JWT_PUBLIC_KEYS", secret.toString()))).isInstanceOf(IllegalStateException.class);
    KeyPair a = Jws.ec();
    KeyPair b = Jws.ec();
    Path aPub = dir.resolve("a.pem");
    Path bPriv = dir.resolve("b-private.pem");
    Files.writeString(aPub, Jws.pem("PUBLIC KEY", a.getPublic().getEncoded()));
    Files.writeString(bPriv, Jws.pem("PRIVATE KEY", b.getPrivate().getEncoded()));
    assertThatThrownBy(() -> TestServer.start(Map.of("JWT_PUBLIC_KEYS", aPub.toString(), "JWT_PRIVATE_KEY", bPriv.toString(),
        "JWT_KEY_ID", "a"))).hasMessageContaining("does not match");
  }

  @Test
  @DisplayName("PEM files: kids from file names or kid=path; with two keys a token needs its kid; the private key signs device tokens that verify")
  void pemFiles() throws Exception {
    KeyPair a = Jws.ec();
    KeyPair b = Jws.rsa();
    Path aPub = dir.resolve("alpha.pem");
    Path bPub = dir.resolve("beta-public.pem");
    Path aPriv = dir.resolve("alpha-private.pem");
    Files.writeString(aPub, Jws.pem("PUBLIC KEY", a.getPublic().getEncoded()));
    Files.writeString(bPub, Jws.pem("PUBLIC KEY", b.getPublic().getEncoded()));
    Files.writeString(aPriv, Jws.pem("PRIVATE KEY", a.getPrivate().getEncoded()));
    try (TestServer s = TestServer.start(Map.of("JWT_PUBLIC_KEYS", aPub + ",beta=" + bPub, "JWT_PRIVATE_KEY", aPriv.toString(),
        "JWT_KEY_ID", "alpha"))) {
      assertThat(scorecards(s, Jws.es256(header("ES256", "alpha"), claims("acme", 300, "viewer"), a.getPrivate()))).isEqualTo(200);
      assertThat(scorecards(s, Jws.rs256(header("RS256", "beta"), claims("acme", 300, "viewer"), b.getPrivate()))).isEqualTo(200);
      assertThat(scorecards(s, Jws.es256(header("ES256", null), claims("acme", 300, "viewer"), a.getPrivate()))).isEqualTo(401);
      assertThat(scorecards(s, Jws.rs256(header("RS256", "alpha"), claims("acme", 300, "viewer"), b.getPrivate()))).isEqualTo(401);
      // The development key is not used when keys are configured.
      assertThat(Files.exists(Path.of(s.env().get("DATA_DIR"), "keys"))).isFalse();
      var r = s.postJson("/api/v1/devices", s.token("acme", "admin"), "{\"name\":\"tv\"}");
      assertThat(r.statusCode()).isEqualTo(201);
      assertThat(scorecards(s, new JsonObject(r.body()).getString("token"))).isEqualTo(200);
    }
  }
}
