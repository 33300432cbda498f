package io.cxpulse.catalog;

import static io.cxpulse.testing.TestServer.ok;
import static org.assertj.core.api.Assertions.assertThat;

import io.cxpulse.auth.Principal;
import io.cxpulse.store.CounterStore;
import io.cxpulse.testing.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("PUT /api/v1/catalog: admin only, validated, heard by every node, segment keys counted from stored responses")
class CatalogAdminTest {
  private static final String[] TPS = {"hotline", "store", "app"};

  private TestServer a;
  private TestServer b;
  private String admin;

  @BeforeEach
  void start() {
    a = TestServer.start();
    admin = a.token("acme", Principal.ADMIN);
  }

  @AfterEach
  void stop() {
    if (b != null) b.close();
    a.close();
  }

  private static HttpResponse<String> put(TestServer node, String token, String body) {
    return node.putJson("/api/v1/catalog", token, body);
  }

  private static List<String> paths(HttpResponse<String> response) {
    List<String> out = new ArrayList<>();
    for (Object d : new JsonObject(response.body()).getJsonArray("details")) out.add(((JsonObject) d).getString("path"));
    return out;
  }

  private static List<String> codes(JsonObject catalog) {
    return catalog.getJsonArray("touchpoints").stream().map(o -> ((JsonObject) o).getString("code")).toList();
  }

  /** Waits (up to 10 s) until the condition holds: another node hears a change through NOTIFY. */
  private static void eventually(Supplier<Boolean> condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.get()) {
      assertThat(System.nanoTime()).as("condition not met within 10 s").isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  @Test
  @DisplayName("only an unscoped admin of the token's tenant may change the catalog, and only that tenant's")
  void adminOnly() {
    String body = "{\"touchpoints\":[{\"code\":\"kiosk\",\"name\":\"Kiosk\"}]}";
    for (String role : List.of(Principal.VIEWER, Principal.MANAGER, Principal.INGEST)) {
      HttpResponse<String> r = put(a, a.token("acme", role), body);
      assertThat(r.statusCode()).as(role).isEqualTo(403);
      assertThat(new JsonObject(r.body()).getString("error")).isEqualTo("forbidden");
    }
    assertThat(put(a, a.token("acme", List.of("hotline"), Principal.ADMIN), body).statusCode()).isEqualTo(403);
    assertThat(put(a, null, body).statusCode()).isEqualTo(401);
    // globex's admin cannot name acme; without an id it changes globex only.
    String globexAdmin = a.token("globex", Principal.ADMIN);
    HttpResponse<String> other = put(a, globexAdmin, "{\"id\":\"acme\",\"touchpoints\":[{\"code\":\"kiosk\"}]}");
    assertThat(other.statusCode()).isEqualTo(403);
    assertThat(paths(other)).containsExactly("/id");
    JsonObject globex = ok(put(a, globexAdmin, body));
    assertThat(globex.getString("tenant")).isEqualTo("globex");
    assertThat(codes(globex)).containsExactly("hotline", "web", "kiosk");
    JsonObject acme = a.getJson("/api/v1/catalog", a.viewerToken("acme"));
    assertThat(codes(acme)).containsExactly("hotline", "store", "app");
    // The id may be given when it is the token's tenant.
    assertThat(ok(put(a, admin, "{\"id\":\"acme\",\"name\":\"Acme Care\"}")).getString("name")).isEqualTo("Acme Care");
  }

  @Test
  @DisplayName("invalid bodies are refused with every problem at its JSON pointer, and nothing changes")
  void validation() {
    String before = a.get("/api/v1/catalog", admin).body();
    HttpResponse<String> notJson = put(a, admin, "[1,2]");
    assertThat(notJson.statusCode()).isEqualTo(400);
    assertThat(paths(notJson)).containsExactly("");
    HttpResponse<String> unknownField = put(a, admin, "{\"segment\":[\"agent\"],\"name\":\"x\"}");
    assertThat(unknownField.statusCode()).isEqualTo(400);
    assertThat(paths(unknownField)).containsExactly("/segment");
    HttpResponse<String> bad = put(a, admin, """
        {"touchpoints":[{"code":"Kiosk"},{"code":"web","targets":{"nps":"high"}},{"code":"web"}],
         "reasons":[{"code":"speed.wait.long","parent":"speed.wait"},{"code":"x","parent":"nope"}],
         "segments":["region","bad key!","region"],"segmentLimit":0,"name":5}""");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(paths(bad)).containsExactlyInAnyOrder("/name", "/touchpoints/0/code", "/touchpoints/1/targets/nps",
        "/touchpoints/2/code", "/reasons/0/parent", "/reasons/1/parent", "/segments/1", "/segments/2", "/segmentLimit");
    // Only unknown codes: 422.
    HttpResponse<String> unknown = put(a, admin, """
        {"reasons":[{"code":"x","parent":"nope"}],"raterWeights":{"speed":1}}""");
    assertThat(unknown.statusCode()).isEqualTo(422);
    assertThat(paths(unknown)).containsExactlyInAnyOrder("/reasons/0/parent", "/raterWeights/speed");
    HttpResponse<String> zone = put(a, admin, "{\"timeZone\":\"Europe/Paris\"}");
    assertThat(zone.statusCode()).isEqualTo(422);
    assertThat(paths(zone)).containsExactly("/timeZone");
    assertThat(put(a, admin, "{\"timeZone\":\"Mars/Olympus\"}").statusCode()).isEqualTo(422);
    // An existing reason may be the parent of a new one; a sub-reason may not get a child.
    JsonObject child = ok(put(a, admin, "{\"reasons\":[{\"code\":\"price.fees\",\"parent\":\"price\",\"label\":\"Fees\"}]}"));
    assertThat(child.getJsonArray("reasons").stream().map(o -> ((JsonObject) o).getString("code")))
        .contains("price.fees", "speed.wait");
    HttpResponse<String> media = a.send(HttpRequest.newBuilder(a.uri("/api/v1/catalog"))
        .header("Authorization", "Bearer " + admin).header("Content-Type", "text/plain")
        .PUT(HttpRequest.BodyPublishers.ofString("{}")).build());
    assertThat(media.statusCode()).isEqualTo(415);
    JsonObject after = new JsonObject(a.get("/api/v1/catalog", admin).body());
    JsonObject expected = new JsonObject(before);
    expected.getJsonArray("reasons").add(child.getJsonArray("reasons").stream()
        .filter(o -> ((JsonObject) o).getString("code").equals("price.fees")).findFirst().orElseThrow());
    assertThat(after).isEqualTo(expected);
  }

  @Test
  @DisplayName("a new touchpoint is usable at once on the node that added it and, through NOTIFY, on the other")
  void newTouchpointOnBothNodes() throws Exception {
    b = a.another();
    String ingest = a.ingestToken("acme");
    String item = "{\"eventId\":\"k-%d\",\"touchpoint\":\"kiosk\",\"nps\":%d}";
    assertThat(a.postJson("/api/v1/feedback", ingest, item.formatted(0, 9)).statusCode()).isEqualTo(422);

    JsonObject reply = ok(put(a, admin, """
        {"touchpoints":[{"code":"kiosk","name":"Kiosk","stage":"buy","targets":{"nps":45}},
                        {"code":"hotline","name":"Hotline 24h","nameZh":"客服热线","stage":"service","targets":{"nps":40}}]}"""));
    assertThat(codes(reply)).containsExactly("hotline", "store", "app", "kiosk");
    JsonObject kiosk = reply.getJsonArray("touchpoints").getJsonObject(3);
    assertThat(kiosk.getInteger("order")).isEqualTo(4);
    assertThat(kiosk.getJsonObject("targets").getDouble("nps")).isEqualTo(45.0);
    assertThat(reply.getJsonArray("touchpoints").getJsonObject(0).getString("name")).isEqualTo("Hotline 24h");
    // The other settings stay.
    assertThat(reply.getJsonArray("segments")).isEqualTo(new JsonArray().add("region").add("store"));

    assertThat(a.postJson("/api/v1/feedback", ingest, item.formatted(1, 10)).statusCode()).isEqualTo(200);
    eventually(() -> codes(new JsonObject(b.get("/api/v1/catalog", admin).body())).contains("kiosk"));
    assertThat(b.postJson("/api/v1/feedback", ingest, item.formatted(2, 3)).statusCode()).isEqualTo(200);
    for (TestServer node : List.of(a, b)) {
      eventually(() -> {
        JsonObject cards = new JsonObject(node.get("/api/v1/scorecards?window=1h&touchpoints=kiosk", admin).body());
        JsonArray tps = cards.getJsonArray("touchpoints");
        return tps != null && tps.size() == 1 && tps.getJsonObject(0).getLong("responses") == 2;
      });
    }
    assertThat(verify()).isEmpty();
  }

  /** Responses with an "agent" segment spread over minutes, hours and days (older than quarters are kept). */
  private static List<JsonObject> responses(Random random, String prefix, int count, int agents, Instant now) {
    List<JsonObject> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      long age = switch (i % 3) {
        case 0 -> random.nextInt(3 * 3600);
        case 1 -> random.nextInt(7 * 86400);
        default -> 9 * 86400 + random.nextInt(5 * 86400);
      };
      JsonObject item = new JsonObject().put("eventId", prefix + "-" + i)
          .put("touchpoint", TPS[random.nextInt(TPS.length)])
          .put("occurredAt", now.minusSeconds(age).toString());
      if (random.nextInt(10) < 8) item.put("nps", random.nextInt(11));
      if (!item.containsKey("nps") || random.nextBoolean()) item.put("csat", 1 + random.nextInt(5));
      if (random.nextInt(4) == 0) item.put("reasons", new JsonArray().add("speed"));
      JsonObject segment = new JsonObject().put("region", random.nextBoolean() ? "north" : "south");
      if (random.nextInt(10) < 8) segment.put("agent", "a" + (1 + random.nextInt(agents)));
      item.put("segment", segment);
      out.add(item);
    }
    return out;
  }

  /** agent value → {responses, NPS answers}, recounted from what the test posted. */
  private static Map<String, long[]> byAgent(List<JsonObject> posted) {
    Map<String, long[]> out = new TreeMap<>();
    for (JsonObject i : posted) {
      String agent = i.getJsonObject("segment").getString("agent");
      if (agent == null) continue;
      long[] c = out.computeIfAbsent(agent, k -> new long[2]);
      c[0]++;
      if (i.containsKey("nps")) c[1]++;
    }
    return out;
  }

  /** In batches of 50, each of which must be committed. */
  private static void post(TestServer node, List<JsonObject> items) {
    for (int from = 0; from < items.size(); from += 50) node.postFeedback("acme", items.subList(from, Math.min(items.size(), from + 50)));
  }

  /** The segment filter's scorecard (20 days back) agrees with the recount, on the given node. */
  private static void assertAgents(TestServer node, String token, Map<String, long[]> expected) {
    String range = "from=" + Instant.now().minus(20, ChronoUnit.DAYS) + "&to=" + Instant.now().plus(1, ChronoUnit.MINUTES);
    for (var e : expected.entrySet()) {
      JsonObject overall = node.scorecards(token, "segment.agent=" + e.getKey() + "&" + range).getJsonObject("overall");
      assertThat(overall.getLong("responses")).as("responses of agent " + e.getKey()).isEqualTo(e.getValue()[0]);
      assertThat(overall.getJsonObject("nps").getLong("n")).as("NPS n of agent " + e.getKey()).isEqualTo(e.getValue()[1]);
    }
  }

  private static String segments(String... keys) {
    return new JsonObject().put("segments", new JsonArray(List.of((Object[]) keys))).encode();
  }

  @Test
  @DisplayName("a segment key added after responses exist counts them all: filter, leaderboard and verify agree; removing it keeps verify clean")
  void keyAddedLater() throws Exception {
    Instant now = Instant.now();
    String ingest = a.ingestToken("acme");
    List<JsonObject> posted = new ArrayList<>(responses(new Random(7), "old", 600, 3, now));
    post(a, posted);
    HttpResponse<String> uncounted = a.get("/api/v1/leaderboard?segment=agent", admin);
    assertThat(uncounted.statusCode()).isEqualTo(400);

    // Three agents are stored: a limit of 2 refuses the key, with nothing changed.
    HttpResponse<String> tooMany = put(a, admin, "{\"segments\":[\"region\",\"store\",\"agent\"],\"segmentLimit\":2}");
    assertThat(tooMany.statusCode()).as(tooMany.body()).isEqualTo(422);
    assertThat(paths(tooMany)).containsExactly("/segments/2");
    assertThat(new JsonObject(a.get("/api/v1/catalog", admin).body()).containsKey("segmentLimit")).isFalse();

    JsonObject reply = ok(put(a, admin, "{\"segments\":[\"region\",\"store\",\"agent\"],\"segmentLimit\":3}"));
    assertThat(reply.getJsonArray("segments")).isEqualTo(new JsonArray().add("region").add("store").add("agent"));
    assertThat(verify()).isEmpty();
    Map<String, long[]> expected = byAgent(posted);
    assertThat(expected).containsOnlyKeys("a1", "a2", "a3");
    assertAgents(a, admin, expected);
    JsonObject board = new JsonObject(a.get("/api/v1/leaderboard?segment=agent&from=" + now.minus(20, ChronoUnit.DAYS)
        + "&to=" + now.plus(1, ChronoUnit.MINUTES), admin).body());
    Map<String, Long> boardN = new TreeMap<>();
    for (Object o : board.getJsonArray("items")) boardN.put(((JsonObject) o).getString("value"), ((JsonObject) o).getLong("n"));
    assertThat(boardN).isEqualTo(Map.of("a1", expected.get("a1")[1], "a2", expected.get("a2")[1], "a3", expected.get("a3")[1]));

    // The limit holds for the newly counted key: a fourth agent is refused.
    String fourth = "[{\"eventId\":\"x-1\",\"touchpoint\":\"app\",\"nps\":5,\"segment\":{\"agent\":\"a4\"}}]";
    HttpResponse<String> refused = a.postJson("/api/v1/feedback", ingest, fourth);
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
    assertThat(paths(refused)).containsExactly("/0/segment/agent");

    // New responses are counted by the writer from now on.
    List<JsonObject> more = responses(new Random(8), "new", 150, 3, Instant.now());
    post(a, more);
    posted.addAll(more);
    assertThat(verify()).isEmpty();
    assertAgents(a, admin, byAgent(posted));

    // Removing the key stops counting it; its rows stay but verify has nothing to say about them.
    ok(put(a, admin, segments("region", "store")));
    List<JsonObject> whileRemoved = responses(new Random(9), "gap", 150, 3, Instant.now());
    post(a, whileRemoved);
    posted.addAll(whileRemoved);
    assertThat(verify()).isEmpty();
    assertThat(a.get("/api/v1/scorecards?segment.agent=a1", admin).statusCode()).isEqualTo(400);

    // Added again: recounted from every stored response, the gap included (no double counting).
    ok(put(a, admin, segments("region", "store", "agent")));
    assertThat(verify()).isEmpty();
    assertAgents(a, admin, byAgent(posted));
  }

  @Test
  @DisplayName("responses posted on two nodes while the key is added, removed and added again: verify is clean and counts are exact")
  void concurrentNodes() throws Exception {
    b = a.another();
    String ingest = a.ingestToken("acme");
    List<List<JsonObject>> perThread = new ArrayList<>();
    for (int t = 0; t < 4; t++) perThread.add(responses(new Random(100 + t), "c" + t, 1200, 6, Instant.now()));
    ExecutorService pool = Executors.newFixedThreadPool(4);
    AtomicBoolean failed = new AtomicBoolean();
    List<Future<?>> posters = new ArrayList<>();
    // The posters hold back their second quarter until the first change starts and their last quarter
    // until the last change starts: the changes overlap the posting however fast or slow the machine is
    // (timed sleeps alone let a fast, idle machine finish posting before the last change).
    CountDownLatch firstChange = new CountDownLatch(1);
    CountDownLatch lastChange = new CountDownLatch(1);
    try {
      for (int t = 0; t < 4; t++) {
        TestServer node = t % 2 == 0 ? a : b;
        List<JsonObject> items = perThread.get(t);
        posters.add(pool.submit(() -> {
          for (int from = 0; from < items.size() && !failed.get(); from += 10) {
            if (from == items.size() / 4) assertThat(firstChange.await(2, TimeUnit.MINUTES)).isTrue();
            if (from == items.size() * 3 / 4) assertThat(lastChange.await(2, TimeUnit.MINUTES)).isTrue();
            HttpResponse<String> r = node.sendFeedback(ingest, items.subList(from, Math.min(items.size(), from + 10)));
            if (r.statusCode() != 200) {
              failed.set(true);
              throw new AssertionError(r.statusCode() + " " + r.body());
            }
          }
          return null;
        }));
      }
      // Changes on both nodes while the batches go in; the last one leaves the key counted.
      Thread.sleep(300);
      for (int round = 0; round < 4; round++) {
        TestServer node = round % 2 == 0 ? a : b;
        firstChange.countDown();
        ok(put(node, admin, segments("region", "store", "agent")));
        Thread.sleep(150);
        ok(put(node, admin, segments("region", "store")));
        Thread.sleep(100);
      }
      for (Future<?> f : posters) if (f.isDone()) f.get(); // a poster that failed says why
      assertThat(posters).as("the last change happens while responses are still being posted").noneMatch(Future::isDone);
      lastChange.countDown();
      ok(put(b, admin, segments("region", "agent", "store")));
      for (Future<?> f : posters) f.get(5, TimeUnit.MINUTES);
    } finally {
      pool.shutdownNow();
    }
    List<JsonObject> posted = new ArrayList<>();
    perThread.forEach(posted::addAll);
    assertThat(verify()).isEmpty();
    Map<String, long[]> expected = byAgent(posted);
    assertThat(expected).hasSize(6);
    assertAgents(a, admin, expected);
    eventually(() -> new JsonObject(b.get("/api/v1/catalog", admin).body()).getJsonArray("segments").contains("agent"));
    assertAgents(b, admin, expected);
  }

  private List<CounterStore.Difference> verify() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      Pool pool = PgBuilder.pool().connectingTo(PgConnectOptions.fromUri(a.databaseUrl())).using(vertx).build();
      CounterStore store = new CounterStore(pool, Duration.ofHours(6), Duration.ofDays(8));
      return store.verify(Instant.now()).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
