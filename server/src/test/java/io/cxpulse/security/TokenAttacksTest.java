package io.cxpulse.security;

import static io.cxpulse.security.Jws.claims;
import static io.cxpulse.security.Jws.header;
import static org.assertj.core.api.Assertions.assertThat;

import io.cxpulse.testing.LiveClient;
import io.cxpulse.testing.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The negative suite against a running server: every case asserts the exact status (or close
 * code). Tokens are made by hand with the JDK and the server's development key read from its
 * DATA_DIR, never with the server's code, so each attack is exactly what an outsider could send.
 */
@DisplayName("Security: forged, stale and misused tokens, bad origins, oversized and malformed input")
class TokenAttacksTest {
  private static final String ALLOWED = "https://wall.example.com";
  private static TestServer server;
  private static Vertx vertx;
  private static PrivateKey key;
  private static String publicPem;
  private static String kid;

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of("BODY_LIMIT_BYTES", "4096", "ALLOWED_ORIGINS", ALLOWED));
    vertx = Vertx.vertx();
    key = Jws.devPrivateKey(server.env().get("DATA_DIR"));
    publicPem = Jws.devPublicPem(server.env().get("DATA_DIR"));
    String issued = server.viewerToken("acme");
    kid = new JsonObject(new String(java.util.Base64.getUrlDecoder().decode(issued.split("\\.")[0]), StandardCharsets.UTF_8))
        .getString("kid");
  }

  @AfterAll
  static void stop() {
    vertx.close();
    server.close();
  }

  private static int scorecards(String token) {
    return server.get("/api/v1/scorecards?window=1h", token).statusCode();
  }

  private static String signed(JsonObject claims) {
    return Jws.es256(header("ES256", kid), claims, key);
  }

  @Test
  @DisplayName("the baseline: a hand-signed viewer token with the server's key reads scorecards (200), so the refusals below are about the one thing each changes")
  void baseline() {
    assertThat(scorecards(signed(claims("acme", 300, "viewer")))).isEqualTo(200);
    assertThat(scorecards(Jws.es256(header("ES256", null), claims("acme", 300, "viewer"), key))).isEqualTo(200);
  }

  @Test
  @DisplayName("alg none (with the payload of a valid token) is 401")
  void algNone() {
    assertThat(scorecards(Jws.unsigned(claims("acme", 300, "viewer")))).isEqualTo(401);
  }

  @Test
  @DisplayName("HS256 signed with the public key's PEM text or DER bytes (algorithm confusion) is 401")
  void algorithmConfusion() {
    JsonObject c = claims("acme", 300, "viewer");
    assertThat(scorecards(Jws.hs256(header("HS256", kid), c, publicPem.getBytes(StandardCharsets.US_ASCII)))).isEqualTo(401);
    assertThat(scorecards(Jws.hs256(header("HS256", null), c, Jws.der(publicPem)))).isEqualTo(401);
  }

  @Test
  @DisplayName("expired (exp 2 minutes ago, beyond the 60 s skew) is 401")
  void expired() {
    long now = Instant.now().getEpochSecond();
    assertThat(scorecards(signed(claims("acme", 300, "viewer").put("iat", now - 600).put("exp", now - 120)))).isEqualTo(401);
  }

  @Test
  @DisplayName("not yet valid (nbf in 5 minutes) is 401")
  void notYetValid() {
    long now = Instant.now().getEpochSecond();
    assertThat(scorecards(signed(claims("acme", 600, "viewer").put("nbf", now + 300)))).isEqualTo(401);
  }

  @Test
  @DisplayName("iat 5 minutes in the future is 401; 30 s in the future (inside the skew) is 200")
  void issuedInTheFuture() {
    long now = Instant.now().getEpochSecond();
    assertThat(scorecards(signed(claims("acme", 600, "viewer").put("iat", now + 300)))).isEqualTo(401);
    assertThat(scorecards(signed(claims("acme", 600, "viewer").put("iat", now + 30)))).isEqualTo(200);
  }

  @Test
  @DisplayName("wrong iss, wrong aud, or none of them is 401")
  void wrongIssuerAudience() {
    assertThat(scorecards(signed(claims("acme", 300, "viewer").put("iss", "evil")))).isEqualTo(401);
    assertThat(scorecards(signed(claims("acme", 300, "viewer").put("aud", "other-app")))).isEqualTo(401);
    JsonObject none = claims("acme", 300, "viewer");
    none.remove("iss");
    none.remove("aud");
    assertThat(scorecards(signed(none))).isEqualTo(401);
  }

  @Test
  @DisplayName("a payload changed after signing (tenant, roles) is 401")
  void tamperedPayload() {
    String valid = signed(claims("acme", 300, "ingest"));
    String[] parts = valid.split("\\.");
    String forged = parts[0] + "." + Jws.b64(claims("acme", 300, "admin", "viewer").encode()) + "." + parts[2];
    assertThat(scorecards(forged)).isEqualTo(401);
    String otherTenant = parts[0] + "." + Jws.b64(claims("globex", 300, "ingest").encode()) + "." + parts[2];
    assertThat(server.postJson("/api/v1/feedback", otherTenant, "{\"touchpoint\":\"web\",\"nps\":9}").statusCode()).isEqualTo(401);
  }

  @Test
  @DisplayName("an unknown kid is 401, even with a correct signature")
  void unknownKid() {
    assertThat(scorecards(Jws.es256(header("ES256", "not-our-key"), claims("acme", 300, "viewer"), key))).isEqualTo(401);
  }

  @Test
  @DisplayName("a token signed by another key (no kid) is 401")
  void otherKey() {
    assertThat(scorecards(Jws.es256(header("ES256", null), claims("acme", 300, "viewer"), Jws.ec().getPrivate()))).isEqualTo(401);
  }

  @Test
  @DisplayName("missing exp is 401")
  void missingExp() {
    JsonObject c = claims("acme", 300, "viewer");
    c.remove("exp");
    assertThat(scorecards(signed(c))).isEqualTo(401);
  }

  @Test
  @DisplayName("lifetime over the role's cap is 401: viewer 31 days (cap 30 d), admin 2 days (cap 1 d); exactly 30 days is 200")
  void lifetimeOverCap() {
    assertThat(scorecards(signed(claims("acme", 31L * 86_400, "viewer")))).isEqualTo(401);
    assertThat(scorecards(signed(claims("acme", 2L * 86_400, "viewer", "admin")))).isEqualTo(401);
    assertThat(scorecards(signed(claims("acme", 30L * 86_400, "viewer")))).isEqualTo(200);
    // Without iat the cap counts from now: a 10-year viewer token is still refused.
    JsonObject noIat = claims("acme", 3650L * 86_400, "viewer");
    noIat.remove("iat");
    assertThat(scorecards(signed(noIat))).isEqualTo(401);
  }

  @Test
  @DisplayName("a forged device claim (device: true, jti unknown to the server) is 401")
  void forgedDeviceToken() {
    JsonObject c = claims("acme", 300, "viewer").put("jti", "dev_made_up").put("device", true);
    assertThat(scorecards(signed(c))).isEqualTo(401);
  }

  @Test
  @DisplayName("a viewer posting feedback is 403; an ingest token reading scorecards, reasons or the catalog is 403")
  void wrongRoles() {
    assertThat(server.postJson("/api/v1/feedback", server.viewerToken("acme"), "{\"touchpoint\":\"hotline\",\"nps\":9}")
        .statusCode()).isEqualTo(403);
    String ingest = server.ingestToken("acme");
    assertThat(scorecards(ingest)).isEqualTo(403);
    assertThat(server.get("/api/v1/reasons?window=1h", ingest).statusCode()).isEqualTo(403);
    assertThat(server.get("/api/v1/devices", server.viewerToken("acme")).statusCode()).isEqualTo(403);
    assertThat(server.get("/api/v1/devices", server.token("acme", "manager")).statusCode()).isEqualTo(403);
  }

  @Test
  @DisplayName("a WebSocket from an origin that is not allowed is refused at the handshake with 403; the allowed one connects")
  void badOrigin() {
    assertThat(handshakeStatus("https://evil.example.com")).isEqualTo(403);
    assertThat(handshakeStatus("null")).isEqualTo(403);
    try (LiveClient ok = LiveClient.connect(vertx, server.server().port(), ALLOWED)) {
      ok.send(new JsonObject().put("type", "auth").put("token", server.viewerToken("acme")));
      assertThat(ok.next(10).getString("type")).isEqualTo("ready");
    }
  }

  @Test
  @DisplayName("WebSocket auth with a forged token closes with 4401; with an ingest token 4403")
  void webSocketBadTokens() {
    try (LiveClient c = LiveClient.connect(vertx, server.server().port(), null)) {
      c.send(new JsonObject().put("type", "auth").put("token", Jws.unsigned(claims("acme", 300, "viewer"))));
      assertThat(c.awaitClose(10)).isEqualTo((short) 4401);
    }
    try (LiveClient c = LiveClient.connect(vertx, server.server().port(), null)) {
      c.send(new JsonObject().put("type", "auth").put("token", server.ingestToken("acme")));
      assertThat(c.awaitClose(10)).isEqualTo((short) 4403);
    }
  }

  @Test
  @DisplayName("an oversized body is 413 (BODY_LIMIT_BYTES=4096) on feedback and on devices (16 KiB), and nothing is stored")
  void oversizedBody() {
    String big = "[" + ("{\"touchpoint\":\"hotline\",\"nps\":9},".repeat(200)) + "{\"touchpoint\":\"hotline\",\"nps\":9}]";
    assertThat(big.length()).isGreaterThan(4096);
    HttpResponse<String> r = server.postJson("/api/v1/feedback", server.ingestToken("acme"), big);
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(new JsonObject(r.body()).getString("error")).isEqualTo("payload_too_large");
    String admin = server.token("acme", "admin");
    String name = "x".repeat(20_000);
    assertThat(server.postJson("/api/v1/devices", admin, new JsonObject().put("name", name).encode()).statusCode()).isEqualTo(413);
  }

  @Test
  @DisplayName("a client message over 4 KiB closes with 1009 (message too big); a frame over the 16 KiB frame limit drops the connection (1006)")
  void oversizedFrame() {
    try (LiveClient c = LiveClient.ready(vertx, server.server().port(), server.viewerToken("acme"))) {
      c.socket().writeTextMessage(new JsonObject().put("type", "ping").put("pad", "x".repeat(8_000)).encode());
      assertThat(c.awaitClose(10)).isEqualTo((short) 1009);
    }
    try (LiveClient c = LiveClient.ready(vertx, server.server().port(), server.viewerToken("acme"))) {
      c.socket().writeTextMessage(new JsonObject().put("type", "ping").put("pad", "x".repeat(20_000)).encode());
      assertThat(c.awaitClose(10)).isEqualTo((short) 1006);
    }
  }

  @Test
  @DisplayName("malformed JSON and wrong types are 400 with the field's path, never a 5xx")
  void malformedInput() {
    String ingest = server.ingestToken("acme");
    String admin = server.token("acme", "admin");
    assertThat(server.postJson("/api/v1/feedback", ingest, "{\"touchpoint\":").statusCode()).isEqualTo(400);
    HttpResponse<String> wrongType = server.postJson("/api/v1/feedback", ingest, "{\"touchpoint\":\"hotline\",\"nps\":\"nine\"}");
    assertThat(wrongType.statusCode()).isEqualTo(400);
    assertThat(wrongType.body()).contains("/nps");
    assertThat(server.postJson("/api/v1/devices", admin, "{\"name\":").statusCode()).isEqualTo(400);
    assertThat(server.postJson("/api/v1/devices", admin, "[1,2]").statusCode()).isEqualTo(400);
    HttpResponse<String> badDevice = server.postJson("/api/v1/devices", admin,
        new JsonObject().put("name", 42).put("touchpoints", "hotline").put("ttl", 365).encode());
    assertThat(badDevice.statusCode()).isEqualTo(400);
    JsonArray details = new JsonObject(badDevice.body()).getJsonArray("details");
    assertThat(details.stream().map(d -> ((JsonObject) d).getString("path"))).containsExactlyInAnyOrder("/name", "/touchpoints", "/ttl");
    assertThat(server.postJson("/api/v1/devices", admin, new JsonObject().put("name", "tv").put("ttl", "999d").encode())
        .statusCode()).isEqualTo(400);
    assertThat(server.post("/api/v1/devices", admin, "text/plain", "name=tv").statusCode()).isEqualTo(415);
    for (String garbage : new String[] {"Bearer", "Bearer ", "Bearer a.b.c", "Basic dXNlcjpwdw==", "Bearer " + "a".repeat(7000)}) {
      var req = java.net.http.HttpRequest.newBuilder(server.uri("/api/v1/scorecards")).header("Authorization", garbage).GET().build();
      assertThat(server.send(req).statusCode()).as(garbage.length() > 40 ? "long token" : garbage).isEqualTo(401);
    }
    // Past the 8 KiB header limit Vert.x answers before any handler runs.
    var huge = java.net.http.HttpRequest.newBuilder(server.uri("/api/v1/scorecards"))
        .header("Authorization", "Bearer " + "a".repeat(9000)).GET().build();
    assertThat(server.send(huge).statusCode()).isEqualTo(431);
  }

  private static int handshakeStatus(String origin) {
    try (LiveClient c = LiveClient.connect(vertx, server.server().port(), origin)) {
      return 101;
    } catch (IllegalStateException e) {
      Throwable t = e;
      while (t != null && !(t instanceof UpgradeRejectedException)) t = t.getCause();
      if (t == null) throw e;
      return ((UpgradeRejectedException) t).getStatus();
    }
  }
}
