package io.cxpulse.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxpulse.testing.LiveClient;
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

@DisplayName("Segment cardinality limits, and the live fix-first alert over a real WebSocket")
class SegmentLimitAndAlertTest {

  private static JsonObject item(String id, String tp, int nps, String store) {
    JsonObject o = new JsonObject().put("eventId", id).put("touchpoint", tp).put("nps", nps);
    if (store != null) o.put("segment", new JsonObject().put("store", store));
    return o;
  }

  @Test
  @DisplayName("a value past a key's limit rejects the whole batch with 422 at /<i>/segment/<key>; known values still pass")
  void segmentLimit() {
    try (TestServer server = TestServer.start(Map.of("SEGMENT_LIMIT", "3"))) {
      String ingest = server.ingestToken("acme");
      String viewer = server.viewerToken("acme");
      server.postFeedback("acme", item("a", "store", 9, "s1"), item("b", "store", 9, "s2"), item("c", "store", 9, "s3"));
      HttpResponse<String> over = server.sendFeedback(ingest, item("d", "store", 0, "s1"), item("e", "store", 0, "s4"));
      assertThat(over.statusCode()).as(over.body()).isEqualTo(422);
      JsonObject error = new JsonObject(over.body());
      assertThat(error.getString("error")).isEqualTo("segment_limit");
      assertThat(error.getJsonArray("details").getJsonObject(0).getString("path")).isEqualTo("/1/segment/store");
      assertThat(error.getJsonArray("details").getJsonObject(0).getString("message")).contains("limit is 3");
      // Nothing of that batch was stored: "d" (a known value) is not counted either.
      JsonObject cards = server.scorecards(viewer, "window=1h");
      assertThat(cards.getJsonObject("overall").getJsonObject("nps").getLong("n")).isEqualTo(3);
      // Known values, responses without that key, and uncounted keys are still accepted.
      server.postFeedback("acme", item("d", "store", 0, "s1"), item("f", "app", 5, null));
      JsonObject s1 = server.scorecards(viewer, "window=1h&segment.store=s1");
      assertThat(s1.getJsonObject("overall").getJsonObject("nps").getLong("n")).isEqualTo(2);
      // After a restart the known values are loaded from segment_counter: the limit still holds.
      server.restart();
      assertThat(server.sendFeedback(ingest, item("g", "store", 0, "s5")).statusCode()).isEqualTo(422);
      server.postFeedback("acme", item("h", "store", 0, "s3"));
    }
  }

  @Test
  @DisplayName("a reason moving into fix-first sends one live alert to screens watching that touchpoint, not one per tick")
  void fixFirstAlert() {
    Vertx vertx = Vertx.vertx();
    try (TestServer server = TestServer.start(Map.of("LIVE_TICK_MS", "100", "QUADRANT_ALERT_MIN_N", "20"))) {
      try (LiveClient hotline = LiveClient.ready(vertx, server.server().port(), server.viewerToken("acme"));
           LiveClient app = LiveClient.ready(vertx, server.server().port(), server.viewerToken("acme"))) {
        hotline.subscribe("wall", "1h", "hotline");
        hotline.next(5, LiveClient.type("snapshot"));
        app.subscribe("wall", "1h", "app");
        app.next(5, LiveClient.type("snapshot"));
        // 30 detractors choosing price, 30 promoters choosing attitude, 3 of them quality too.
        // Level 1, N = 60: price n 30, attention .5, sub-NPS -100; attitude n 30, .5, +100; quality n 3, .05, +100.
        // Means: attention 1.05/3 = .35, sub-NPS 100/3 = 33.3. Price is fix-first and certain of it:
        // attention Wilson(30/60) = [.377, .623] above .35, sub-NPS interval [-100, -78.7] below 33.3.
        List<JsonObject> items = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
          items.add(item("p" + i, "hotline", 2, null).put("reasons", new JsonArray().add("price")));
        }
        for (int i = 0; i < 30; i++) {
          JsonArray reasons = new JsonArray().add("attitude");
          if (i < 3) reasons.add("quality");
          items.add(item("q" + i, "hotline", 10, null).put("reasons", reasons));
        }
        server.postFeedback("acme", items);
        JsonObject alert = hotline.next(10, m -> "alert".equals(m.getString("type")) && "fix-first".equals(m.getString("kind")));
        assertThat(alert.getString("touchpoint")).isEqualTo("hotline");
        assertThat(alert.getString("reason")).isEqualTo("price");
        assertThat(alert.getString("label")).isEqualTo("Price");
        assertThat(alert.getDouble("attention")).isEqualTo(0.5);
        assertThat(alert.getDouble("subNps")).isEqualTo(-100.0);
        assertThat(alert.getLong("n")).isEqualTo(60);
        assertThat(alert.getLong("reasonN")).isEqualTo(30);
        // n = 30, P = 0, D = 30: n' = 33, p' = .75/33, d' = 30.75/33, v' = p' + d' - (p' - d')^2 = .126263,
        // MoE = 100 * 1.96 * sqrt(v'/33) = 12.21; interval [-100, -78.70]; n at least MIN_N (20 here).
        assertThat(alert.getDouble("subNpsMoe")).isCloseTo(12.211591, org.assertj.core.api.Assertions.within(1e-5));
        assertThat(alert.getJsonArray("ci").getDouble(0)).isEqualTo(-100.0);
        assertThat(alert.getJsonArray("ci").getDouble(1)).isCloseTo(-78.697499, org.assertj.core.api.Assertions.within(1e-5));
        assertThat(alert.getBoolean("lowConfidence")).isFalse();
        // On the app, price is fix-first by its point estimates and chosen by 10 (the item minimum),
        // but not certain: N = 22, price n 10, attention .4545, sub-NPS -100; attitude n 10, .4545,
        // +100; quality n 1, .045, +100; means .318 and 33.3; Wilson(10/22) = [.269, .653] contains
        // .318, so price is "uncertain": no alert.
        List<JsonObject> thin = new ArrayList<>();
        for (int i = 0; i < 10; i++) thin.add(item("ap" + i, "app", 2, null).put("reasons", new JsonArray().add("price")));
        for (int i = 0; i < 10; i++) {
          JsonArray reasons = new JsonArray().add("attitude");
          if (i == 0) reasons.add("quality");
          thin.add(item("aq" + i, "app", 10, null).put("reasons", reasons));
        }
        thin.add(item("an0", "app", 7, null));
        thin.add(item("an1", "app", 8, null));
        server.postFeedback("acme", thin);
        // The REST reasons say the same: uncertain, with the point estimates' quadrant beside it.
        JsonObject price = new JsonObject(server.get("/api/v1/reasons?window=1h&touchpoints=app", server.viewerToken("acme"))
            .body()).getJsonArray("items").stream().map(o -> (JsonObject) o)
            .filter(i -> i.getString("code").equals("price")).findFirst().orElseThrow();
        assertThat(price.getString("quadrant")).isEqualTo("uncertain");
        assertThat(price.getString("pointQuadrant")).isEqualTo("fix-first");
        for (JsonObject seen = app.next(5); ; seen = app.next(5)) {
          assertThat(seen.getString("kind")).as(seen.encode()).isNotEqualTo("fix-first");
          if ("update".equals(seen.getString("type"))) break;
        }
        assertThat(alert.getString("at")).endsWith("+08:00");
        // Still fix-first after another detractor: no second alert while it stays there.
        assertThat(server.postJson("/api/v1/feedback", server.ingestToken("acme"),
            item("p30", "hotline", 1, null).put("reasons", new JsonArray().add("price")).encode()).statusCode()).isEqualTo(200);
        hotline.next(5, m -> "update".equals(m.getString("type")));
        long deadline = System.currentTimeMillis() + 1500;
        while (System.currentTimeMillis() < deadline) {
          JsonObject m = hotline.poll();
          if (m != null) assertThat(m.getString("kind")).as(m.encode()).isNotEqualTo("fix-first");
          else Thread.sleep(50);
        }
        // The screen watching only the app heard nothing about the hotline, nor about its own thin item.
        JsonObject m;
        while ((m = app.poll()) != null) assertThat(m.getString("kind")).as(m.encode()).isNotEqualTo("fix-first");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    } finally {
      vertx.close();
    }
  }
}
