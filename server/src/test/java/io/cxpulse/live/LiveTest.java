package io.cxpulse.live;

import static io.cxpulse.testing.LiveClient.type;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cxpulse.testing.LiveClient;
import io.cxpulse.testing.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Live WebSocket: authentication, subscriptions, snapshots, updates and alerts")
class LiveTest {
  private static final String ALLOWED = "https://wall.example.com";
  private static TestServer server;
  private static Vertx vertx;
  private static int eventNo;

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of("LIVE_TICK_MS", "100", "ALLOWED_ORIGINS", ALLOWED));
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    vertx.close();
    server.close();
  }

  private static void post(String touchpoint, int nps, String comment) {
    JsonObject item = new JsonObject().put("eventId", "live-" + (++eventNo)).put("touchpoint", touchpoint).put("nps", nps);
    if (comment != null) item.put("comment", comment);
    server.postFeedback("acme", item);
  }

  private static long n(JsonObject message) {
    return message.getJsonObject("data").getJsonObject("overall").getJsonObject("nps").getLong("n");
  }

  @Test
  @DisplayName("a client that does not authenticate within 5 s is closed with 4401")
  void authTimeout() {
    try (LiveClient c = LiveClient.connect(vertx, server.server().port(), null)) {
      long started = System.nanoTime();
      assertThat(c.awaitClose(10)).isEqualTo((short) 4401);
      assertThat((System.nanoTime() - started) / 1_000_000).isBetween(4_000L, 8_000L);
    }
  }

  @Test
  @DisplayName("a bad token, a first message that is not auth, and an ingest-only token are refused with 4401 / 4403")
  void badTokens() {
    try (LiveClient c = LiveClient.connect(vertx, server.server().port(), null)) {
      c.send(new JsonObject().put("type", "auth").put("token", "not-a-token"));
      assertThat(c.awaitClose(5)).isEqualTo((short) 4401);
    }
    try (LiveClient c = LiveClient.connect(vertx, server.server().port(), null)) {
      c.send(new JsonObject().put("type", "subscribe").put("id", "x"));
      assertThat(c.awaitClose(5)).isEqualTo((short) 4401);
    }
    try (LiveClient c = LiveClient.connect(vertx, server.server().port(), null)) {
      c.send(new JsonObject().put("type", "auth").put("token", server.ingestToken("acme")));
      assertThat(c.awaitClose(5)).isEqualTo((short) 4403);
    }
  }

  @Test
  @DisplayName("an Origin that is not allowed is refused before the upgrade; an allowed one is accepted")
  void origins() {
    assertThatThrownBy(() -> LiveClient.connect(vertx, server.server().port(), "https://evil.example.com"))
        .hasMessageContaining("403");
    try (LiveClient c = LiveClient.connect(vertx, server.server().port(), ALLOWED)) {
      c.send(new JsonObject().put("type", "auth").put("token", server.viewerToken("acme")));
      assertThat(c.next(5).getString("type")).isEqualTo("ready");
    }
  }

  @Test
  @DisplayName("a token sees only its tenant and its touchpoints: other tenants' views are refused")
  void tenantAndTouchpointScope() {
    try (LiveClient c = LiveClient.ready(vertx, server.server().port(), server.viewerToken("acme"))) {
      c.subscribe("a", "1h", "web");
      JsonObject err = c.next(5, type("error"));
      assertThat(err.getString("error")).isEqualTo("unknown_code");
      c.send(new JsonObject().put("type", "subscribe").put("id", "b").put("window", "1h").put("tenant", "globex"));
      assertThat(c.next(5, type("error")).getString("error")).isEqualTo("forbidden");
    }
    String scoped = server.token("acme", List.of("store"), "viewer");
    try (LiveClient c = LiveClient.ready(vertx, server.server().port(), scoped)) {
      c.subscribe("a", "1h", "hotline");
      assertThat(c.next(5, type("error")).getString("error")).isEqualTo("forbidden");
      c.subscribe("all", "1h");
      JsonObject snapshot = c.next(5, type("snapshot"));
      JsonArray tps = snapshot.getJsonObject("data").getJsonArray("touchpoints");
      assertThat(tps).hasSize(1);
      assertThat(tps.getJsonObject(0).getString("touchpoint")).isEqualTo("store");
    }
  }

  @Test
  @DisplayName("the snapshot equals the REST scorecards of the same view")
  void snapshotEqualsRest() {
    post("hotline", 9, null);
    post("store", 3, null);
    try (LiveClient c = LiveClient.ready(vertx, server.server().port(), server.viewerToken("acme"))) {
      c.subscribe("wall", "today");
      JsonObject snapshot = c.next(5, type("snapshot"));
      HttpResponse<String> rest = server.get("/api/v1/scorecards?window=today", server.viewerToken("acme"));
      JsonObject body = new JsonObject(rest.body());
      assertThat(snapshot.getString("id")).isEqualTo("wall");
      assertThat(snapshot.getLong("seq")).isEqualTo(1);
      assertThat(snapshot.getJsonObject("data")).isEqualTo(body);
    }
  }

  @Test
  @DisplayName("each POST shows up as an update (the next within 5 s), and seq grows by one per message")
  void updatesFollowPosts() throws InterruptedException {
    try (LiveClient c = LiveClient.ready(vertx, server.server().port(), server.viewerToken("acme"))) {
      c.subscribe("wall", "1h", "app");
      JsonObject snapshot = c.next(5, type("snapshot"));
      long n = n(snapshot);
      long seq = snapshot.getLong("seq");
      for (int i = 1; i <= 5; i++) {
        post("app", 10, null);
        // Every message's seq is the previous plus one; a minute roll-over may add an update
        // with the old count before the one that shows this post.
        JsonObject update;
        do {
          update = c.next(5, type("update"));
          assertThat(update.getLong("seq")).isEqualTo(seq + 1);
          seq = update.getLong("seq");
        } while (n(update) != n + i && n(update) == n + i - 1);
        assertThat(n(update)).isEqualTo(n + i);
      }
      // A post to a touchpoint outside the view changes nothing in it. (An update may still come
      // when the rolling window moves to the next minute; its numbers stay the same.)
      post("hotline", 10, null);
      long expected = n + 5;
      long deadline = System.nanoTime() + 2_000_000_000L;
      while (System.nanoTime() < deadline) {
        JsonObject m = c.poll();
        if (m == null) {
          Thread.sleep(50);
          continue;
        }
        if ("update".equals(m.getString("type"))) assertThat(n(m)).isEqualTo(expected);
      }
    }
  }

  @Test
  @DisplayName("a new detractor in view raises an alert; screens that do not watch its touchpoint get none")
  void detractorAlerts() {
    try (LiveClient watching = LiveClient.ready(vertx, server.server().port(), server.viewerToken("acme"));
         LiveClient elsewhere = LiveClient.ready(vertx, server.server().port(), server.viewerToken("acme"))) {
      watching.subscribe("w", "1h", "store");
      watching.next(5, type("snapshot"));
      elsewhere.subscribe("w", "1h", "app");
      elsewhere.next(5, type("snapshot"));
      post("store", 2, "<b>等了两个小时</b>");
      JsonObject alert = watching.next(5, type("alert"));
      assertThat(alert.getString("kind")).isEqualTo("detractor");
      assertThat(alert.getString("touchpoint")).isEqualTo("store");
      assertThat(alert.getInteger("nps")).isEqualTo(2);
      assertThat(alert.getString("comment")).isEqualTo("<b>等了两个小时</b>");
      assertThat(alert.containsKey("customerId")).isFalse();
      post("store", 10, null);
      watching.next(5, type("update"));
      boolean gotAlert = false;
      JsonObject m;
      while ((m = elsewhere.poll()) != null) gotAlert |= "alert".equals(m.getString("type"));
      assertThat(gotAlert).isFalse();
    }
  }

  @Test
  @DisplayName("ping is answered with pong; unsubscribe stops updates")
  void pingAndUnsubscribe() {
    try (LiveClient c = LiveClient.ready(vertx, server.server().port(), server.viewerToken("acme"))) {
      c.send(new JsonObject().put("type", "ping"));
      assertThat(c.next(5, type("pong"))).isNotNull();
      c.subscribe("s", "1h", "hotline");
      c.next(5, type("snapshot"));
      c.send(new JsonObject().put("type", "unsubscribe").put("id", "s"));
      c.send(new JsonObject().put("type", "ping"));
      c.next(5, type("pong"));
      post("hotline", 8, null);
      assertThatThrownBy(() -> c.next(2, type("update"))).hasMessageContaining("no matching message");
    }
  }
}
