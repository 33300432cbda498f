package io.cxpulse.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Attacks on {@link Tokens#verify}. Every token below is built by hand (base64url JSON segments,
 * signed with plain JDK crypto), never with the JWT library or {@link Tokens#issue}, except where a
 * test says it round-trips. The server's key pair is created by {@link SigningKeys#loadOrGenerate}
 * exactly as at start-up and read back from its PEM files with {@link KeyFactory}.
 */
class TokensTest {
  private static final String ISSUER = "cxpulse";
  private static final String AUDIENCE = "cxpulse";
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();

  @TempDir
  static Path dataDir;

  private static Vertx vertx;
  private static SigningKeys keys;
  private static Tokens tokens;
  private static PrivateKey serverPrivate;
  private static PublicKey serverPublic;
  private static String publicPemText;
  private static byte[] publicDer;
  private static KeyPair otherKey;

  @BeforeAll
  static void setUp() throws Exception {
    vertx = Vertx.vertx();
    keys = SigningKeys.loadOrGenerate(dataDir);
    tokens = new Tokens(vertx, keys, ISSUER, AUDIENCE);

    Path keyDir = dataDir.resolve("keys");
    String privatePemText = Files.readString(keyDir.resolve("jwt-es256-private.pem"), StandardCharsets.US_ASCII);
    publicPemText = Files.readString(keyDir.resolve("jwt-es256-public.pem"), StandardCharsets.US_ASCII);
    KeyFactory ec = KeyFactory.getInstance("EC");
    serverPrivate = ec.generatePrivate(new PKCS8EncodedKeySpec(pemBody(privatePemText)));
    publicDer = pemBody(publicPemText);
    serverPublic = ec.generatePublic(new X509EncodedKeySpec(publicDer));

    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    otherKey = generator.generateKeyPair();
  }

  @AfterAll
  static void tearDown() throws Exception {
    if (vertx != null) vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  // ---------------------------------------------------------------------------------------------
  // Tokens that must be accepted
  // ---------------------------------------------------------------------------------------------

  @Nested
  @DisplayName("Valid tokens")
  class Valid {

    @Test
    @DisplayName("the test's own JDK helper produces raw R||S ES256 signatures that the JDK accepts in P1363 form")
    void helperSanity() throws Exception {
      String token = es256(header(), claims(), serverPrivate);
      String[] parts = token.split("\\.", -1);
      byte[] raw = B64D.decode(parts[2]);
      assertThat(raw).hasSize(64);
      Signature p1363 = Signature.getInstance("SHA256withECDSAinP1363Format");
      p1363.initVerify(serverPublic);
      p1363.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
      assertThat(p1363.verify(raw)).isTrue();
    }

    @Test
    @DisplayName("a token the test signs with the server's private key (no kid, no touchpoints) is accepted with its tenant, roles and subject, and null touchpoints")
    void handSignedWithoutKid() {
      Principal principal = accepted(es256(header(), claims(), serverPrivate));

      assertThat(principal.subject()).isEqualTo("alice");
      assertThat(principal.tenant()).isEqualTo("acme");
      assertThat(principal.roles()).containsExactlyInAnyOrder("viewer", "manager");
      assertThat(principal.touchpoints()).isNull();
      assertThat(principal.mayAccess("anything")).isTrue();
    }

    @Test
    @DisplayName("a hand-signed token with the server's kid header and a touchpoints claim is accepted with exactly those touchpoints")
    void handSignedWithKidAndTouchpoints() {
      JsonObject header = header().put("kid", keys.keyId());
      JsonObject claims = claims().put("touchpoints", new JsonArray().add("web").add("store-12"));

      Principal principal = accepted(es256(header, claims, serverPrivate));

      assertThat(principal.tenant()).isEqualTo("acme");
      assertThat(principal.roles()).containsExactlyInAnyOrder("viewer", "manager");
      assertThat(principal.touchpoints()).containsExactlyInAnyOrder("web", "store-12");
      assertThat(principal.mayAccess("web")).isTrue();
      assertThat(principal.mayAccess("app")).isFalse();
    }

    @Test
    @DisplayName("a token from Tokens.issue verifies, carries its touchpoints, and is a standard ES256 JWS the JDK can check independently")
    void issueRoundTrip() throws Exception {
      String token = tokens.issue("bob", "acme", List.of("ingest"), List.of("kiosk-1", "kiosk-2"), Duration.ofMinutes(10));

      Principal principal = accepted(token);
      assertThat(principal.subject()).isEqualTo("bob");
      assertThat(principal.tenant()).isEqualTo("acme");
      assertThat(principal.roles()).containsExactly("ingest");
      assertThat(principal.touchpoints()).containsExactlyInAnyOrder("kiosk-1", "kiosk-2");

      // Independent check of what the server emits.
      String[] parts = token.split("\\.", -1);
      assertThat(parts).hasSize(3);
      JsonObject header = new JsonObject(new String(B64D.decode(parts[0]), StandardCharsets.UTF_8));
      JsonObject payload = new JsonObject(new String(B64D.decode(parts[1]), StandardCharsets.UTF_8));
      assertThat(header.getString("alg")).isEqualTo("ES256");
      assertThat(header.getString("kid")).isEqualTo(keys.keyId());
      assertThat(payload.getString("iss")).isEqualTo(ISSUER);
      assertThat(payload.getValue("aud")).isEqualTo(AUDIENCE);
      long now = Instant.now().getEpochSecond();
      assertThat(payload.getLong("exp")).isBetween(now + 590, now + 610);
      byte[] raw = B64D.decode(parts[2]);
      assertThat(raw).as("JWS ES256 signature is raw R||S, 64 bytes").hasSize(64);
      Signature verifier = Signature.getInstance("SHA256withECDSA");
      verifier.initVerify(serverPublic);
      verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
      assertThat(verifier.verify(rawToDer(raw))).isTrue();
    }

    @Test
    @DisplayName("a token from Tokens.issue without touchpoints verifies with null touchpoints")
    void issueRoundTripWithoutTouchpoints() {
      Principal principal = accepted(tokens.issue("carol", "acme", List.of("admin"), null, Duration.ofMinutes(5)));
      assertThat(principal.touchpoints()).isNull();
      assertThat(principal.roles()).containsExactly("admin");
    }

    @Test
    @DisplayName("an exp 10 s in the past is still inside the 60 s clock skew and accepted (documents the skew)")
    void expInsideLeeway() {
      long now = Instant.now().getEpochSecond();
      accepted(es256(header(), claims().put("exp", now - 10), serverPrivate));
    }

    @Test
    @DisplayName("an aud array that contains the configured audience is accepted (RFC 7519 allows an array)")
    void audienceArrayContainingOurs() {
      accepted(es256(header(), claims().put("aud", new JsonArray().add("other").add(AUDIENCE)), serverPrivate));
    }

    @Test
    @DisplayName("a role outside the known four verifies but grants neither read nor ingest (roles are not validated in Tokens)")
    void unknownRoleGrantsNothing() {
      Principal principal = accepted(es256(header(), claims().put("roles", new JsonArray().add("root")), serverPrivate));
      assertThat(principal.canRead()).isFalse();
      assertThat(principal.canIngest()).isFalse();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Algorithm confusion
  // ---------------------------------------------------------------------------------------------

  @Nested
  @DisplayName("Algorithm attacks")
  class Algorithms {

    @Test
    @DisplayName("alg none with an empty signature segment is refused")
    void noneEmptySignature() {
      assertRefused(unsigned(new JsonObject().put("alg", "none").put("typ", "JWT"), claims(), "."));
    }

    @Test
    @DisplayName("alg none carrying the exact payload of a valid token, with and without the trailing dot, is refused")
    void noneWithValidPayload() {
      String valid = es256(header(), claims(), serverPrivate);
      accepted(valid); // the payload really is acceptable
      String payload = valid.split("\\.")[1];
      for (String alg : List.of("none", "None", "NONE", "nOnE")) {
        String header = b64(new JsonObject().put("alg", alg).put("typ", "JWT").encode());
        assertRefused(header + "." + payload + ".");
        assertRefused(header + "." + payload);
      }
    }

    @Test
    @DisplayName("alg none with the original valid signature left in place is refused")
    void noneKeepingSignature() {
      String valid = es256(header(), claims(), serverPrivate);
      String[] parts = valid.split("\\.");
      String header = b64(new JsonObject().put("alg", "none").put("typ", "JWT").encode());
      assertRefused(header + "." + parts[1] + "." + parts[2]);
    }

    @Test
    @DisplayName("HS256 using the public key's PEM text as the HMAC secret is refused (with and without the server's kid)")
    void hs256WithPemSecret() throws Exception {
      byte[] secret = publicPemText.getBytes(StandardCharsets.US_ASCII);
      assertRefused(hs256(new JsonObject().put("alg", "HS256").put("typ", "JWT"), claims(), secret));
      assertRefused(hs256(new JsonObject().put("alg", "HS256").put("typ", "JWT").put("kid", keys.keyId()), claims(), secret));
      // also the PEM as stored in the SigningKeys record, in case it differs from the file
      assertRefused(hs256(new JsonObject().put("alg", "HS256"), claims(), keys.publicPem().getBytes(StandardCharsets.US_ASCII)));
      // and the PEM without its trailing newline
      assertRefused(hs256(new JsonObject().put("alg", "HS256"), claims(), publicPemText.strip().getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    @DisplayName("HS256 using the public key's DER bytes as the HMAC secret is refused (with and without the server's kid)")
    void hs256WithDerSecret() throws Exception {
      assertRefused(hs256(new JsonObject().put("alg", "HS256").put("typ", "JWT"), claims(), publicDer));
      assertRefused(hs256(new JsonObject().put("alg", "HS256").put("typ", "JWT").put("kid", keys.keyId()), claims(), publicDer));
      // the raw uncompressed EC point (04||X||Y) is another "public key bytes" guess
      assertRefused(hs256(new JsonObject().put("alg", "HS256"), claims(), uncompressedPoint((ECPublicKey) serverPublic)));
    }

    @Test
    @DisplayName("a header with no alg, or an alg in the wrong case, is refused even with a valid ES256 signature")
    void missingOrMiscasedAlg() {
      assertRefused(es256(new JsonObject().put("typ", "JWT"), claims(), serverPrivate));
      assertRefused(es256(new JsonObject().put("alg", "es256"), claims(), serverPrivate));
      assertRefused(es256(new JsonObject().put("alg", 256), claims(), serverPrivate));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Time claims
  // ---------------------------------------------------------------------------------------------

  @Nested
  @DisplayName("Time claims")
  class Times {

    @Test
    @DisplayName("a correctly signed token without exp is refused")
    void noExp() {
      JsonObject claims = claims();
      claims.remove("exp");
      assertRefused(es256(header(), claims, serverPrivate));
    }

    @Test
    @DisplayName("exp that is not a number (string, null, object) is refused with a failed future")
    void expNotANumber() {
      long future = Instant.now().getEpochSecond() + 600;
      assertRefused(es256(header(), claims().put("exp", Long.toString(future)), serverPrivate));
      assertRefused(es256(header(), claims().putNull("exp"), serverPrivate));
      assertRefused(es256(header(), claims().put("exp", new JsonObject().put("t", future)), serverPrivate));
    }

    @Test
    @DisplayName("iat or nbf that is not a number is refused with a failed future")
    void iatOrNbfNotANumber() {
      assertRefused(es256(header(), claims().put("iat", "yesterday"), serverPrivate));
      assertRefused(es256(header(), claims().put("nbf", "now"), serverPrivate));
    }

    @Test
    @DisplayName("a non-numeric exp on a token with a bad signature is refused cleanly (the throw needs a valid signature)")
    void expNotANumberBadSignature() {
      String signed = es256(header(), claims().put("exp", "soon"), serverPrivate);
      assertRefused(signed.substring(0, signed.lastIndexOf('.') + 1) + B64.encodeToString(new byte[64]));
      assertRefused(es256(header(), claims().put("exp", "soon"), otherKey.getPrivate()));
    }

    @Test
    @DisplayName("exp two minutes in the past (beyond the 30 s leeway) is refused")
    void expired() {
      long now = Instant.now().getEpochSecond();
      assertRefused(es256(header(), claims().put("exp", now - 120).put("iat", now - 3600), serverPrivate));
    }

    @Test
    @DisplayName("nbf two minutes in the future (beyond the 30 s leeway) is refused")
    void notYetValid() {
      long now = Instant.now().getEpochSecond();
      assertRefused(es256(header(), claims().put("nbf", now + 120), serverPrivate));
    }

    @Test
    @DisplayName("iat an hour in the future is refused: vertx-auth-jwt 5.0.7 treats iat > now + leeway as invalid")
    void issuedInTheFuture() {
      long now = Instant.now().getEpochSecond();
      assertRefused(es256(header(), claims().put("iat", now + 3600).put("exp", now + 7200), serverPrivate));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Issuer, audience and the application claims
  // ---------------------------------------------------------------------------------------------

  @Nested
  @DisplayName("Issuer, audience and application claims")
  class Claims {

    @Test
    @DisplayName("a wrong, missing or non-string iss is refused")
    void wrongIssuer() {
      assertRefused(es256(header(), claims().put("iss", "someone-else"), serverPrivate));
      assertRefused(es256(header(), claims().put("iss", "CXPULSE"), serverPrivate));
      JsonObject noIss = claims();
      noIss.remove("iss");
      assertRefused(es256(header(), noIss, serverPrivate));
      assertRefused(es256(header(), claims().put("iss", new JsonArray().add(ISSUER)), serverPrivate));
    }

    @Test
    @DisplayName("a wrong or missing aud, or an aud array without ours, is refused")
    void wrongAudience() {
      assertRefused(es256(header(), claims().put("aud", "someone-else"), serverPrivate));
      JsonObject noAud = claims();
      noAud.remove("aud");
      assertRefused(es256(header(), noAud, serverPrivate));
      assertRefused(es256(header(), claims().put("aud", new JsonArray().add("a").add("b")), serverPrivate));
      assertRefused(es256(header(), claims().put("aud", new JsonArray()), serverPrivate));
    }

    @Test
    @DisplayName("an aud that is neither a string nor an array (number, object) is refused with a failed future")
    void audienceOfWrongType() {
      assertRefused(es256(header(), claims().put("aud", 5), serverPrivate));
      assertRefused(es256(header(), claims().put("aud", new JsonObject().put("cxpulse", true)), serverPrivate));
    }

    @Test
    @DisplayName("a missing, null, blank or non-string tenant is refused")
    void badTenant() {
      JsonObject noTenant = claims();
      noTenant.remove("tenant");
      assertRefused(es256(header(), noTenant, serverPrivate));
      assertRefused(es256(header(), claims().putNull("tenant"), serverPrivate));
      assertRefused(es256(header(), claims().put("tenant", ""), serverPrivate));
      assertRefused(es256(header(), claims().put("tenant", "   "), serverPrivate));
      assertRefused(es256(header(), claims().put("tenant", 42), serverPrivate));
      assertRefused(es256(header(), claims().put("tenant", new JsonArray().add("acme")), serverPrivate));
      assertRefused(es256(header(), claims().put("tenant", new JsonObject().put("id", "acme")), serverPrivate));
      assertRefused(es256(header(), claims().put("tenant", true), serverPrivate));
    }

    @Test
    @DisplayName("roles missing, null, empty, a bare string, or an array holding non-strings is refused")
    void badRoles() {
      JsonObject noRoles = claims();
      noRoles.remove("roles");
      assertRefused(es256(header(), noRoles, serverPrivate));
      assertRefused(es256(header(), claims().putNull("roles"), serverPrivate));
      assertRefused(es256(header(), claims().put("roles", new JsonArray()), serverPrivate));
      assertRefused(es256(header(), claims().put("roles", "admin"), serverPrivate));
      assertRefused(es256(header(), claims().put("roles", new JsonArray().add(1)), serverPrivate));
      assertRefused(es256(header(), claims().put("roles", new JsonArray().add("viewer").add(7)), serverPrivate));
      assertRefused(es256(header(), claims().put("roles", new JsonArray().add("viewer").addNull()), serverPrivate));
      assertRefused(es256(header(), claims().put("roles", new JsonArray().add(new JsonArray().add("admin"))), serverPrivate));
      assertRefused(es256(header(), claims().put("roles", new JsonObject().put("admin", true)), serverPrivate));
    }

    @Test
    @DisplayName("touchpoints that are present but not an array of strings (string, null, object, numbers) are refused")
    void badTouchpoints() {
      assertRefused(es256(header(), claims().put("touchpoints", "web,app"), serverPrivate));
      assertRefused(es256(header(), claims().putNull("touchpoints"), serverPrivate));
      assertRefused(es256(header(), claims().put("touchpoints", new JsonObject().put("web", true)), serverPrivate));
      assertRefused(es256(header(), claims().put("touchpoints", new JsonArray().add(1)), serverPrivate));
      assertRefused(es256(header(), claims().put("touchpoints", new JsonArray().add("web").addNull()), serverPrivate));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Signatures
  // ---------------------------------------------------------------------------------------------

  @Nested
  @DisplayName("Signature attacks")
  class Signatures {

    @Test
    @DisplayName("a token signed by a different EC key is refused, with or without the server's kid")
    void differentKey() {
      assertRefused(es256(header(), claims(), otherKey.getPrivate()));
      assertRefused(es256(header().put("kid", keys.keyId()), claims(), otherKey.getPrivate()));
    }

    @Test
    @DisplayName("a token signed by a different key that embeds that key as a jwk header, or points at it via jku, is refused")
    void embeddedJwk() {
      ECPublicKey attacker = (ECPublicKey) otherKey.getPublic();
      JsonObject jwk = new JsonObject()
          .put("kty", "EC").put("crv", "P-256")
          .put("x", B64.encodeToString(fixed32(attacker.getW().getAffineX())))
          .put("y", B64.encodeToString(fixed32(attacker.getW().getAffineY())));
      assertRefused(es256(header().put("jwk", jwk), claims(), otherKey.getPrivate()));
      assertRefused(es256(header().put("jku", "https://attacker.example/jwks.json"), claims(), otherKey.getPrivate()));
    }

    @Test
    @DisplayName("a valid token with any one byte of its signature changed is refused")
    void flippedSignatureByte() {
      String valid = es256(header(), claims(), serverPrivate);
      accepted(valid);
      String[] parts = valid.split("\\.");
      byte[] sig = B64D.decode(parts[2]);
      for (int i : new int[] {0, 1, 17, 31, 32, 33, 50, 63}) {
        byte[] changed = sig.clone();
        changed[i] ^= 0x01;
        assertRefused(parts[0] + "." + parts[1] + "." + B64.encodeToString(changed));
      }
    }

    @Test
    @DisplayName("a truncated, too long, empty, missing, non-base64 or all-zero signature (CVE-2022-21449 'psychic signature') is refused")
    void malformedSignatures() {
      String valid = es256(header(), claims(), serverPrivate);
      String[] parts = valid.split("\\.");
      String input = parts[0] + "." + parts[1];
      byte[] sig = B64D.decode(parts[2]);
      assertRefused(input + "." + B64.encodeToString(Arrays.copyOf(sig, 63)));
      assertRefused(input + "." + B64.encodeToString(Arrays.copyOf(sig, 66)));
      assertRefused(input + "." + B64.encodeToString(Arrays.copyOf(sig, 128)));
      assertRefused(input + "." + B64.encodeToString(new byte[64]));
      assertRefused(input + "." + B64.encodeToString(new byte[0]));
      assertRefused(input + ".");
      assertRefused(input);
      assertRefused(input + ".!!!not-base64!!!");
      assertRefused(valid + "=");
      assertRefused(valid + ".x");
    }

    @Test
    @DisplayName("a valid signature re-encoded in a form other than 64-byte R||S (65th trailing byte, DER) is refused")
    void reencodedSignature() {
      String valid = es256(header(), claims(), serverPrivate);
      String[] parts = valid.split("\\.");
      String input = parts[0] + "." + parts[1];
      byte[] sig = B64D.decode(parts[2]);
      byte[] longer = Arrays.copyOf(sig, 65);
      longer[64] = (byte) 0xab;
      assertRefused(input + "." + B64.encodeToString(longer));
      assertRefused(input + "." + B64.encodeToString(rawToDer(sig)));
    }

    @Test
    @DisplayName("a valid token followed by a trailing '.' (an empty fourth segment) is refused")
    void trailingDot() {
      String valid = es256(header(), claims(), serverPrivate);
      assertRefused(valid + ".");
    }

    @Test
    @DisplayName("a payload changed after signing (other tenant, admin role, later exp) is refused")
    void payloadChangedAfterSigning() {
      String valid = es256(header(), claims(), serverPrivate);
      String[] parts = valid.split("\\.");
      long now = Instant.now().getEpochSecond();
      for (JsonObject forged : List.of(
          claims().put("tenant", "globex"),
          claims().put("roles", new JsonArray().add("admin")),
          claims().put("exp", now + 10 * 365 * 24 * 3600L))) {
        assertRefused(parts[0] + "." + b64(forged.encode()) + "." + parts[2]);
      }
    }

    @Test
    @DisplayName("a header changed after signing is refused")
    void headerChangedAfterSigning() {
      String valid = es256(header(), claims(), serverPrivate);
      String[] parts = valid.split("\\.");
      String otherHeader = b64(header().put("kid", keys.keyId()).encode());
      assertRefused(otherHeader + "." + parts[1] + "." + parts[2]);
    }

    @Test
    @DisplayName("a correctly signed token that names a kid the server does not have is refused")
    void unknownKid() {
      assertRefused(es256(header().put("kid", "not-our-key"), claims(), serverPrivate));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Garbage and other verifiers
  // ---------------------------------------------------------------------------------------------

  static Stream<Arguments> garbage() {
    return Stream.of(
        Arguments.of("null", null),
        Arguments.of("empty", ""),
        Arguments.of("blank", "   "),
        Arguments.of("abc", "abc"),
        Arguments.of("a.b.c", "a.b.c"),
        Arguments.of("dots only", ".."),
        Arguments.of("four segments", "a.b.c.d"),
        Arguments.of("JSON that is not an object", b64("[1,2]") + "." + b64("[3]") + "." + b64("x")),
        Arguments.of("10,000 characters", "a".repeat(10_000)),
        Arguments.of("10,000 characters in three segments", "a".repeat(3_333) + "." + "b".repeat(3_333) + "." + "c".repeat(3_332)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("garbage")
  @DisplayName("garbage strings are refused with SecurityException")
  void garbageRefused(String label, String token) {
    assertRefused(token);
  }

  @Test
  @DisplayName("a Tokens on the same key but another issuer refuses the first one's tokens, and the other way round")
  void otherIssuerRefuses() {
    Tokens other = new Tokens(vertx, keys, "other-issuer", AUDIENCE);
    String ours = tokens.issue("alice", "acme", List.of("viewer"), null, Duration.ofMinutes(5));
    String theirs = other.issue("alice", "acme", List.of("viewer"), null, Duration.ofMinutes(5));

    assertThat(refusal(other, ours)).isInstanceOf(SecurityException.class);
    assertThat(refusal(tokens, theirs)).isInstanceOf(SecurityException.class);
    // each still accepts its own
    assertThat(await(other.verify(theirs)).tenant()).isEqualTo("acme");
    accepted(ours);
  }

  @Test
  @DisplayName("a Tokens on the same key but another audience refuses the first one's tokens")
  void otherAudienceRefuses() {
    Tokens other = new Tokens(vertx, keys, ISSUER, "another-audience");
    String ours = tokens.issue("alice", "acme", List.of("viewer"), null, Duration.ofMinutes(5));
    assertThat(refusal(other, ours)).isInstanceOf(SecurityException.class);
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers: independent JWS construction with the JDK only
  // ---------------------------------------------------------------------------------------------

  private static JsonObject header() {
    return new JsonObject().put("alg", "ES256").put("typ", "JWT");
  }

  /** A complete, currently valid claim set. */
  private static JsonObject claims() {
    long now = Instant.now().getEpochSecond();
    return new JsonObject()
        .put("sub", "alice")
        .put("iss", ISSUER)
        .put("aud", AUDIENCE)
        .put("iat", now)
        .put("exp", now + 300)
        .put("tenant", "acme")
        .put("roles", new JsonArray().add("viewer").add("manager"));
  }

  private static String b64(String json) {
    return B64.encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  private static String es256(JsonObject header, JsonObject payload, PrivateKey key) {
    String input = b64(header.encode()) + "." + b64(payload.encode());
    try {
      Signature signer = Signature.getInstance("SHA256withECDSA");
      signer.initSign(key);
      signer.update(input.getBytes(StandardCharsets.US_ASCII));
      return input + "." + B64.encodeToString(derToRaw(signer.sign()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String hs256(JsonObject header, JsonObject payload, byte[] secret) throws GeneralSecurityException {
    String input = b64(header.encode()) + "." + b64(payload.encode());
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret, "HmacSHA256"));
    return input + "." + B64.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
  }

  private static String unsigned(JsonObject header, JsonObject payload, String tail) {
    return b64(header.encode()) + "." + b64(payload.encode()) + tail;
  }

  /** DER SEQUENCE { INTEGER r, INTEGER s } to the 64-byte R||S form of JWS ES256. */
  static byte[] derToRaw(byte[] der) {
    int i = 0;
    if (der[i++] != 0x30) throw new IllegalArgumentException("not a DER sequence");
    int seqLen = der[i++] & 0xff;
    if (seqLen == 0x81) seqLen = der[i++] & 0xff;
    if (seqLen != der.length - i) throw new IllegalArgumentException("bad DER length");
    byte[] raw = new byte[64];
    for (int part = 0; part < 2; part++) {
      if (der[i++] != 0x02) throw new IllegalArgumentException("not a DER integer");
      int len = der[i++] & 0xff;
      int start = i;
      int n = len;
      while (n > 32 && der[start] == 0) {
        start++;
        n--;
      }
      if (n > 32) throw new IllegalArgumentException("integer too long");
      System.arraycopy(der, start, raw, part * 32 + (32 - n), n);
      i += len;
    }
    return raw;
  }

  /** 64-byte R||S back to DER, for checking the server's signatures with plain SHA256withECDSA. */
  static byte[] rawToDer(byte[] raw) {
    byte[] r = new BigInteger(1, Arrays.copyOfRange(raw, 0, 32)).toByteArray();
    byte[] s = new BigInteger(1, Arrays.copyOfRange(raw, 32, 64)).toByteArray();
    byte[] der = new byte[2 + 2 + r.length + 2 + s.length];
    int i = 0;
    der[i++] = 0x30;
    der[i++] = (byte) (der.length - 2);
    der[i++] = 0x02;
    der[i++] = (byte) r.length;
    System.arraycopy(r, 0, der, i, r.length);
    i += r.length;
    der[i++] = 0x02;
    der[i++] = (byte) s.length;
    System.arraycopy(s, 0, der, i, s.length);
    return der;
  }

  private static byte[] fixed32(BigInteger v) {
    byte[] b = v.toByteArray();
    byte[] out = new byte[32];
    int n = Math.min(b.length, 32);
    System.arraycopy(b, b.length - n, out, 32 - n, n);
    return out;
  }

  private static byte[] uncompressedPoint(ECPublicKey key) {
    byte[] out = new byte[65];
    out[0] = 0x04;
    System.arraycopy(fixed32(key.getW().getAffineX()), 0, out, 1, 32);
    System.arraycopy(fixed32(key.getW().getAffineY()), 0, out, 33, 32);
    return out;
  }

  private static byte[] pemBody(String pem) {
    String body = pem.replaceAll("-----(BEGIN|END) [A-Z ]+-----", "").replaceAll("\\s", "");
    return Base64.getDecoder().decode(body);
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers: outcomes
  // ---------------------------------------------------------------------------------------------

  private static Principal await(Future<Principal> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError("expected the token to be accepted, but it was refused: " + e.getCause(), e.getCause());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static Principal accepted(String token) {
    return await(tokens.verify(token));
  }

  /** The failure of verify; fails the test if the token is accepted or verify throws instead of failing. */
  private static Throwable refusal(Tokens verifier, String token) {
    Future<Principal> future;
    try {
      future = verifier.verify(token);
    } catch (RuntimeException e) {
      throw new AssertionError("verify threw " + e + " instead of returning a failed future", e);
    }
    try {
      Principal principal = future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      fail("expected the token to be refused, but it was accepted as " + principal + "; token: " + token);
      return null;
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static void assertRefused(String token) {
    assertThat(refusal(tokens, token))
        .as("refusal of %s", token == null ? "null" : token.length() > 200 ? token.substring(0, 200) + "…" : token)
        .isInstanceOf(SecurityException.class);
  }

}
