package io.cxpulse.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxpulse.testing.LiveClient;
import io.cxpulse.testing.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Tenant B ("acme") has data: responses with a marked comment, a detractor, a device. A token of
 * tenant A ("globex") with every role tries each endpoint with B's touchpoints and ids. Each row
 * asserts its exact status, that no reply holds any of B's data, and at the end that B's data is
 * exactly what B wrote. One line per endpoint: new endpoints are appended to {@link #ROWS}.
 */
@DisplayName("Tenant isolation: a token of tenant A cannot read or change tenant B's data through any endpoint or the WebSocket")
class CrossTenantTest {
  private static final String SECRET = "ACME-ONLY-7f3a";
  private static TestServer server;
  private static Vertx vertx;
  private static String bDevice;
  private static String bCase;
  private static String aToken;
  /** The NPS of every response written to B, in order, for the expected counts. */
  private static final List<Integer> bNps = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** method, path (B's touchpoints and ids: {device} is B's device id), body, the exact status expected. */
  record Row(String method, String path, String body, int status) {}

  private static final List<Row> ROWS = List.of(
      new Row("POST", "/api/v1/feedback", "{\"touchpoint\":\"store\",\"nps\":0,\"comment\":\"x\"}", 422),
      new Row("POST", "/api/v1/feedback", "{\"tenant\":\"acme\",\"touchpoint\":\"store\",\"nps\":0}", 400),
      new Row("GET", "/api/v1/scorecards?window=today&touchpoints=store", null, 400),
      new Row("GET", "/api/v1/scorecards?window=today&touchpoints=app,store", null, 400),
      new Row("GET", "/api/v1/scorecards?window=today&tenant=acme", null, 200),
      new Row("GET", "/api/v1/reasons?window=today&touchpoints=store", null, 400),
      new Row("GET", "/api/v1/reasons?window=today&tenant=acme", null, 200),
      new Row("GET", "/api/v1/catalog?tenant=acme", null, 200),
      new Row("GET", "/api/v1/devices?tenant=acme", null, 200),
      new Row("POST", "/api/v1/devices", "{\"name\":\"steal\",\"touchpoints\":[\"store\"]}", 400),
      new Row("DELETE", "/api/v1/devices/{device}", null, 404),
      new Row("GET", "/api/v1/scorecards?window=today&segment.region=north", null, 400),
      new Row("GET", "/api/v1/scorecards?window=today&compare=previous&touchpoints=store", null, 400),
      new Row("GET", "/api/v1/trends?metric=nps&step=hour&window=today&touchpoints=store", null, 400),
      new Row("GET", "/api/v1/trends?metric=nps&step=hour&window=today&tenant=acme", null, 200),
      new Row("GET", "/api/v1/leaderboard?segment=region&window=today", null, 400),
      new Row("GET", "/api/v1/best?window=today&touchpoints=store", null, 400),
      new Row("GET", "/api/v1/best?window=today&tenant=acme", null, 200),
      new Row("GET", "/api/v1/verbatims?q=7f3a&window=30d", null, 200),
      new Row("GET", "/api/v1/verbatims?window=30d&touchpoints=store", null, 400),
      new Row("GET", "/api/v1/verbatims?window=30d&category=detractor&tenant=acme", null, 200),
      new Row("GET", "/api/v1/values?window=today&tenant=acme", null, 200),
      new Row("GET", "/api/v1/cases?tenant=acme", null, 200),
      new Row("GET", "/api/v1/cases?touchpoints=store", null, 400),
      new Row("GET", "/api/v1/cases/{case}", null, 404),
      new Row("PATCH", "/api/v1/cases/{case}", "{\"status\":\"closed\",\"note\":\"x\"}", 404),
      // The same eventId as B's outcome is a new outcome of A's own (idempotency is per tenant).
      new Row("POST", "/api/v1/outcomes", "{\"eventId\":\"ob-1\",\"customerId\":\"cb-1\",\"type\":\"purchase\",\"amount\":1}", 200),
      new Row("GET", "/api/v1/value/target?window=30d&touchpoints=store", null, 400),
      new Row("GET", "/api/v1/value/target?window=30d&tenant=acme", null, 200),
      new Row("GET", "/api/v1/value/issues?window=30d&tenant=acme", null, 200),
      new Row("GET", "/api/v1/value/earned-growth?step=month&tenant=acme", null, 200),
      new Row("PUT", "/api/v1/catalog", "{\"id\":\"acme\",\"touchpoints\":[{\"code\":\"store\",\"name\":\"Stolen\"}]}", 403)
  );

  @BeforeAll
  static void start() {
    // Every endpoint, twice per tenant, back to back with one token: the read budget
    // (security/ReadBudgetTest) would answer 429 before the isolation is checked, so it is off here.
    server = TestServer.start(Map.of("LIVE_TICK_MS", "100", "RATE_READ_PER_TOKEN", "0", "RATE_READ_PER_TENANT", "0"));
    vertx = Vertx.vertx();
    String bIngest = server.ingestToken("acme");
    JsonArray batch = new JsonArray()
        .add(new JsonObject().put("eventId", "b-1").put("touchpoint", "store").put("nps", 10).put("comment", SECRET + " promoter"))
        .add(new JsonObject().put("eventId", "b-2").put("touchpoint", "store").put("nps", 2).put("comment", SECRET + " detractor")
            .put("reasons", new JsonArray().add("speed")).put("customerId", "cb-1").put("contactConsent", true))
        .add(new JsonObject().put("eventId", "b-3").put("touchpoint", "hotline").put("nps", 7));
    assertThat(server.postJson("/api/v1/feedback", bIngest, batch.encode()).statusCode()).isEqualTo(200);
    bNps.addAll(List.of(10, 2, 7));
    assertThat(server.postJson("/api/v1/outcomes", bIngest, new JsonObject().put("eventId", "ob-1").put("customerId", "cb-1")
        .put("type", "purchase").put("amount", 99).encode()).statusCode()).isEqualTo(200);
    // b-2 is a consenting detractor: B has a follow-up case (opened in the feedback transaction).
    bCase = new JsonObject(server.get("/api/v1/cases", server.token("acme", "manager")).body())
        .getJsonArray("cases").getJsonObject(0).getValue("id").toString();
    HttpResponse<String> d = server.postJson("/api/v1/devices", server.token("acme", "admin"),
        new JsonObject().put("name", SECRET + " TV").encode());
    bDevice = new JsonObject(d.body()).getString("id");
    aToken = server.token("globex", "ingest", "viewer", "manager", "admin");
  }

  @AfterAll
  static void stop() {
    vertx.close();
    server.close();
  }

  @Test
  @DisplayName("every endpoint: the exact status, and no reply contains B's comments, device, touchpoint names or tenant id")
  void everyEndpoint() {
    for (Row row : ROWS) {
      String path = row.path().replace("{device}", bDevice).replace("{case}", bCase);
      HttpRequest.Builder b = HttpRequest.newBuilder(server.uri(path)).header("Authorization", "Bearer " + aToken);
      if (row.body() != null) b.header("Content-Type", "application/json");
      b.method(row.method(), row.body() == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(row.body()));
      HttpResponse<String> r = server.send(b.build());
      assertThat(r.statusCode()).as("%s %s -> %s", row.method(), path, r.body()).isEqualTo(row.status());
      assertThat(r.body()).as("%s %s", row.method(), path).doesNotContain(SECRET).doesNotContain(bDevice)
          .doesNotContain("\"acme\"").doesNotContain("Store");
    }
  }

  @Test
  @DisplayName("A's own reads show A's tenant with n = 0, and B's data is exactly what B wrote (counted from the scores B sent) with B's device still working")
  void bUntouched() {
    everyEndpoint();
    JsonObject a = new JsonObject(server.get("/api/v1/scorecards?window=today", aToken).body());
    assertThat(a.getString("tenant")).isEqualTo("globex");
    assertThat(a.getJsonObject("overall").getJsonObject("nps").getLong("n")).isZero();
    JsonObject nps = new JsonObject(server.get("/api/v1/scorecards?window=today", server.viewerToken("acme")).body())
        .getJsonObject("overall").getJsonObject("nps");
    assertThat(nps.getLong("n")).isEqualTo(bNps.size());
    assertThat(nps.getLong("promoters")).isEqualTo(bNps.stream().filter(v -> v >= 9).count());
    assertThat(nps.getLong("detractors")).isEqualTo(bNps.stream().filter(v -> v <= 6).count());
    HttpResponse<String> devices = server.get("/api/v1/devices", server.token("acme", "admin"));
    assertThat(devices.body()).contains(bDevice).contains("\"active\"");
    JsonObject bCaseNow = new JsonObject(server.get("/api/v1/cases/" + bCase, server.token("acme", "manager")).body());
    assertThat(bCaseNow.getString("status")).isEqualTo("open");
    assertThat(bCaseNow.getJsonArray("history").encode()).doesNotContain("globex");
  }

  @Test
  @DisplayName("WebSocket: A cannot subscribe to B's touchpoints or tenant, and sees neither B's numbers nor B's detractor alerts")
  void webSocket() {
    try (LiveClient c = LiveClient.ready(vertx, server.server().port(), server.viewerToken("globex"))) {
      c.subscribe("b", "1h", "store");
      JsonObject err = c.next(10, LiveClient.type("error"));
      assertThat(err.getString("error")).isEqualTo("unknown_code");
      c.send(new JsonObject().put("type", "subscribe").put("id", "t").put("window", "1h").put("tenant", "acme"));
      assertThat(c.next(10, LiveClient.type("error")).getString("error")).isEqualTo("forbidden");
      c.subscribe("mine", "1h");
      JsonObject snap = c.next(10, LiveClient.type("snapshot"));
      assertThat(snap.getJsonObject("data").getString("tenant")).isEqualTo("globex");
      assertThat(snap.encode()).doesNotContain(SECRET).doesNotContain("\"acme\"");
      // A new detractor in B, on a touchpoint code both tenants have: no alert reaches A.
      assertThat(server.postJson("/api/v1/feedback", server.ingestToken("acme"),
          new JsonObject().put("eventId", "b-4").put("touchpoint", "hotline").put("nps", 0).put("comment", SECRET + " alert")
              .put("contactConsent", true).encode()).statusCode()).isEqualTo(200);
      bNps.add(0);
      long until = System.currentTimeMillis() + 1500;
      while (System.currentTimeMillis() < until) {
        JsonObject m = c.poll();
        if (m == null) {
          try { Thread.sleep(50); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
          continue;
        }
        assertThat(m.getString("type")).isNotEqualTo("alert");
        assertThat(m.encode()).doesNotContain(SECRET).doesNotContain("\"acme\"");
      }
    }
  }
}
