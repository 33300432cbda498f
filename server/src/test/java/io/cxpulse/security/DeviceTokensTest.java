package io.cxpulse.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxpulse.testing.LiveClient;
import io.cxpulse.testing.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Device tokens for wall screens: issued by an admin, listed without the token, revoked at once on every node")
class DeviceTokensTest {
  private static TestServer node1;
  private static TestServer node2;
  private static Vertx vertx;

  @BeforeAll
  static void start() {
    node1 = TestServer.start(Map.of("LIVE_TICK_MS", "100"));
    node2 = node1.another();
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    vertx.close();
    node2.close();
    node1.close();
  }

  private static JsonObject issue(String tenant, JsonObject body) {
    HttpResponse<String> r = node1.postJson("/api/v1/devices", node1.token(tenant, "admin"), body.encode());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return new JsonObject(r.body());
  }

  @Test
  @DisplayName("issue: 201 with id, a viewer token scoped to the touchpoints, expiresAt = now + ttl, and the wall URL with the token in the fragment")
  void issueShape() {
    Instant before = Instant.now();
    JsonObject d = issue("acme", new JsonObject().put("name", "Lobby TV").put("touchpoints", new JsonArray().add("store")).put("ttl", "90d"));
    assertThat(d.getString("id")).matches("dev_[A-Za-z0-9_-]{22}");
    assertThat(d.getString("wallUrl")).isEqualTo("/wall#token=" + d.getString("token"));
    Instant expires = OffsetDateTime.parse(d.getString("expiresAt")).toInstant();
    assertThat(expires).isBetween(before.plus(Duration.ofDays(90)).minusSeconds(2), Instant.now().plus(Duration.ofDays(90)));
    JsonObject claims = new JsonObject(new String(java.util.Base64.getUrlDecoder().decode(d.getString("token").split("\\.")[1])));
    assertThat(claims.getString("jti")).isEqualTo(d.getString("id"));
    assertThat(claims.getJsonArray("roles")).containsExactly("viewer");
    assertThat(claims.getJsonArray("touchpoints")).containsExactly("store");
    assertThat(claims.getLong("exp") - claims.getLong("iat")).isEqualTo(90L * 86_400);

    String token = d.getString("token");
    assertThat(node1.get("/api/v1/scorecards?window=1h&touchpoints=store", token).statusCode()).isEqualTo(200);
    assertThat(node1.get("/api/v1/scorecards?window=1h&touchpoints=hotline", token).statusCode()).isEqualTo(403);
    assertThat(node1.postJson("/api/v1/feedback", token, "{\"touchpoint\":\"store\",\"nps\":9}").statusCode()).isEqualTo(403);
    assertThat(node1.get("/api/v1/devices", token).statusCode()).isEqualTo(403);
  }

  @Test
  @DisplayName("list: the tenant's devices with status, never a token; another tenant's admin does not see them")
  void list() {
    JsonObject d = issue("acme", new JsonObject().put("name", "Kiosk wall"));
    HttpResponse<String> r = node1.get("/api/v1/devices", node1.token("acme", "admin"));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).doesNotContain(d.getString("token")).doesNotContain(d.getString("token").split("\\.")[2]);
    JsonObject item = new JsonObject(r.body()).getJsonArray("items").stream().map(o -> (JsonObject) o)
        .filter(o -> o.getString("id").equals(d.getString("id"))).findFirst().orElseThrow();
    assertThat(item.getString("name")).isEqualTo("Kiosk wall");
    assertThat(item.getString("status")).isEqualTo("active");
    assertThat(item.getValue("touchpoints")).isNull();
    assertThat(item.fieldNames()).doesNotContain("token");
    HttpResponse<String> other = node1.get("/api/v1/devices", node1.token("globex", "admin"));
    assertThat(other.statusCode()).isEqualTo(200);
    assertThat(other.body()).doesNotContain(d.getString("id")).doesNotContain("Kiosk wall");
  }

  @Test
  @DisplayName("revoke: at once 401 on both nodes and the open WebSockets on both nodes close with 4401; revoking again keeps the first time")
  void revoke() {
    JsonObject d = issue("acme", new JsonObject().put("name", "Hall screen"));
    String token = d.getString("token");
    assertThat(node1.get("/api/v1/scorecards?window=1h", token).statusCode()).isEqualTo(200);
    assertThat(node2.get("/api/v1/scorecards?window=1h", token).statusCode()).isEqualTo(200);
    try (LiveClient ws1 = LiveClient.ready(vertx, node1.server().port(), token);
         LiveClient ws2 = LiveClient.ready(vertx, node2.server().port(), token)) {
      ws1.subscribe("wall", "1h");
      ws1.next(10, LiveClient.type("snapshot"));
      HttpResponse<String> r = node1.delete("/api/v1/devices/" + d.getString("id"), node1.token("acme", "admin"));
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      String revokedAt = new JsonObject(r.body()).getString("revokedAt");
      // The revoking node refuses before it replied: no waiting.
      assertThat(node1.get("/api/v1/scorecards?window=1h", token).statusCode()).isEqualTo(401);
      assertThat(ws1.awaitClose(5)).isEqualTo((short) 4401);
      assertThat(ws2.awaitClose(5)).isEqualTo((short) 4401);
      assertThat(node2.get("/api/v1/scorecards?window=1h", token).statusCode()).isEqualTo(401);
      HttpResponse<String> again = node2.delete("/api/v1/devices/" + d.getString("id"), node2.token("acme", "admin"));
      assertThat(again.statusCode()).isEqualTo(200);
      assertThat(new JsonObject(again.body()).getString("revokedAt")).isEqualTo(revokedAt);
    }
    try (LiveClient late = LiveClient.connect(vertx, node2.server().port(), null)) {
      late.send(new JsonObject().put("type", "auth").put("token", token));
      assertThat(late.awaitClose(10)).isEqualTo((short) 4401);
    }
    HttpResponse<String> listed = node1.get("/api/v1/devices", node1.token("acme", "admin"));
    assertThat(listed.body()).contains("\"revoked\"");
  }

  @Test
  @DisplayName("a revoked token stays refused after a restart (loaded at start)")
  void revokedAfterRestart() {
    try (TestServer alone = TestServer.start()) {
      HttpResponse<String> r = alone.postJson("/api/v1/devices", alone.token("acme", "admin"), "{\"name\":\"tv\"}");
      JsonObject d = new JsonObject(r.body());
      assertThat(alone.delete("/api/v1/devices/" + d.getString("id"), alone.token("acme", "admin")).statusCode()).isEqualTo(200);
      alone.restart();
      assertThat(alone.get("/api/v1/scorecards?window=1h", d.getString("token")).statusCode()).isEqualTo(401);
    }
  }

  @Test
  @DisplayName("another tenant's admin cannot revoke (404), and only admins manage devices (403)")
  void crossTenantRevoke() {
    JsonObject d = issue("acme", new JsonObject().put("name", "Front desk"));
    assertThat(node1.delete("/api/v1/devices/" + d.getString("id"), node1.token("globex", "admin")).statusCode()).isEqualTo(404);
    assertThat(node1.delete("/api/v1/devices/" + d.getString("id"), node1.token("acme", "viewer", "manager")).statusCode()).isEqualTo(403);
    assertThat(node1.get("/api/v1/scorecards?window=1h", d.getString("token")).statusCode()).isEqualTo(200);
    assertThat(node1.delete("/api/v1/devices/no-such-device", node1.token("acme", "admin")).statusCode()).isEqualTo(404);
    assertThat(node1.delete("/api/v1/devices/..%2F..%2Fx", node1.token("acme", "admin")).statusCode()).isEqualTo(404);
  }

  @Test
  @DisplayName("an admin scoped to touchpoint store cannot grant hotline (403); a globex admin cannot name acme-only touchpoints (400)")
  void scope() {
    HttpResponse<String> r = node1.postJson("/api/v1/devices", node1.token("acme", java.util.List.of("store"), "admin"),
        new JsonObject().put("name", "tv").put("touchpoints", new JsonArray().add("hotline")).encode());
    assertThat(r.statusCode()).isEqualTo(403);
    HttpResponse<String> g = node1.postJson("/api/v1/devices", node1.token("globex", "admin"),
        new JsonObject().put("name", "tv").put("touchpoints", new JsonArray().add("store")).encode());
    assertThat(g.statusCode()).isEqualTo(400);
    assertThat(g.body()).contains("/touchpoints/0");
  }
}
