package io.cxpulse.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.cxpulse.testing.LiveClient;
import io.cxpulse.testing.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("GET /metrics after known traffic")
class MetricsTest {

  static Scrape scrape(TestServer server) {
    HttpResponse<String> r = server.get("/metrics", null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue(Metrics.CONTENT_TYPE);
    return Scrape.parse(r.body());
  }

  /** Scrapes until {@code done} holds, for values that other threads set a moment after what the test waited for. */
  static Scrape scrapeUntil(TestServer server, int seconds, Predicate<Scrape> done) {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    while (true) {
      Scrape s = scrape(server);
      if (done.test(s) || System.nanoTime() > deadline) return s;
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  static JsonObject item(String eventId, String touchpoint) {
    return new JsonObject().put("eventId", eventId).put("touchpoint", touchpoint);
  }

  @Test
  @DisplayName("counts committed responses by category, rating sums and counts, duplicates and every refused request by reason")
  void businessAndIngest() {
    try (TestServer server = TestServer.start()) {
      String ingest = server.ingestToken("acme");
      // hotline: promoters 10, 9; passives 8; detractors 6, 0. store: one promoter. app: CSAT only.
      HttpResponse<String> first = server.sendFeedback(ingest,
          item("m-1", "hotline").put("nps", 10).put("csat", 5),
          item("m-2", "hotline").put("nps", 9).put("csat", 4).put("ces", 7),
          item("m-3", "hotline").put("nps", 8),
          item("m-4", "hotline").put("nps", 6).put("csat", 2).put("rater", new JsonObject().put("reliability", 3)),
          item("m-5", "hotline").put("nps", 0).put("rater", new JsonObject().put("empathy", 5).put("reliability", 4)),
          item("m-6", "store").put("nps", 9),
          item("m-7", "app").put("csat", 3));
      assertThat(first.body()).isEqualTo("{\"accepted\":7,\"duplicates\":0}");
      // Two retries and one new passive (7): the retries must not be counted again.
      HttpResponse<String> second = server.sendFeedback(ingest,
          item("m-1", "hotline").put("nps", 10).put("csat", 5),
          item("m-6", "store").put("nps", 9),
          item("m-8", "hotline").put("nps", 7));
      assertThat(second.body()).isEqualTo("{\"accepted\":1,\"duplicates\":2}");

      assertThat(server.sendFeedback(ingest, item("bad", "hotline").put("nps", 11)).statusCode()).isEqualTo(400);
      assertThat(server.sendFeedback(ingest, item("bad", "nowhere").put("nps", 5)).statusCode()).isEqualTo(422);
      assertThat(server.post("/api/v1/feedback", ingest, "text/plain", "{}").statusCode()).isEqualTo(415);
      assertThat(server.sendFeedback(null, item("bad", "hotline").put("nps", 5)).statusCode()).isEqualTo(401);
      assertThat(server.sendFeedback(server.viewerToken("acme"), item("bad", "hotline").put("nps", 5)).statusCode())
          .isEqualTo(403);
      server.send(HttpRequest.newBuilder(server.uri("/health/live")).method("BREW", HttpRequest.BodyPublishers.noBody())
          .build());

      Scrape s = scrapeUntil(server, 5, x -> x.value("cxpulse_ingest_requests_total", "outcome", "forbidden") == 1);
      String[] hotline = {"tenant", "acme", "touchpoint", "hotline"};
      assertThat(s.value("cxpulse_responses_total", hotline)).isEqualTo(6);
      assertThat(s.value("cxpulse_responses_total", "tenant", "acme", "touchpoint", "store")).isEqualTo(1);
      assertThat(s.value("cxpulse_responses_total", "tenant", "acme", "touchpoint", "app")).isEqualTo(1);
      assertThat(s.value("cxpulse_responses_total", "tenant", "globex", "touchpoint", "web")).isZero();
      assertThat(s.value("cxpulse_nps_responses_total", "tenant", "acme", "touchpoint", "hotline", "category", "promoter"))
          .isEqualTo(2);
      assertThat(s.value("cxpulse_nps_responses_total", "tenant", "acme", "touchpoint", "hotline", "category", "passive"))
          .isEqualTo(2);
      assertThat(s.value("cxpulse_nps_responses_total", "tenant", "acme", "touchpoint", "hotline", "category", "detractor"))
          .isEqualTo(2);
      assertThat(s.value("cxpulse_nps_responses_total", "tenant", "acme", "touchpoint", "store", "category", "promoter"))
          .isEqualTo(1);
      assertThat(s.find("cxpulse_nps_responses_total", "tenant", "acme", "touchpoint", "app"))
          .extracting(Scrape.Sample::value).containsOnly(0.0);

      // CSAT 5, 4, 2 at the hotline: n 3, sum 11, one at or below 3 (top-2-box 2 of 3).
      assertThat(s.value("cxpulse_csat_score_count", hotline)).isEqualTo(3);
      assertThat(s.value("cxpulse_csat_score_sum", hotline)).isEqualTo(11);
      assertThat(s.value("cxpulse_csat_score_bucket", "tenant", "acme", "touchpoint", "hotline", "le", "3.0")).isEqualTo(1);
      assertThat(s.value("cxpulse_csat_score_bucket", "tenant", "acme", "touchpoint", "hotline", "le", "+Inf")).isEqualTo(3);
      assertThat(s.value("cxpulse_csat_score_sum", "tenant", "acme", "touchpoint", "app")).isEqualTo(3);
      assertThat(s.value("cxpulse_ces_score_count", hotline)).isEqualTo(1);
      assertThat(s.value("cxpulse_ces_score_sum", hotline)).isEqualTo(7);
      assertThat(s.value("cxpulse_rater_score_count", "tenant", "acme", "touchpoint", "hotline", "dimension", "reliability"))
          .isEqualTo(2);
      assertThat(s.value("cxpulse_rater_score_sum", "tenant", "acme", "touchpoint", "hotline", "dimension", "reliability"))
          .isEqualTo(7);
      assertThat(s.value("cxpulse_rater_score_sum", "tenant", "acme", "touchpoint", "hotline", "dimension", "empathy"))
          .isEqualTo(5);
      assertThat(s.value("cxpulse_nps_target", hotline)).isEqualTo(40);
      assertThat(s.find("cxpulse_nps_target", "tenant", "acme", "touchpoint", "app")).isEmpty();

      assertThat(s.value("cxpulse_ingest_requests_total", "outcome", "acknowledged")).isEqualTo(2);
      assertThat(s.value("cxpulse_ingest_requests_total", "outcome", "invalid")).isEqualTo(1);
      assertThat(s.value("cxpulse_ingest_requests_total", "outcome", "unknown_code")).isEqualTo(1);
      assertThat(s.value("cxpulse_ingest_requests_total", "outcome", "unsupported_media_type")).isEqualTo(1);
      assertThat(s.value("cxpulse_ingest_requests_total", "outcome", "unauthorized")).isEqualTo(1);
      assertThat(s.value("cxpulse_ingest_requests_total", "outcome", "forbidden")).isEqualTo(1);
      assertThat(s.value("cxpulse_ingest_requests_total", "outcome", "unavailable")).isZero();
      assertThat(s.value("cxpulse_ingest_duplicates_total")).isEqualTo(2);
      // Two requests one after the other: two transactions of 7 and 3 rows.
      assertThat(s.value("cxpulse_ingest_batch_responses_count")).isEqualTo(2);
      assertThat(s.value("cxpulse_ingest_batch_responses_sum")).isEqualTo(10);
      assertThat(s.value("cxpulse_ingest_batch_responses_bucket", "le", "5.0")).isEqualTo(1);
      assertThat(s.value("cxpulse_ingest_commit_seconds_count")).isEqualTo(2);
      assertThat(s.value("cxpulse_ingest_commit_seconds_sum")).isPositive();
      assertThat(s.value("cxpulse_ingest_failed_batches_total")).isZero();
      assertThat(s.value("cxpulse_ingest_queued_responses")).isZero();
      assertThat(s.value("cxpulse_counters_ready")).isEqualTo(1);

      // Vert.x, JVM and process metrics share the registry, with bounded labels.
      // The route label joins the matched route templates (for example "/api/>/api/v1/feedback"): never a raw path.
      assertThat(s.find("vertx_http_server_requests_total", "method", "POST", "code", "200"))
          .allSatisfy(x -> assertThat(x.labels().get("route")).endsWith("/api/v1/feedback"))
          .extracting(Scrape.Sample::value).containsExactly(2.0);
      assertThat(s.find("vertx_pool_queue_time_seconds_count", "pool_type", "sql", "pool_name", "writer")).hasSize(1);
      assertThat(s.find("vertx_eventbus_processed_total", "address", "feedback.write")).hasSize(1);
      assertThat(s.find("jvm_memory_used_bytes")).isNotEmpty();
      assertThat(s.value("process_cpu_seconds_total")).isPositive();
      assertThat(s.samples).allSatisfy(x -> assertThat(x.labels()).doesNotContainKeys("path", "remote", "local"));
      assertThat(s.find("vertx_http_server_requests_total", "method", "BREW")).isEmpty();
      assertThat(s.find("vertx_http_server_requests_total", "method", "OTHER")).hasSize(1);
    }
  }

  @Test
  @DisplayName("counts live clients, subscriptions, encoded frames and the messages and payload bytes pushed")
  void live() {
    Vertx vertx = Vertx.vertx();
    try (TestServer server = TestServer.start(Map.of("LIVE_TICK_MS", "100"))) {
      List<JsonObject> received = new ArrayList<>();
      try (LiveClient wall = LiveClient.ready(vertx, server.server().port(), server.viewerToken("acme"));
           LiveClient anonymous = LiveClient.connect(vertx, server.server().port(), null)) {
        // A 7-day view changes only with data (no minute roll), so every message is accounted for.
        wall.subscribe("wall", "7d", "hotline");
        received.add(wall.next(10, LiveClient.type("snapshot")));
        Scrape s = scrapeUntil(server, 5, x -> x.value("cxpulse_live_connections") == 2);
        assertThat(s.value("cxpulse_live_connections")).isEqualTo(2);
        assertThat(s.value("cxpulse_live_clients", "tenant", "acme")).isEqualTo(1);
        assertThat(s.value("cxpulse_live_clients", "tenant", "globex")).isZero();
        assertThat(s.value("cxpulse_live_subscriptions", "tenant", "acme")).isEqualTo(1);

        server.postFeedback("acme", item("l-1", "hotline").put("nps", 9));
        received.add(wall.next(10, LiveClient.type("update")));
        long bytes = 0;
        for (JsonObject m : received) {
          // The shared payload is the scorecards JSON plus the envelope's closing brace.
          bytes += m.getJsonObject("data").encode().getBytes(StandardCharsets.UTF_8).length + 1;
        }
        long expectedBytes = bytes;
        s = scrapeUntil(server, 5, x -> x.value("cxpulse_live_frames_total") == 1);
        assertThat(s.value("cxpulse_live_messages_total")).isEqualTo(2);
        assertThat(s.value("cxpulse_live_sent_bytes_total")).isEqualTo(expectedBytes);
        assertThat(s.value("cxpulse_live_frames_total")).isEqualTo(1);
        assertThat(s.value("cxpulse_live_tick_seconds_count")).isPositive();
        assertThat(s.value("cxpulse_live_dropped_clients_total")).isZero();
        assertThat(s.value("cxpulse_live_dropped_alerts_total")).isZero();
      }
      // A scrape reads the gauges one after the other (clients before connections, by name), so a close
      // between two reads can show connections at 0 and the client still counted: wait for all three.
      Scrape s = scrapeUntil(server, 5, x -> x.value("cxpulse_live_connections") == 0
          && x.value("cxpulse_live_clients", "tenant", "acme") == 0
          && x.value("cxpulse_live_subscriptions", "tenant", "acme") == 0);
      assertThat(s.value("cxpulse_live_connections")).isZero();
      assertThat(s.value("cxpulse_live_clients", "tenant", "acme")).isZero();
      assertThat(s.value("cxpulse_live_subscriptions", "tenant", "acme")).isZero();
    } finally {
      vertx.close();
    }
  }

  @Test
  @DisplayName("a touchpoint added with PUT /catalog gets its live NPS, target and response series without a restart")
  void touchpointAddedLater() {
    try (TestServer server = TestServer.start()) {
      String[] kiosk = {"tenant", "acme", "touchpoint", "kiosk", "window", "1h"};
      assertThat(scrape(server).find("cxpulse_live_nps_responses", kiosk)).isEmpty();
      TestServer.ok(server.putJson("/api/v1/catalog", server.token("acme", "admin"),
          "{\"touchpoints\":[{\"code\":\"kiosk\",\"name\":\"Kiosk\",\"targets\":{\"nps\":45}}]}"));
      server.postFeedback("acme", item("k-1", "kiosk").put("nps", 10), item("k-2", "kiosk").put("nps", 3),
          item("k-3", "kiosk").put("nps", 9));
      // The gauges are refreshed every few seconds by the live hub: (2 − 1) / 3 = 33.3.
      Scrape s = scrapeUntil(server, 20, x -> !x.find("cxpulse_live_nps_responses", kiosk).isEmpty()
          && x.value("cxpulse_live_nps_responses", kiosk) == 3 && Math.abs(x.value("cxpulse_live_nps", kiosk) - 100.0 / 3) < 1e-9);
      assertThat(s.value("cxpulse_live_nps_responses", kiosk)).isEqualTo(3);
      assertThat(s.value("cxpulse_live_nps", kiosk)).isCloseTo(100.0 / 3, within(1e-9));
      assertThat(s.value("cxpulse_nps_target", "tenant", "acme", "touchpoint", "kiosk")).isEqualTo(45);
      assertThat(s.value("cxpulse_responses_total", "tenant", "acme", "touchpoint", "kiosk")).isEqualTo(3);
    }
  }

  @Test
  @DisplayName("each node counts what it committed, while every node's live NPS gauge equals the 1h scorecard")
  void severalNodes() {
    try (TestServer a = TestServer.start(); TestServer b = a.another()) {
      a.postFeedback("acme", item("n-1", "hotline").put("nps", 10), item("n-2", "hotline").put("nps", 10),
          item("n-3", "hotline").put("nps", 3));
      b.postFeedback("acme", item("n-4", "hotline").put("nps", 8));
      String[] hotline = {"tenant", "acme", "touchpoint", "hotline"};
      // P = 2, D = 1, n = 4 over both nodes: NPS 100·(2 − 1)/4 = 25.
      for (TestServer node : List.of(a, b)) {
        // Two gauges read one after the other in a scrape: a refresh between the two reads shows the new n
        // with the previous score, so wait until one scrape holds both.
        Scrape s = scrapeUntil(node, 15, x -> x.value("cxpulse_live_nps_responses", hotline) == 4
            && Math.abs(x.value("cxpulse_live_nps", hotline) - 25.0) < 1e-9);
        assertThat(s.value("cxpulse_live_nps_responses", hotline)).isEqualTo(4);
        assertThat(s.value("cxpulse_live_nps", hotline)).isCloseTo(25.0, within(1e-9));
        JsonObject card = new JsonObject(node.get("/api/v1/scorecards?window=1h&touchpoints=hotline",
            node.viewerToken("acme")).body());
        assertThat(card.getJsonObject("overall").getJsonObject("nps").getDouble("score"))
            .isEqualTo(s.value("cxpulse_live_nps", hotline));
        assertThat(s.value("cxpulse_live_nps", "tenant", "acme", "touchpoint", "store")).isNaN();
      }
      Scrape sa = scrape(a);
      Scrape sb = scrape(b);
      assertThat(sa.value("cxpulse_nps_responses_total", "tenant", "acme", "touchpoint", "hotline", "category", "promoter"))
          .isEqualTo(2);
      assertThat(sa.value("cxpulse_nps_responses_total", "tenant", "acme", "touchpoint", "hotline", "category", "passive"))
          .isZero();
      assertThat(sb.value("cxpulse_nps_responses_total", "tenant", "acme", "touchpoint", "hotline", "category", "promoter"))
          .isZero();
      assertThat(sb.value("cxpulse_nps_responses_total", "tenant", "acme", "touchpoint", "hotline", "category", "passive"))
          .isEqualTo(1);
    }
  }

  @Test
  @DisplayName("beyond METRICS_MAX_TOUCHPOINTS label pairs, responses are counted under touchpoint _other of their tenant")
  void cardinalityCap() {
    try (TestServer server = TestServer.start(Map.of("METRICS_MAX_TOUCHPOINTS", "2"))) {
      server.postFeedback("acme", item("c-1", "app").put("nps", 9), item("c-2", "app").put("nps", 10),
          item("c-3", "hotline").put("nps", 0));
      server.postFeedback("globex", item("c-4", "web").put("nps", 0));
      Scrape s = scrape(server);
      // Tenants by id, touchpoints in journey order: acme/hotline and acme/store keep their codes.
      Set<String> pairs = new TreeSet<>();
      for (Scrape.Sample x : s.find("cxpulse_responses_total")) {
        pairs.add(x.labels().get("tenant") + "/" + x.labels().get("touchpoint"));
      }
      assertThat(pairs).containsExactly("acme/_other", "acme/hotline", "acme/store", "globex/_other");
      assertThat(s.value("cxpulse_nps_responses_total", "tenant", "acme", "touchpoint", "_other", "category", "promoter"))
          .isEqualTo(2);
      assertThat(s.value("cxpulse_nps_responses_total", "tenant", "acme", "touchpoint", "hotline", "category", "detractor"))
          .isEqualTo(1);
      assertThat(s.value("cxpulse_nps_responses_total", "tenant", "globex", "touchpoint", "_other", "category", "detractor"))
          .isEqualTo(1);
      Set<String> touchpointValues = new TreeSet<>();
      s.samples.stream().filter(x -> x.name().startsWith("cxpulse_")).forEach(x -> {
        if (x.labels().containsKey("touchpoint")) touchpointValues.add(x.labels().get("touchpoint"));
      });
      assertThat(touchpointValues).containsExactly("_other", "hotline", "store");
    }
  }
}
