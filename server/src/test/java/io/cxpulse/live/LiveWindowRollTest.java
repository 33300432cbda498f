package io.cxpulse.live;

import static io.cxpulse.testing.LiveClient.type;
import static org.assertj.core.api.Assertions.assertThat;

import io.cxpulse.testing.LiveClient;
import io.cxpulse.testing.MutableClock;
import io.cxpulse.testing.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A rolling live window moves by itself when responses age out, with no new traffic")
class LiveWindowRollTest {

  @Test
  @DisplayName("a 15m view drops a response once it is older than the window, and says so in an update")
  void windowRollsWithoutTraffic() {
    // Frozen: the minute cannot roll by itself between the post and the snapshot; only advance() moves it.
    MutableClock clock = MutableClock.frozenAt(Instant.now());
    Vertx vertx = Vertx.vertx();
    try (TestServer server = TestServer.start(Map.of("LIVE_TICK_MS", "100"), clock)) {
      // Two responses: one in the current minute, one 13 minutes ago (in 15m until 2 more minutes pass).
      var now = clock.instant().truncatedTo(ChronoUnit.MINUTES);
      String body = new io.vertx.core.json.JsonArray()
          .add(new JsonObject().put("eventId", "old").put("touchpoint", "app").put("nps", 0)
              .put("occurredAt", now.minus(13, ChronoUnit.MINUTES).toString()))
          .add(new JsonObject().put("eventId", "new").put("touchpoint", "app").put("nps", 10)
              .put("occurredAt", now.toString()))
          .encode();
      HttpResponse<String> r = server.postJson("/api/v1/feedback", server.ingestToken("acme"), body);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      try (LiveClient c = LiveClient.ready(vertx, server.server().port(), server.viewerToken("acme"))) {
        c.subscribe("wall", "15m", "app");
        JsonObject snapshot = c.next(5, type("snapshot"));
        JsonObject nps = snapshot.getJsonObject("data").getJsonObject("overall").getJsonObject("nps");
        assertThat(nps.getLong("n")).isEqualTo(2);
        assertThat(nps.getDouble("score")).isEqualTo(0.0);
        // Three minutes later (for the server) the old detractor has left the window; nobody posted.
        clock.advance(Duration.ofMinutes(3));
        JsonObject update = c.next(5, m -> "update".equals(m.getString("type"))
            && m.getJsonObject("data").getJsonObject("overall").getJsonObject("nps").getLong("n") == 1);
        JsonObject after = update.getJsonObject("data").getJsonObject("overall").getJsonObject("nps");
        assertThat(after.getLong("promoters")).isEqualTo(1);
        assertThat(after.getDouble("score")).isEqualTo(100.0);
        assertThat(update.getLong("seq")).isGreaterThan(1);
        // Twenty minutes on, the window is empty and the score undefined, not 0.
        clock.advance(Duration.ofMinutes(20));
        JsonObject empty = c.next(5, m -> "update".equals(m.getString("type"))
            && m.getJsonObject("data").getJsonObject("overall").getJsonObject("nps").getLong("n") == 0);
        assertThat(empty.getJsonObject("data").getJsonObject("overall").getJsonObject("nps").getValue("score")).isNull();
      }
    } finally {
      vertx.close();
    }
  }
}
