package io.cxpulse.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxpulse.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The read and work endpoints (analysis, cases, value, devices) with hostile query parameters,
 * path ids and bodies: every answer is a JSON reply with a 2xx or 4xx status, never a 5xx, and the
 * data the test wrote first is unchanged afterwards.
 */
@DisplayName("Thousands of hostile query parameters, ids and bodies on every read and work endpoint: never a 5xx")
class QueryFuzzTest {
  private static final long SEED = 20261126L;
  private static final Set<Integer> ALLOWED = Set.of(200, 201, 400, 403, 404, 405, 409, 412, 413, 414, 415, 422, 431);
  private static TestServer server;
  private static String token;
  private static long caseId;

  /** Each endpoint with the parameters it knows (the fuzzer also adds unknown ones). */
  private static final Map<String, List<String>> GETS = Map.ofEntries(
      Map.entry("/api/v1/scorecards", List.of("window", "from", "to", "touchpoints", "compare", "segment.region", "segment.nope")),
      Map.entry("/api/v1/reasons", List.of("window", "from", "to", "touchpoints", "compare", "segment.store")),
      Map.entry("/api/v1/trends", List.of("metric", "step", "window", "from", "to", "touchpoints", "segment.region")),
      Map.entry("/api/v1/leaderboard", List.of("segment", "metric", "window", "from", "to", "touchpoints")),
      Map.entry("/api/v1/best", List.of("window", "from", "to", "touchpoints", "segment.region")),
      Map.entry("/api/v1/verbatims", List.of("q", "category", "reason", "touchpoints", "limit", "before", "window", "from",
          "segment.store")),
      Map.entry("/api/v1/values", List.of("window", "from", "to", "touchpoints")),
      Map.entry("/api/v1/cases", List.of("status", "touchpoints", "olderThan", "overdue", "limit", "before")),
      Map.entry("/api/v1/value/target", List.of("window", "from", "to", "touchpoints")),
      Map.entry("/api/v1/value/issues", List.of("window", "touchpoints", "outcome", "horizonDays")),
      Map.entry("/api/v1/value/earned-growth", List.of("step", "from", "to")),
      Map.entry("/api/v1/devices", List.of("status", "limit")),
      Map.entry("/api/v1/catalog", List.of("tenant")));

  @BeforeAll
  static void start() {
    // Thousands of reads from one token as fast as they come: the read budget (security/ReadBudgetTest)
    // would answer 429 to most of them, so it is off here.
    server = TestServer.start(Map.of("LIVE_TICK_MS", "100", "RATE_AUTH_FAILURES_PER_IP", "0",
        "RATE_READ_PER_TOKEN", "0", "RATE_READ_PER_TENANT", "0"));
    token = server.token("acme", "viewer", "manager", "admin");
    JsonArray seed = new JsonArray();
    for (int i = 0; i < 40; i++) {
      seed.add(new JsonObject().put("eventId", "seed-" + i).put("touchpoint", List.of("hotline", "store", "app").get(i % 3))
          .put("nps", i % 11).put("customerId", "c" + (i % 7)).put("contactConsent", i % 11 <= 6)
          .put("reasons", new JsonArray().add(List.of("speed", "price", "attitude").get(i % 3)))
          .put("segment", new JsonObject().put("region", List.of("north", "south").get(i % 2)).put("store", "s" + (i % 4)))
          .put("comment", i % 2 == 0 ? "排队等了很久 queue " + i : "fine " + i));
    }
    assertThat(server.postJson("/api/v1/feedback", server.ingestToken("acme"), seed.encode()).statusCode()).isEqualTo(200);
    assertThat(server.postJson("/api/v1/outcomes", server.ingestToken("acme"), new JsonObject().put("eventId", "o-1")
        .put("customerId", "c1").put("type", "purchase").put("amount", 10).encode()).statusCode()).isEqualTo(200);
    caseId = new JsonObject(server.get("/api/v1/cases", token).body()).getJsonArray("cases").getJsonObject(0).getLong("id");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static final String[] ODD = {
      "", " ", "-1", "0", "1", "7", "10000", "99999999999999999999", "1e309", "NaN", "-Infinity", "null", "true",
      "\u0000", "%", "%%", "_", "\\", "'", "' OR 1=1 --", "\"", "<script>alert(1)</script>", "../../etc/passwd",
      "a,b,,c", ",", "hotline,store", "hotline,,", "speed", "speed.wait", "price", "nps", "csat", "ces", "rater", "x",
      "minute", "hour", "day", "week", "month", "quarter", "year", "15m", "1h", "24h", "today", "7d", "30d", "400d",
      "previous", "promoter", "passive", "detractor", "open", "contacted", "resolved", "closed", "2h", "PT2H", "P-1D",
      "-5m", "3w", "2026-11-26T00:00:00Z", "2026-11-26T00:00:00+14:00", "2026-13-45T25:61:00Z", "1999-01-01T00:00:00Z",
      "9999-12-31T23:59:59Z", "2026-11", "2026-02-30", "2026-Q1", "2026-11-26", "排队", "排", "😀", "\uD800",
      "region", "store", "nope", "repurchase", "churn", "-0", "+1", "0x10", "1.5", "s1", "s999",
      // look-alikes and controls (issue 19): zero-width, bidi override, BOM, Cyrillic о, combining mark, BEL, DEL
      "s\u200B1", "\u202Es1", "\uFEFFs1", "st\u043Ere", "cafe\u0301", "a\u0007b", "\u007F", "\u0085"};

  private static String odd(Random r) {
    int k = r.nextInt(20);
    if (k == 0) return "x".repeat(1 + r.nextInt(6000));
    if (k == 1) return ODD[r.nextInt(ODD.length)] + ODD[r.nextInt(ODD.length)];
    if (k == 2) return Instant.now().minusSeconds(r.nextInt(400 * 86_400)).toString();
    return ODD[r.nextInt(ODD.length)];
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static void check(String request, HttpResponse<String> r) {
    String what = (request.length() > 300 ? request.substring(0, 300) + "…" : request) + " [" + r.statusCode() + "]";
    assertThat(r.statusCode()).as("%s -> %s", what, r.body()).isIn(ALLOWED);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).as(what).startsWith("application/json");
    JsonObject body = new JsonObject(r.body());
    if (r.statusCode() >= 400) {
      assertThat(body.getString("error")).as(what).isNotBlank();
      assertThat(r.body()).as(what).doesNotContain("Exception").doesNotContain("SQL").doesNotContain("at io.");
    }
  }

  @Test
  @DisplayName("3,000 GETs with random known and unknown parameters, odd values and repeated keys")
  void queries() {
    Random r = new Random(SEED);
    List<String> paths = new ArrayList<>(GETS.keySet());
    paths.sort(null);
    for (int i = 0; i < 3000; i++) {
      String path = paths.get(r.nextInt(paths.size()));
      List<String> known = GETS.get(path);
      StringBuilder q = new StringBuilder();
      int params = r.nextInt(5);
      for (int p = 0; p < params; p++) {
        String name = r.nextInt(8) == 0 ? odd(r) : known.get(r.nextInt(known.size()));
        if (name.isEmpty()) name = "segment.";
        q.append(q.length() == 0 ? '?' : '&').append(enc(name)).append('=').append(enc(odd(r)));
      }
      String url = path + q;
      check("GET " + url, server.get(url, token));
    }
  }

  @Test
  @DisplayName("NUL and other controls in every parameter of every read endpoint, and in every text field of every write: 400 naming it")
  void nulAndLookAlikesEverywhere() {
    List<String> paths = new ArrayList<>(GETS.keySet());
    paths.sort(null);
    for (String path : paths) {
      for (String param : GETS.get(path)) {
        for (String bad : List.of("\u0000", "a\u0001b", "x\u001B[31m")) {
          String url = path + "?" + enc(param) + "=" + enc(bad);
          HttpResponse<String> r = server.get(url, token);
          check("GET " + url, r);
          assertThat(r.statusCode()).as("GET %s -> %s", url, r.body()).isEqualTo(400);
          assertThat(new JsonObject(r.body()).getJsonArray("details").getJsonObject(0).getString("path")).isEqualTo(param);
        }
      }
    }
    // Look-alike segment filters: the value a filter names is judged like a stored one.
    for (String lookAlike : List.of("s\u200B1", "\u202Es1", "st\u043Ere", "s1 ")) {
      for (String path : List.of("/api/v1/scorecards", "/api/v1/trends", "/api/v1/verbatims", "/api/v1/best")) {
        String url = path + "?segment.store=" + enc(lookAlike);
        HttpResponse<String> r = server.get(url, token);
        check("GET " + url, r);
        assertThat(r.statusCode()).as("GET %s -> %s", url, r.body()).isEqualTo(400);
      }
    }
    String ingest = server.ingestToken("acme");
    Map<String, HttpResponse<String>> writes = new java.util.LinkedHashMap<>();
    writes.put("/comment", server.postJson("/api/v1/feedback", ingest, "{\"touchpoint\":\"hotline\",\"comment\":\"a\\u0000\"}"));
    writes.put("/customerId", server.postJson("/api/v1/feedback", ingest, "{\"touchpoint\":\"hotline\",\"nps\":1,\"customerId\":\"\\u0000\"}"));
    writes.put("/segment/store", server.postJson("/api/v1/feedback", ingest,
        "{\"touchpoint\":\"hotline\",\"nps\":1,\"segment\":{\"store\":\"s\\u200b1\"}}"));
    writes.put("/0/customerId", server.postJson("/api/v1/outcomes", ingest,
        "[{\"eventId\":\"x\",\"customerId\":\"c\\u0000\",\"type\":\"purchase\"}]"));
    writes.put("/name", server.postJson("/api/v1/devices", token, "{\"name\":\"TV\\u202e\"}"));
    writes.put("/note", server.send(HttpRequest.newBuilder(server.uri("/api/v1/cases/" + caseId))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"note\":\"\\u0000\"}")).build()));
    writes.put("/assignee", server.send(HttpRequest.newBuilder(server.uri("/api/v1/cases/" + caseId))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"assignee\":\"bob\\u0007\"}")).build()));
    writes.put("/touchpoints/0/nameZh", server.send(HttpRequest.newBuilder(server.uri("/api/v1/catalog"))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString("{\"touchpoints\":[{\"code\":\"hotline\",\"nameZh\":\"热线\\u0000\"}]}")).build()));
    writes.forEach((path, r) -> {
      check("write " + path, r);
      assertThat(r.statusCode()).as(path + " " + r.body()).isEqualTo(400);
      assertThat(new JsonObject(r.body()).getJsonArray("details").stream().map(d -> ((JsonObject) d).getString("path")))
          .as(r.body()).contains(path);
    });
    // Ids in paths: never a 5xx.
    for (String path : List.of("/api/v1/cases/%00", "/api/v1/segments/%00", "/api/v1/segments/store/values/%00")) {
      check("GET/DELETE " + path, server.get(path, token));
      check("DELETE " + path, server.send(HttpRequest.newBuilder(server.uri(path)).header("Authorization", "Bearer " + token)
          .DELETE().build()));
    }
  }

  @Test
  @DisplayName("case ids and device ids that are not numbers, not ours or absurd; PATCH and POST bodies of every wrong shape")
  void idsAndBodies() {
    Random r = new Random(SEED + 1);
    for (int i = 0; i < 300; i++) {
      String id = r.nextInt(4) == 0 ? String.valueOf(caseId) : odd(r);
      String path = "/api/v1/cases/" + enc(id).replace("+", "%20");
      check("GET " + path, server.get(path, token));
      String body = switch (r.nextInt(8)) {
        case 0 -> odd(r);
        case 1 -> "{\"status\":" + r.nextInt(100) + ",\"assignee\":[1],\"version\":\"" + r.nextInt(9) + "\"}";
        case 2 -> new JsonObject().put("status", odd(r)).encode();
        case 3 -> new JsonObject().put("assignee", odd(r)).put("note", odd(r)).encode();
        case 4 -> new JsonObject().put("version", r.nextInt(5) - 1).put("status", "contacted").encode();
        case 5 -> new JsonObject().put("note", "x".repeat(r.nextInt(20_000))).encode();
        case 6 -> new JsonArray().add(1).add("x").encode();
        default -> new JsonObject().put(odd(r), odd(r)).encode();
      };
      // A request line over Netty's 4096 bytes gets its JSON 414 and Vert.x closes the connection at
      // once; a client still sending a large body then gets a reset instead of the 414 (the JDK
      // client did for 1 in 15 such PATCHes with 20 KB bodies). Such PATCHes go without a body.
      if (path.length() > 4000) body = "";
      HttpRequest.Builder b = HttpRequest.newBuilder(server.uri(path)).header("Authorization", "Bearer " + token)
          .header("Content-Type", "application/json").method("PATCH", HttpRequest.BodyPublishers.ofString(body));
      if (r.nextInt(4) == 0) b.header("If-Match", odd(r).replaceAll("[^\\x20-\\x7E]", "?"));
      check("PATCH " + path + " " + body, server.send(b.build()));
      String device = new JsonObject().put("name", odd(r)).put("touchpoints", r.nextBoolean() ? new JsonArray().add(odd(r)) : odd(r))
          .put("ttl", odd(r)).encode();
      check("POST /api/v1/devices " + device, server.postJson("/api/v1/devices", token, device));
      String del = "/api/v1/devices/" + enc(odd(r)).replace("+", "%20");
      check("DELETE " + del, server.send(HttpRequest.newBuilder(server.uri(del)).header("Authorization", "Bearer " + token)
          .DELETE().build()));
    }
    // The seeded data is what it was: 40 responses, and the case exists with a status of its lifecycle.
    JsonObject cards = new JsonObject(server.get("/api/v1/scorecards?window=today", token).body());
    assertThat(cards.getJsonObject("overall").getJsonObject("nps").getLong("n")).isEqualTo(40);
    JsonObject theCase = new JsonObject(server.get("/api/v1/cases/" + caseId, token).body());
    assertThat(theCase.getString("status")).isIn("open", "contacted", "resolved", "closed");
  }
}
