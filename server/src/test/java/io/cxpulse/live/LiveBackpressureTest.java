package io.cxpulse.live;

import static io.cxpulse.testing.LiveClient.type;
import static org.assertj.core.api.Assertions.assertThat;

import io.cxpulse.testing.LiveClient;
import io.cxpulse.testing.RawWebSocket;
import io.cxpulse.testing.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A client that stops reading is dropped without slowing anyone else")
class LiveBackpressureTest {

  @Test
  @DisplayName("the stuck client is closed with 4429; a healthy client keeps getting every change, in order, with no gap")
  void slowClientIsDropped() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (TestServer server = TestServer.start(Map.of("LIVE_TICK_MS", "50", "LIVE_STUCK_TIMEOUT_MS", "2000"));
         RawWebSocket slow = new RawWebSocket(server.server().port());
         LiveClient healthy = LiveClient.ready(vertx, server.server().port(), server.viewerToken("acme"))) {
      // The stuck screen authenticates and subscribes to many views, then never reads again.
      slow.sendText(new JsonObject().put("type", "auth").put("token", server.viewerToken("acme")).encode());
      String[] windows = {"15m", "1h", "24h", "today", "7d", "30d"};
      String[][] sets = {{"hotline"}, {"store"}, {"hotline", "store"}};
      int subs = 0;
      for (String w : windows) {
        for (String[] set : sets) {
          if (subs == 16) break;
          slow.sendText(new JsonObject().put("type", "subscribe").put("id", "s" + subs++).put("window", w)
              .put("touchpoints", new JsonArray(List.of(set))).encode());
        }
      }
      healthy.subscribe("h", "1h", "hotline", "store");
      long seq = healthy.next(10, type("snapshot")).getLong("seq");

      String ingest = server.ingestToken("acme");
      List<Long> ackToUpdateMs = new ArrayList<>();
      long deadline = System.currentTimeMillis() + 30_000;
      int posted = 0;
      long expectedN = 0;
      while (server.server().liveStats().droppedClients() == 0 && System.currentTimeMillis() < deadline) {
        JsonArray batch = new JsonArray();
        for (int i = 0; i < 20; i++) {
          batch.add(new JsonObject().put("eventId", "p" + posted++).put("touchpoint", i % 2 == 0 ? "hotline" : "store")
              .put("nps", posted % 11).put("comment", "x".repeat(200)));
        }
        long sent = System.nanoTime();
        HttpResponse<String> r = server.postJson("/api/v1/feedback", ingest, batch.encode());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        expectedN += 20;
        long want = expectedN;
        // The healthy client sees this batch; every message's seq is the previous one plus one.
        while (true) {
          JsonObject m = healthy.next(5, type("update"));
          assertThat(m.getLong("seq")).isEqualTo(seq + 1);
          seq = m.getLong("seq");
          if (m.getJsonObject("data").getJsonObject("overall").getJsonObject("nps").getLong("n") == want) break;
        }
        ackToUpdateMs.add((System.nanoTime() - sent) / 1_000_000);
      }
      assertThat(server.server().liveStats().droppedClients()).isEqualTo(1);
      // What the stuck client finally reads, once it reads again: a bounded tail, then close 4429.
      assertThat(slow.readUntilClose()).isEqualTo(4429);
      assertThat(server.server().liveStats().deferredUpdates()).isPositive();
      // The healthy client was never held up for long by the stuck one (generous bound: noisy 2-core CI).
      ackToUpdateMs.sort(Long::compare);
      assertThat(ackToUpdateMs.get(ackToUpdateMs.size() / 2)).as("median ms from POST to update").isLessThan(1_000);
      assertThat(healthy.isClosed()).isFalse();
    } finally {
      vertx.close();
    }
  }
}
