package io.cxpulse.live;

import static io.cxpulse.testing.LiveClient.type;
import static org.assertj.core.api.Assertions.assertThat;

import io.cxpulse.testing.LiveClient;
import io.cxpulse.testing.MutableClock;
import io.cxpulse.testing.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Two nodes on one PostgreSQL share every committed response through LISTEN/NOTIFY")
class LiveMultiNodeTest {

  private static long n(JsonObject scorecards) {
    return scorecards.getJsonObject("overall").getJsonObject("nps").getLong("n");
  }

  @Test
  @DisplayName("a response posted to either node reaches the other node's screens and scorecards within a tick")
  void nodesAgree() {
    Vertx vertx = Vertx.vertx();
    // One frozen clock for both nodes: the two REST reads below see the same rolling 15m/1h windows
    // (with a real clock a minute could roll between them, and the 15m edge holds a response every 7 s).
    MutableClock clock = MutableClock.frozenAt(Instant.now());
    try (TestServer a = TestServer.start(Map.of("LIVE_TICK_MS", "100"), clock);
         TestServer b = a.another();
         LiveClient onB = LiveClient.ready(vertx, b.server().port(), b.viewerToken("acme"));
         LiveClient onA = LiveClient.ready(vertx, a.server().port(), a.viewerToken("acme"))) {
      onB.subscribe("wall", "1h");
      onA.subscribe("wall", "1h");
      long startB = n(onB.next(5, type("snapshot")).getJsonObject("data"));
      long startA = n(onA.next(5, type("snapshot")).getJsonObject("data"));
      assertThat(startA).isEqualTo(startB).isZero();

      HttpResponse<String> r = a.postJson("/api/v1/feedback", a.ingestToken("acme"),
          new JsonObject().put("eventId", "x1").put("touchpoint", "hotline").put("nps", 2).put("comment", "太慢").encode());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      // The alert goes out when the batch is applied, the update at the next tick.
      JsonObject alert = onB.next(5, type("alert"));
      assertThat(alert.getString("comment")).isEqualTo("太慢");
      JsonObject update = onB.next(5, m -> "update".equals(m.getString("type")) && n(m.getJsonObject("data")) == 1);
      assertThat(update.getString("id")).isEqualTo("wall");

      // A batch large enough to need several NOTIFY payloads (each ≤ 8000 bytes).
      JsonArray batch = new JsonArray();
      for (int i = 0; i < 400; i++) {
        batch.add(new JsonObject().put("eventId", "y" + i).put("touchpoint", i % 2 == 0 ? "store" : "app")
            .put("nps", i % 11).put("csat", 1 + i % 5).put("ces", 1 + i % 7)
            .put("rater", new JsonObject().put("reliability", 1 + i % 5).put("empathy", 1 + (i / 5) % 5))
            .put("reasons", new JsonArray().add(i % 3 == 0 ? "speed" : "price"))
            .put("occurredAt", clock.instant().minusSeconds(i * 7L).toString()));
      }
      r = b.postJson("/api/v1/feedback", b.ingestToken("acme"), batch.encode());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      onA.next(5, m -> "update".equals(m.getString("type")) && n(m.getJsonObject("data")) == 401);

      // Both nodes' REST scorecards are identical, in every window.
      for (String window : new String[] {"15m", "1h", "today", "30d"}) {
        JsonObject fromA = new JsonObject(a.get("/api/v1/scorecards?window=" + window, a.viewerToken("acme")).body());
        JsonObject fromB = new JsonObject(b.get("/api/v1/scorecards?window=" + window, b.viewerToken("acme")).body());
        assertThat(fromA.getJsonObject("overall")).as(window).isEqualTo(fromB.getJsonObject("overall"));
        assertThat(fromA.getJsonArray("touchpoints")).as(window).isEqualTo(fromB.getJsonArray("touchpoints"));
      }
    } finally {
      vertx.close();
    }
  }
}
