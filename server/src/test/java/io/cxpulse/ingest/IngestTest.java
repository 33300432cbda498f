package io.cxpulse.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.cxpulse.store.CounterStore;
import io.cxpulse.testing.MutableClock;
import io.cxpulse.testing.TestDatabase;
import io.cxpulse.testing.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Ingest, counters and scorecards on a real PostgreSQL")
class IngestTest {
  private static final String[] TOUCHPOINTS = {"hotline", "store", "app"};
  private static final String[] DIMENSIONS = {"reliability", "assurance", "tangibles", "empathy", "responsiveness"};

  private TestServer server;
  private String ingest;
  private String viewer;

  @BeforeEach
  void start() {
    server = TestServer.start();
    ingest = server.ingestToken("acme");
    viewer = server.viewerToken("acme");
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** Random but plausible responses, all within the last 30 minutes so that every window holds them. */
  private static List<JsonObject> generate(Random random, int count, String prefix) {
    Instant now = Instant.now();
    List<JsonObject> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      JsonObject item = new JsonObject()
          .put("eventId", prefix + "-" + i)
          .put("touchpoint", TOUCHPOINTS[random.nextInt(TOUCHPOINTS.length)])
          .put("occurredAt", now.minusSeconds(random.nextInt(1800)).toString());
      if (random.nextInt(10) < 9) item.put("nps", random.nextInt(11));
      if (random.nextBoolean()) item.put("csat", 1 + random.nextInt(5));
      if (random.nextInt(4) == 0) item.put("ces", 1 + random.nextInt(7));
      if (random.nextInt(3) == 0) {
        JsonObject rater = new JsonObject();
        for (String d : DIMENSIONS) if (random.nextBoolean()) rater.put(d, 1 + random.nextInt(5));
        if (!rater.isEmpty()) item.put("rater", rater);
      }
      if (random.nextBoolean()) {
        JsonArray reasons = new JsonArray();
        for (String r : new String[] {"speed", "attitude", "price", "quality"}) if (random.nextInt(3) == 0) reasons.add(r);
        if (!reasons.isEmpty()) item.put("reasons", reasons);
        if (reasons.contains("speed") && random.nextBoolean()) item.put("subReasons", new JsonArray().add("speed.wait"));
      }
      if (random.nextInt(5) == 0) item.put("comment", "第" + i + "条意见 comment " + i);
      if (!item.containsKey("nps") && !item.containsKey("csat") && !item.containsKey("ces") && !item.containsKey("rater")
          && !item.containsKey("comment")) {
        item.put("csat", 3);
      }
      out.add(item);
    }
    return out;
  }

  /** The expected scorecard of a set of responses, counted directly from the generated JSON. */
  private static void assertScorecard(JsonObject card, List<JsonObject> items) {
    long[] nps = new long[11];
    long csatN = 0, csatSum = 0, csatTop2 = 0, cesN = 0, cesSum = 0;
    long[] raterN = new long[5], raterSum = new long[5];
    for (JsonObject i : items) {
      if (i.containsKey("nps")) nps[i.getInteger("nps")]++;
      if (i.containsKey("csat")) {
        csatN++;
        csatSum += i.getInteger("csat");
        if (i.getInteger("csat") >= 4) csatTop2++;
      }
      if (i.containsKey("ces")) {
        cesN++;
        cesSum += i.getInteger("ces");
      }
      JsonObject rater = i.getJsonObject("rater", new JsonObject());
      for (int d = 0; d < 5; d++) {
        if (rater.containsKey(DIMENSIONS[d])) {
          raterN[d]++;
          raterSum[d] += rater.getInteger(DIMENSIONS[d]);
        }
      }
    }
    long n = 0, p = nps[9] + nps[10], d = 0;
    for (int s = 0; s <= 10; s++) n += nps[s];
    for (int s = 0; s <= 6; s++) d += nps[s];
    JsonObject npsJson = card.getJsonObject("nps");
    assertThat(npsJson.getLong("n")).isEqualTo(n);
    assertThat(npsJson.getLong("promoters")).isEqualTo(p);
    assertThat(npsJson.getLong("detractors")).isEqualTo(d);
    assertThat(npsJson.getLong("passives")).isEqualTo(n - p - d);
    for (int s = 0; s <= 10; s++) assertThat(npsJson.getJsonArray("histogram").getLong(s)).isEqualTo(nps[s]);
    assertThat(npsJson.getDouble("score")).isCloseTo(100.0 * (p - d) / n, within(1e-9));
    assertThat(npsJson.getDouble("moe")).isPositive();
    assertThat(card.getJsonObject("csat").getLong("n")).isEqualTo(csatN);
    assertThat(card.getJsonObject("csat").getDouble("mean")).isCloseTo((double) csatSum / csatN, within(1e-9));
    assertThat(card.getJsonObject("csat").getDouble("top2")).isCloseTo(100.0 * csatTop2 / csatN, within(1e-9));
    assertThat(card.getJsonObject("ces").getLong("n")).isEqualTo(cesN);
    assertThat(card.getJsonObject("ces").getDouble("mean")).isCloseTo((double) cesSum / cesN, within(1e-9));
    for (int dim = 0; dim < 5; dim++) {
      JsonObject dj = card.getJsonObject("rater").getJsonObject("dimensions").getJsonObject(DIMENSIONS[dim]);
      assertThat(dj.getLong("n")).isEqualTo(raterN[dim]);
      if (raterN[dim] > 0) {
        assertThat(dj.getDouble("mean")).isCloseTo((double) raterSum[dim] / raterN[dim], within(1e-9));
      }
    }
  }

  private static JsonObject touchpoint(JsonObject scorecards, String code) {
    for (Object o : scorecards.getJsonArray("touchpoints")) {
      JsonObject tp = (JsonObject) o;
      if (tp.getString("touchpoint").equals(code)) return tp;
    }
    throw new AssertionError("no touchpoint " + code);
  }

  @Test
  @DisplayName("scorecards in every window equal a recount of the posted responses, overall and per touchpoint")
  void scorecardsMatchRecount() {
    List<JsonObject> items = generate(new Random(42), 600, "a");
    assertThat(server.postFeedback("acme", items.subList(0, 400))).isEqualTo(new JsonObject().put("accepted", 400).put("duplicates", 0));
    StringBuilder ndjson = new StringBuilder();
    for (JsonObject i : items.subList(400, 600)) ndjson.append(i.encode()).append('\n');
    HttpResponse<String> r = server.post("/api/v1/feedback", ingest, "application/x-ndjson", ndjson.toString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(new JsonObject(r.body()).getInteger("accepted")).isEqualTo(200);

    for (String window : List.of("1h", "24h", "7d", "30d")) {
      JsonObject cards = server.scorecards(viewer, "window=" + window);
      assertThat(cards.getJsonObject("window").getString("name")).isEqualTo(window);
      assertScorecard(cards.getJsonObject("overall"), items);
      for (String tp : TOUCHPOINTS) {
        assertScorecard(touchpoint(cards, tp), items.stream().filter(i -> i.getString("touchpoint").equals(tp)).toList());
      }
    }
    JsonObject only = server.scorecards(viewer, "window=1h&touchpoints=store,app");
    assertThat(only.getJsonArray("touchpoints")).hasSize(2);
    assertScorecard(only.getJsonObject("overall"),
        items.stream().filter(i -> !i.getString("touchpoint").equals("hotline")).toList());
  }

  @Test
  @DisplayName("a 15-minute window holds exactly the responses of the current minute and the 14 before it")
  void rollingWindowIsExactToTheMinute() {
    // A frozen clock half-way through a minute: the window cannot roll between the post and the read.
    Instant minute = Instant.now().truncatedTo(ChronoUnit.MINUTES);
    server.close();
    server = TestServer.start(Map.of(), MutableClock.frozenAt(minute.plusSeconds(30)));
    ingest = server.ingestToken("acme");
    viewer = server.viewerToken("acme");
    List<JsonObject> items = List.of(
        new JsonObject().put("eventId", "in-1").put("touchpoint", "app").put("nps", 10).put("occurredAt", minute.toString()),
        new JsonObject().put("eventId", "in-2").put("touchpoint", "app").put("nps", 0)
            .put("occurredAt", minute.minus(14, ChronoUnit.MINUTES).toString()),
        new JsonObject().put("eventId", "out-1").put("touchpoint", "app").put("nps", 5)
            .put("occurredAt", minute.minus(15, ChronoUnit.MINUTES).minusMillis(1).toString()),
        new JsonObject().put("eventId", "out-2").put("touchpoint", "app").put("nps", 5)
            .put("occurredAt", minute.minus(40, ChronoUnit.MINUTES).toString()));
    server.postFeedback("acme", items);
    JsonObject cards = server.scorecards(viewer, "window=15m&touchpoints=app");
    // in-1 and in-2 only (a 10 and a 0).
    assertThat(cards.getJsonObject("overall").getJsonObject("nps").getJsonArray("histogram"))
        .isEqualTo(new JsonArray(List.of(1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1)));
    assertThat(server.scorecards(viewer, "window=1h&touchpoints=app").getJsonObject("overall").getJsonObject("nps").getLong("n"))
        .isEqualTo(4);
  }

  @Test
  @DisplayName("a retried eventId is acknowledged as a duplicate and never counted twice, within and across requests")
  void duplicatesCountOnce() {
    List<JsonObject> items = generate(new Random(7), 50, "d");
    assertThat(server.postFeedback("acme", items.subList(0, 30))).isEqualTo(new JsonObject().put("accepted", 30).put("duplicates", 0));
    // 20 retries of stored ones, 20 new ones, and one new one twice in the same request.
    List<JsonObject> mixed = new ArrayList<>(items.subList(10, 50));
    mixed.add(items.get(45));
    assertThat(server.postFeedback("acme", mixed)).isEqualTo(new JsonObject().put("accepted", 20).put("duplicates", 21));
    assertScorecard(server.scorecards(viewer, "window=1h").getJsonObject("overall"), items);
    // A retry whose content differs keeps the first version.
    JsonObject changed = items.get(0).copy().put("nps", items.get(0).getInteger("nps", 5) == 0 ? 10 : 0);
    assertThat(server.postFeedback("acme", changed)).isEqualTo(new JsonObject().put("accepted", 0).put("duplicates", 1));
    assertScorecard(server.scorecards(viewer, "window=1h").getJsonObject("overall"), items);
  }

  @Test
  @DisplayName("the same eventId in two tenants is two responses")
  void eventIdsArePerTenant() {
    JsonObject item = new JsonObject().put("eventId", "shared-1").put("touchpoint", "hotline").put("nps", 9);
    assertThat(server.postFeedback("acme", item).getInteger("accepted")).isEqualTo(1);
    assertThat(server.postFeedback("globex", item).getInteger("accepted")).isEqualTo(1);
  }

  @Test
  @DisplayName("reasons give attention and sub-NPS counted from the posted responses, with a quadrant (or uncertain) per item")
  void reasonsMatchRecount() {
    List<JsonObject> items = generate(new Random(3), 300, "r");
    server.postFeedback("acme", items);
    JsonObject body = server.getJson("/api/v1/reasons?window=1h", viewer);
    long n = items.stream().filter(i -> i.containsKey("nps")).count();
    assertThat(body.getLong("n")).isEqualTo(n);
    for (Object o : body.getJsonArray("items")) {
      JsonObject item = (JsonObject) o;
      String code = item.getString("code");
      String field = code.contains(".") ? "subReasons" : "reasons";
      List<JsonObject> chose = items.stream().filter(i -> i.containsKey("nps")
          && i.getJsonArray(field, new JsonArray()).contains(code)).toList();
      long p = chose.stream().filter(i -> i.getInteger("nps") >= 9).count();
      long d = chose.stream().filter(i -> i.getInteger("nps") <= 6).count();
      assertThat(item.getLong("n")).as(code).isEqualTo(chose.size());
      if (!chose.isEmpty()) {
        assertThat(item.getDouble("subNps")).as(code).isCloseTo(100.0 * (p - d) / chose.size(), within(1e-9));
        assertThat(item.getDouble("attention")).as(code).isCloseTo((double) chose.size() / n, within(1e-12));
        // Placed, or uncertain when an interval crosses a split (score.ReasonAnalysisTest has the rule);
        // the point estimates always have a quadrant.
        assertThat(item.getString("quadrant")).as(code).isIn("keep", "polish", "fix-first", "watch", "uncertain");
        assertThat(item.getString("pointQuadrant")).as(code).isIn("keep", "polish", "fix-first", "watch");
      }
    }
  }

  @Test
  @DisplayName("a restart loads every count back from PostgreSQL")
  void restartKeepsCounts() {
    List<JsonObject> items = generate(new Random(11), 300, "k");
    server.postFeedback("acme", items);
    JsonObject before = server.scorecards(viewer, "window=7d");
    server.restart();
    viewer = server.viewerToken("acme");
    JsonObject after = server.scorecards(viewer, "window=7d");
    assertThat(after.getJsonObject("overall")).isEqualTo(before.getJsonObject("overall"));
    assertThat(after.getJsonArray("touchpoints")).isEqualTo(before.getJsonArray("touchpoints"));
    assertScorecard(after.getJsonObject("overall"), items);
  }

  @Test
  @DisplayName("after concurrent load with retries every response is stored once and verify finds no difference")
  void concurrentRetriesThenVerify() throws Exception {
    List<JsonObject> items = generate(new Random(99), 1200, "c");
    ExecutorService pool = Executors.newFixedThreadPool(16);
    AtomicInteger accepted = new AtomicInteger();
    AtomicInteger duplicates = new AtomicInteger();
    ConcurrentHashMap<String, Boolean> acknowledged = new ConcurrentHashMap<>();
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < 16; t++) {
      int thread = t;
      futures.add(pool.submit(() -> {
        Random random = new Random(thread);
        for (int i = thread; i < items.size(); i += 16) {
          // Each response is sent once or twice (a client retrying after a lost reply), sometimes in a pair.
          int sends = 1 + random.nextInt(2);
          for (int s = 0; s < sends; s++) {
            HttpResponse<String> r = server.postJson("/api/v1/feedback", ingest, items.get(i).encode());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonObject reply = new JsonObject(r.body());
            accepted.addAndGet(reply.getInteger("accepted"));
            duplicates.addAndGet(reply.getInteger("duplicates"));
            acknowledged.put(items.get(i).getString("eventId"), true);
          }
        }
      }));
    }
    for (Future<?> f : futures) f.get(120, TimeUnit.SECONDS);
    pool.shutdown();
    assertThat(accepted.get()).isEqualTo(items.size());
    assertThat(acknowledged).hasSize(items.size());
    try (Connection c = TestDatabase.connect(server.databaseUrl()); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT count(*), count(DISTINCT event_id) FROM feedback WHERE tenant = 'acme'")) {
      rs.next();
      assertThat(rs.getLong(1)).isEqualTo(items.size());
      assertThat(rs.getLong(2)).isEqualTo(items.size());
    }
    assertScorecard(server.scorecards(viewer, "window=1h").getJsonObject("overall"), items);
    assertThat(verify()).isEmpty();

    // verify is a real check: a counter changed behind the server's back is reported.
    try (Connection c = TestDatabase.connect(server.databaseUrl()); Statement s = c.createStatement()) {
      s.executeUpdate("UPDATE counter SET count = count + 1 WHERE ctid = (SELECT ctid FROM counter WHERE metric = 'nps' LIMIT 1)");
    }
    assertThat(verify()).hasSize(1);
  }

  private List<CounterStore.Difference> verify() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      Pool pool = PgBuilder.pool().connectingTo(PgConnectOptions.fromUri(server.databaseUrl())).using(vertx).build();
      CounterStore store = new CounterStore(pool, Duration.ofHours(6), Duration.ofDays(8));
      return store.verify(Instant.now()).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
