package io.cxpulse.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxpulse.store.CounterStore;
import io.cxpulse.testing.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Issue 19's input findings: unbounded settings (caseSlaHours 1e12), NUL characters that reached
 * PostgreSQL (500, or 503 with the database's words), look-alike segment values, and a segment key
 * filled with junk that nobody could remove.
 */
@DisplayName("Bounded settings, NUL-safe fields, one spelling per segment value, and junk values an admin can delete")
class InputHygieneTest {
  private static TestServer server;
  private static String admin;

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of("RATE_AUTH_FAILURES_PER_IP", "0"));
    admin = server.token("acme", "admin", "manager", "viewer");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static HttpResponse<String> put(String body) {
    return server.send(HttpRequest.newBuilder(server.uri("/api/v1/catalog")).header("Authorization", "Bearer " + admin)
        .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body)).build());
  }

  private static void refused(HttpResponse<String> r, int status, String path) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    JsonObject error = new JsonObject(r.body());
    assertThat(error.getJsonArray("details").stream().map(d -> ((JsonObject) d).getString("path")).toList())
        .as(r.body()).anyMatch(p -> p.equals(path) || p.startsWith(path + "/"));
    assertThat(r.body()).doesNotContain("SQL").doesNotContain("ERROR").doesNotContain("byte sequence")
        .doesNotContain("out of range for type");
  }

  @Test
  @DisplayName("the catalog refuses caseSlaHours 1e12 and every other out-of-range setting with 400 naming it; nothing changes; a year is accepted")
  void boundedSettings() {
    String before = server.get("/api/v1/catalog", admin).body();
    Map<String, Object> bad = Map.ofEntries(
        Map.entry("caseSlaHours", 1e12), Map.entry("segmentLimit", 0), Map.entry("privacyMinN", "5"),
        Map.entry("outcomeHorizonDays", 100_000), Map.entry("raterWeights", new JsonObject().put("empathy", 1e300)),
        Map.entry("outcomeTypes", new JsonArray().add("Not A Code")), Map.entry("stages", "buy"),
        Map.entry("segmentValues", new JsonObject().put("store", new JsonArray().add("s\u200B1"))));
    bad.forEach((setting, value) -> refused(put(new JsonObject().put(setting, value).encode()), 400, "/" + setting));
    refused(put("{\"caseSlaHours\":-1}"), 400, "/caseSlaHours");
    refused(put("{\"touchpoints\":[{\"code\":\"hotline\",\"targets\":{\"nps\":1e12}}]}"), 400, "/touchpoints/0/targets/nps");
    refused(put("{\"touchpoints\":[{\"code\":\"hotline\",\"order\":1e12}]}"), 400, "/touchpoints/0/order");
    // A NUL in a name was a 503 carrying PostgreSQL's "invalid byte sequence" text.
    refused(put("{\"name\":\"Acme\\u0000\"}"), 400, "/name");
    refused(put("{\"touchpoints\":[{\"code\":\"hotline\",\"name\":\"Hot\\u202Eenil\"}]}"), 400, "/touchpoints/0/name");
    refused(put("{\"reasons\":[{\"code\":\"speed\",\"label\":\"a\\u0007b\"}]}"), 400, "/reasons/0/label");
    assertThat(server.get("/api/v1/catalog", admin).body()).isEqualTo(before);
    HttpResponse<String> ok = put("{\"caseSlaHours\":8760,\"privacyMinN\":5,\"outcomeHorizonDays\":730}");
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
    assertThat(new JsonObject(ok.body()).getInteger("caseSlaHours")).isEqualTo(8760);
  }

  @Test
  @DisplayName("NUL and other control characters are 400 naming the field on every write and in every query, never a 5xx")
  void nulEverywhere() {
    String ingest = server.ingestToken("acme");
    refused(server.postJson("/api/v1/feedback", ingest, "{\"touchpoint\":\"hotline\",\"nps\":9,\"customerId\":\"c\\u0000\"}"),
        400, "/customerId");
    refused(server.postJson("/api/v1/feedback", ingest, "{\"touchpoint\":\"hotline\",\"comment\":\"a\\u0001b\"}"), 400, "/comment");
    refused(server.postJson("/api/v1/outcomes", ingest, "{\"eventId\":\"o1\",\"customerId\":\"c\\u0000\",\"type\":\"purchase\"}"),
        400, "/customerId");
    refused(server.postJson("/api/v1/devices", admin, "{\"name\":\"Lobby\\u0000TV\"}"), 400, "/name");
    for (String path : List.of("/api/v1/verbatims?q=", "/api/v1/scorecards?window=", "/api/v1/cases?status=",
        "/api/v1/leaderboard?segment=", "/api/v1/value/issues?outcome=", "/api/v1/trends?metric=")) {
      String param = path.substring(path.indexOf('?') + 1, path.length() - 1);
      refused(server.get(path + "%00", admin), 400, param);
    }
    refused(server.get("/api/v1/scorecards?segment.store=s%E2%80%8B1", admin), 400, "segment.store");
    // A comment keeps its lines and tabs.
    assertThat(server.postJson("/api/v1/feedback", ingest,
        "{\"touchpoint\":\"hotline\",\"nps\":9,\"comment\":\"line 1\\r\\nline 2\\tend\"}").statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("segment values: invisible, bidi and mixed-script look-alikes are 400; two spellings of é are one value (NFC)")
  void lookAlikes() {
    String ingest = server.ingestToken("acme");
    for (String junk : List.of("s01\u200B", "\uFEFFs01", "s\u202E10", "st\u043Ere", "s01 ", "s\u00A001")) {
      HttpResponse<String> r = server.postJson("/api/v1/feedback", ingest, new JsonObject().put("touchpoint", "store")
          .put("nps", 9).put("segment", new JsonObject().put("store", junk)).encode());
      refused(r, 400, "/segment/store");
    }
    for (String spelling : List.of("caf\u00E9", "cafe\u0301")) {
      assertThat(server.postJson("/api/v1/feedback", ingest, new JsonObject().put("touchpoint", "store").put("nps", 9)
          .put("segment", new JsonObject().put("region", spelling)).encode()).statusCode()).isEqualTo(200);
    }
    JsonArray regions = new JsonObject(server.get("/api/v1/segments/region", admin).body()).getJsonArray("items");
    assertThat(regions.stream().map(o -> ((JsonObject) o).getString("value")).toList()).containsExactly("caf\u00E9");
    assertThat(regions.getJsonObject(0).getLong("responses")).isEqualTo(2);
    // A filter finds it whichever way it is spelled.
    JsonObject cards = new JsonObject(server.get("/api/v1/scorecards?window=today&segment.region="
        + URLEncoder.encode("cafe\u0301", StandardCharsets.UTF_8), admin).body());
    assertThat(cards.getJsonObject("overall").getJsonObject("nps").getLong("n")).isEqualTo(2);
  }

  @Test
  @DisplayName("junk that filled a key's limit is deleted by an admin (counters and tags, verify clean) and a legitimate new value fits again; a token limited to known values cannot add any")
  void junkSegmentValues() throws Exception {
    HttpResponse<String> limit = server.send(HttpRequest.newBuilder(server.uri("/api/v1/catalog"))
        .header("Authorization", "Bearer " + server.token("globex", "admin")).header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString("{\"segments\":[\"store\"],\"segmentLimit\":3,"
            + "\"segmentValues\":{\"store\":[\"s-listed\"]}}")).build());
    assertThat(limit.statusCode()).as(limit.body()).isEqualTo(200);
    String globexAdmin = server.token("globex", "admin");
    String ingest = server.ingestToken("globex");
    for (String junk : List.of("junk-1", "junk-2", "junk-3")) assertThat(post(ingest, junk).statusCode()).isEqualTo(200);
    HttpResponse<String> full = post(ingest, "s-new");
    assertThat(full.statusCode()).isEqualTo(422);
    assertThat(new JsonObject(full.body()).getString("error")).isEqualTo("segment_limit");

    HttpResponse<String> del = server.send(HttpRequest.newBuilder(server.uri("/api/v1/segments/store/values/junk-2"))
        .header("Authorization", "Bearer " + globexAdmin).DELETE().build());
    assertThat(del.statusCode()).as(del.body()).isEqualTo(200);
    assertThat(new JsonObject(del.body()).getInteger("responses")).isEqualTo(1);
    assertThat(server.send(HttpRequest.newBuilder(server.uri("/api/v1/segments/store/values/junk-2"))
        .header("Authorization", "Bearer " + globexAdmin).DELETE().build()).statusCode()).isEqualTo(404);
    assertThat(server.send(HttpRequest.newBuilder(server.uri("/api/v1/segments/store/values/junk-1"))
        .header("Authorization", "Bearer " + server.token("globex", "viewer")).DELETE().build()).statusCode()).isEqualTo(403);
    assertThat(post(ingest, "s-new").statusCode()).isEqualTo(200);
    JsonArray values = new JsonObject(server.get("/api/v1/segments/store", globexAdmin).body()).getJsonArray("items");
    assertThat(values.stream().map(o -> ((JsonObject) o).getString("value")).toList())
        .containsExactly("junk-1", "junk-3", "s-new");
    assertThat(verify()).as("counters equal the recount after the deletion").isEmpty();

    // A token limited to known values: counted or listed values pass, anything new is 422.
    String known = server.server().tokens().issue("survey", "globex", List.of("ingest"), null, Duration.ofHours(1), true);
    assertThat(post(known, "junk-1").statusCode()).isEqualTo(200);
    HttpResponse<String> unknown = post(known, "junk-4");
    assertThat(unknown.statusCode()).isEqualTo(422);
    assertThat(new JsonObject(unknown.body()).getJsonArray("details").getJsonObject(0).getString("path"))
        .isEqualTo("/0/segment/store");
    // Listed values still count against the limit (3 values are counted: full).
    assertThat(post(known, "s-listed").statusCode()).isEqualTo(422);
    assertThat(server.send(HttpRequest.newBuilder(server.uri("/api/v1/segments/store/values/junk-3"))
        .header("Authorization", "Bearer " + globexAdmin).DELETE().build()).statusCode()).isEqualTo(200);
    assertThat(post(known, "s-listed").statusCode()).isEqualTo(200);
    assertThat(verify()).isEmpty();
  }

  private static HttpResponse<String> post(String token, String store) {
    return server.postJson("/api/v1/feedback", token, new JsonObject().put("touchpoint", "hotline").put("nps", 7)
        .put("segment", new JsonObject().put("store", store)).encode());
  }

  private static List<CounterStore.Difference> verify() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      Pool pool = PgBuilder.pool().connectingTo(PgConnectOptions.fromUri(server.databaseUrl())).using(vertx).build();
      return new CounterStore(pool, Duration.ofHours(6), Duration.ofDays(8)).verify(Instant.now())
          .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
