package io.cxpulse.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.cxpulse.auth.Principal;
import io.cxpulse.store.CounterStore;
import io.cxpulse.testing.Reference;
import io.cxpulse.testing.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The analysis endpoints against a generated dataset: a few thousand responses over six days,
 * three touchpoints, segments, reasons, English and Chinese comments and value ratings. Every
 * expected number is recounted here from the generated list with plain loops and the formulas of
 * DESIGN.md, never through the server's code.
 */
@DisplayName("Analysis on a real PostgreSQL: trends, comparison, segments, leaderboard, BEST, verbatims, values")
class AnalysisTest {
  private static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");
  private static final String[] TPS = {"hotline", "store", "app"};
  private static final String[] DIMENSIONS = {"reliability", "assurance", "tangibles", "empathy", "responsiveness"};
  private static final String[] COMMENTS = {
      "The queue was long", "The QUEUE took ages", "Staff were friendly and helpful", "Price too high for 100% of it",
      "排队等了很久", "服务态度很好", "价格太贵了", "应用闪退两次", "<script>alert(1)</script> & more"};

  private static TestServer server;
  private static String viewer;
  private static Instant now;
  private static final List<JsonObject> DATA = new ArrayList<>();

  @BeforeAll
  static void generate() {
    // One token reads every analysis (and pages through searches) as fast as the answers come: far
    // above a person's pace, so the read budget (security/ReadBudgetTest) is off here.
    server = TestServer.start(Map.of("LIVE_TICK_MS", "200", "RATE_READ_PER_TOKEN", "0", "RATE_READ_PER_TENANT", "0"));
    viewer = server.viewerToken("acme");
    now = Instant.now().truncatedTo(ChronoUnit.MINUTES);
    Random random = new Random(20261126);
    for (int i = 0; i < 3000; i++) {
      long age = random.nextInt(4) == 0 ? random.nextInt(90 * 60) : random.nextInt(6 * 86400);
      JsonObject item = new JsonObject().put("eventId", "gen-" + i)
          .put("touchpoint", TPS[random.nextInt(TPS.length)])
          .put("occurredAt", now.minusSeconds(age).toString())
          .put("customerId", "cust-" + random.nextInt(500));
      int store = 1 + random.nextInt(10);
      if (random.nextInt(10) < 9) {
        // Older than 3 days the scores were worse: the comparison has a real change to find.
        int base = age > 3 * 86400 ? random.nextInt(9) : random.nextInt(11);
        item.put("nps", store <= 3 ? Math.min(10, base + 2) : base);
      }
      if (random.nextBoolean()) item.put("csat", 1 + random.nextInt(5));
      if (random.nextInt(4) == 0) item.put("ces", 1 + random.nextInt(7));
      if (random.nextInt(10) < 3) {
        JsonObject rater = new JsonObject();
        for (String d : DIMENSIONS) if (random.nextBoolean()) rater.put(d, 1 + random.nextInt(5));
        if (!rater.isEmpty()) item.put("rater", rater);
      }
      JsonArray reasons = new JsonArray();
      for (String r : new String[] {"speed", "attitude", "price"}) if (random.nextInt(3) == 0) reasons.add(r);
      if (!reasons.isEmpty()) item.put("reasons", reasons);
      if (reasons.contains("speed") && random.nextBoolean()) item.put("subReasons", new JsonArray().add("speed.wait"));
      if (random.nextInt(10) < 3) item.put("comment", COMMENTS[random.nextInt(COMMENTS.length)] + " #" + i);
      if (random.nextInt(10) < 4) {
        JsonObject values = new JsonObject();
        if (random.nextBoolean()) values.put("saves-time", random.nextInt(11));
        if (random.nextBoolean()) values.put("quality", 3 + random.nextInt(8));
        if (!values.isEmpty()) item.put("values", values);
      }
      if (random.nextInt(10) > 0) {
        item.put("segment", new JsonObject().put("region", new String[] {"north", "south", "east"}[random.nextInt(3)])
            .put("store", String.format("s%02d", store)).put("agent", "a" + random.nextInt(3)));
      }
      if (!item.containsKey("nps") && !item.containsKey("csat") && !item.containsKey("ces") && !item.containsKey("rater")
          && !item.containsKey("comment") && !item.containsKey("values")) {
        item.put("csat", 4);
      }
      DATA.add(item);
    }
    // Two rare stores, below the privacy minimum of 5: 3 and 2 responses, all with an NPS.
    for (int i = 0; i < 5; i++) {
      DATA.add(new JsonObject().put("eventId", "rare-" + i).put("touchpoint", "store").put("nps", 10)
          .put("occurredAt", now.minus(Duration.ofHours(3 + i)).toString())
          .put("segment", new JsonObject().put("store", i < 3 ? "s11" : "s12").put("region", "east")));
    }
    for (int from = 0; from < DATA.size(); from += 500) {
      List<JsonObject> chunk = DATA.subList(from, Math.min(DATA.size(), from + 500));
      HttpResponse<String> r = server.postJson("/api/v1/feedback", server.ingestToken("acme"),
          new JsonArray(new ArrayList<>(chunk)).encode());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }
    // A retry of a whole chunk: acknowledged as duplicates, counted nowhere a second time.
    HttpResponse<String> retry = server.postJson("/api/v1/feedback", server.ingestToken("acme"),
        new JsonArray(new ArrayList<>(DATA.subList(0, 300))).encode());
    assertThat(new JsonObject(retry.body()).getInteger("duplicates")).isEqualTo(300);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  // ---- independent recounts ----

  private static Instant at(JsonObject i) {
    return Instant.parse(i.getString("occurredAt"));
  }

  private static List<JsonObject> select(Predicate<JsonObject> p) {
    return DATA.stream().filter(p).toList();
  }

  private static Predicate<JsonObject> in(Instant from, Instant to) {
    return i -> !at(i).isBefore(from) && at(i).isBefore(to);
  }

  private static String seg(JsonObject i, String key) {
    JsonObject s = i.getJsonObject("segment");
    return s == null ? null : s.getString(key);
  }

  /** n, promoters, detractors of the items with an NPS. */
  private static long[] npsCounts(List<JsonObject> items) {
    long n = 0, p = 0, d = 0;
    for (JsonObject i : items) {
      Integer s = i.getInteger("nps");
      if (s == null) continue;
      n++;
      if (s >= 9) p++;
      if (s <= 6) d++;
    }
    return new long[] {n, p, d};
  }

  private static Double npsScore(long[] c) {
    return c[0] == 0 ? null : 100.0 * (c[1] - c[2]) / c[0];
  }

  private static double adjVar(long[] c) {
    double nn = c[0] + 3.0, p = (c[1] + 0.75) / nn, d = (c[2] + 0.75) / nn;
    return (p + d - (p - d) * (p - d)) / nn;
  }

  private static Double moe(long[] c) {
    return c[0] == 0 ? null : 100 * 1.96 * Math.sqrt(adjVar(c));
  }

  private static void assertNps(JsonObject nps, List<JsonObject> items, String what) {
    long[] c = npsCounts(items);
    assertThat(nps.getLong("n")).as(what + " n").isEqualTo(c[0]);
    if (c[0] == 0) {
      assertThat(nps.getValue("score")).as(what).isNull();
    } else {
      assertThat(nps.getDouble("score")).as(what + " score").isCloseTo(npsScore(c), within(1e-9));
      assertThat(nps.getDouble("moe")).as(what + " moe").isCloseTo(moe(c), within(1e-9));
      assertThat(nps.getBoolean("lowConfidence")).as(what).isEqualTo(c[0] < 30);
    }
  }

  private JsonObject get(String pathAndQuery) {
    return get(pathAndQuery, viewer);
  }

  private JsonObject get(String pathAndQuery, String token) {
    return server.getJson(pathAndQuery, token);
  }

  /** Custom windows beyond the 6 h of minute buckets are served from quarter hours: start on one. */
  private static Instant quarter(Instant t) {
    return Instant.ofEpochSecond(Math.floorDiv(t.getEpochSecond(), 900) * 900);
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String range(Instant from, Instant to) {
    return "from=" + from + "&to=" + to;
  }

  // ---- trends ----

  @Test
  @DisplayName("daily NPS trend per touchpoint and overall equals the recount per local day, with n and MoE")
  void dailyNpsTrend() {
    LocalDate first = LocalDate.ofInstant(now, ZONE).minusDays(6);
    Instant from = first.atStartOfDay(ZONE).toInstant();
    Instant to = now.plus(1, ChronoUnit.MINUTES);
    JsonObject body = get("/api/v1/trends?metric=nps&step=day&" + range(from, to));
    assertThat(body.getString("timeZone")).isEqualTo("Asia/Shanghai");
    JsonArray overall = body.getJsonObject("overall").getJsonArray("points");
    assertThat(overall).hasSize(7);
    for (int d = 0; d < 7; d++) {
      Instant s = first.plusDays(d).atStartOfDay(ZONE).toInstant(), e = first.plusDays(d + 1).atStartOfDay(ZONE).toInstant();
      JsonObject point = overall.getJsonObject(d);
      assertThat(java.time.OffsetDateTime.parse(point.getString("from")).toInstant()).as("local midnight").isEqualTo(s);
      assertThat(point.getString("from")).endsWith("T00:00+08:00");
      assertNps(point, select(in(s, e)), "overall day " + d);
      for (Object o : body.getJsonArray("series")) {
        JsonObject series = (JsonObject) o;
        String tp = series.getString("touchpoint");
        assertNps(series.getJsonArray("points").getJsonObject(d),
            select(in(s, e).and(i -> tp.equals(i.getString("touchpoint")))), tp + " day " + d);
      }
    }
  }

  @Test
  @DisplayName("hourly CSAT trend (mean, top-2 box, n) equals the recount per local hour over the last 30 hours")
  void hourlyCsatTrend() {
    Instant from = now.minus(Duration.ofHours(30)), to = now.plus(1, ChronoUnit.MINUTES);
    JsonObject body = get("/api/v1/trends?metric=csat&step=hour&touchpoints=hotline,app&" + range(from, to));
    JsonArray points = body.getJsonObject("overall").getJsonArray("points");
    Instant hour = from.truncatedTo(ChronoUnit.HOURS); // Shanghai is UTC+8: local hours are UTC hours
    // The local hours that [from, to) touches: when `to` falls on a full hour (now = hh:59), that hour is not one.
    assertThat(points).hasSize((int) Math.ceil(Duration.between(hour, to).toSeconds() / 3600.0));
    assertThat(body.getJsonArray("series")).hasSize(2);
    for (int h = 0; h < points.size(); h++) {
      Instant s = hour.plus(Duration.ofHours(h)), e = s.plus(Duration.ofHours(1));
      List<JsonObject> items = select(in(s, e).and(i -> !i.getString("touchpoint").equals("store"))
          .and(i -> i.containsKey("csat")));
      JsonObject p = points.getJsonObject(h);
      assertThat(p.getLong("n")).as("hour " + h).isEqualTo(items.size());
      if (items.isEmpty()) {
        assertThat(p.getValue("score")).isNull();
        continue;
      }
      double sum = 0, top2 = 0;
      for (JsonObject i : items) {
        sum += i.getInteger("csat");
        if (i.getInteger("csat") >= 4) top2++;
      }
      assertThat(p.getDouble("mean")).isCloseTo(sum / items.size(), within(1e-9));
      assertThat(p.getDouble("top2")).isCloseTo(100 * top2 / items.size(), within(1e-9));
    }
  }

  @Test
  @DisplayName("minute trend over the last hour counts every minute; steps the buckets cannot serve are refused with why")
  void minuteTrendAndRefusals() {
    Instant from = now.minus(Duration.ofMinutes(60)), to = now.plus(1, ChronoUnit.MINUTES);
    JsonArray points = get("/api/v1/trends?metric=nps&step=minute&" + range(from, to))
        .getJsonObject("overall").getJsonArray("points");
    assertThat(points).hasSize(61);
    for (int m = 0; m < 61; m++) {
      Instant s = from.plus(Duration.ofMinutes(m));
      assertNps(points.getJsonObject(m), select(in(s, s.plus(Duration.ofMinutes(1)))), "minute " + m);
    }
    HttpResponse<String> old = server.get("/api/v1/trends?step=minute&" + range(now.minus(Duration.ofHours(7)), now), viewer);
    assertThat(old.statusCode()).isEqualTo(400);
    assertThat(old.body()).contains("\"path\":\"step\"").contains("minute steps reach back 6 hours");
    HttpResponse<String> metric = server.get("/api/v1/trends?metric=loyalty", viewer);
    assertThat(metric.statusCode()).isEqualTo(400);
    assertThat(metric.body()).contains("\"path\":\"metric\"");
    HttpResponse<String> many = server.get("/api/v1/trends?step=minute&window=24h", viewer);
    assertThat(many.statusCode()).isEqualTo(400);
  }

  // ---- compare=previous ----

  @Test
  @DisplayName("compare=previous gives the previous period's scorecard and the NPS delta, z and significance of the recount")
  void compareWithPreviousPeriod() {
    Instant quarter = Instant.ofEpochSecond(now.getEpochSecond() / 900 * 900);
    Instant to = quarter.plus(Duration.ofMinutes(15)), from = quarter.minus(Duration.ofDays(3));
    Instant prevFrom = from.minus(Duration.between(from, to));
    JsonObject body = get("/api/v1/scorecards?compare=previous&" + range(from, to));
    assertThat(java.time.OffsetDateTime.parse(body.getJsonObject("previousWindow").getString("from")).toInstant())
        .isEqualTo(prevFrom);
    checkChange(body.getJsonObject("overall"), select(in(from, to)), select(in(prevFrom, from)), "overall");
    for (Object o : body.getJsonArray("touchpoints")) {
      JsonObject row = (JsonObject) o;
      String tp = row.getString("touchpoint");
      checkChange(row, select(in(from, to).and(i -> tp.equals(i.getString("touchpoint")))),
          select(in(prevFrom, from).and(i -> tp.equals(i.getString("touchpoint")))), tp);
    }
    // The generator made the older half worse: the overall change is large and significant.
    assertThat(body.getJsonObject("overall").getJsonObject("change").getJsonObject("nps").getBoolean("significant")).isTrue();
  }

  private static void checkChange(JsonObject card, List<JsonObject> current, List<JsonObject> previous, String what) {
    assertNps(card.getJsonObject("nps"), current, what + " current");
    assertNps(card.getJsonObject("previous").getJsonObject("nps"), previous, what + " previous");
    long[] c = npsCounts(current), p = npsCounts(previous);
    JsonObject change = card.getJsonObject("change").getJsonObject("nps");
    // The pooled score test with the N − 1 correction, recomputed by the test's own implementation.
    double z = Reference.npsChangeZ(c[1], c[2], c[0], p[1], p[2], p[0]);
    assertThat(change.getDouble("delta")).as(what).isCloseTo(npsScore(c) - npsScore(p), within(1e-9));
    assertThat(change.getDouble("z")).as(what).isCloseTo(z, within(1e-9));
    boolean enough = c[0] >= 30 && p[0] >= 30;
    assertThat(change.getBoolean("significant")).as(what).isEqualTo(enough && Math.abs(z) > Reference.CHANGE_CRITICAL);
    assertThat(change.getBoolean("insufficientN", false)).as(what).isEqualTo(!enough);
  }

  @Test
  @DisplayName("a period with too few responses claims no significance and says insufficientN")
  void compareWithFewResponses() {
    // The rare stores: s11 has 3 responses in the last day, none the day before.
    Instant quarter = Instant.ofEpochSecond(now.getEpochSecond() / 900 * 900);
    JsonObject body = get("/api/v1/scorecards?compare=previous&segment.store=s11&"
        + range(quarter.minus(Duration.ofHours(12)), quarter.plus(Duration.ofMinutes(15))));
    JsonObject change = body.getJsonObject("overall").getJsonObject("change").getJsonObject("nps");
    assertThat(change.getBoolean("significant")).isFalse();
    assertThat(change.getBoolean("insufficientN")).isTrue();
    assertThat(body.getJsonObject("overall").getJsonObject("nps").getLong("n")).isEqualTo(3);
  }

  // ---- segments ----

  @Test
  @DisplayName("segment filters on scorecards, reasons and trends equal the recount of the responses with that value")
  void segmentFilters() {
    Instant from = LocalDate.ofInstant(now, ZONE).minusDays(6).atStartOfDay(ZONE).toInstant();
    Instant to = now.plus(1, ChronoUnit.MINUTES);
    JsonObject cards = get("/api/v1/scorecards?segment.store=s02&" + range(from, to));
    assertThat(cards.getJsonObject("segment").getString("value")).isEqualTo("s02");
    Predicate<JsonObject> s02 = in(from, to).and(i -> "s02".equals(seg(i, "store")));
    assertNps(cards.getJsonObject("overall").getJsonObject("nps"), select(s02), "s02");
    for (Object o : cards.getJsonArray("touchpoints")) {
      JsonObject row = (JsonObject) o;
      String tp = row.getString("touchpoint");
      List<JsonObject> items = select(s02.and(i -> tp.equals(i.getString("touchpoint"))));
      assertNps(row.getJsonObject("nps"), items, "s02 " + tp);
      assertThat(row.getJsonObject("csat").getLong("n")).isEqualTo(items.stream().filter(i -> i.containsKey("csat")).count());
      assertThat(row.getLong("responses")).isEqualTo(items.size());
    }

    JsonObject reasons = get("/api/v1/reasons?segment.region=north&" + range(from, to));
    Predicate<JsonObject> north = in(from, to).and(i -> "north".equals(seg(i, "region")));
    long bigN = npsCounts(select(north))[0];
    assertThat(reasons.getLong("n")).isEqualTo(bigN);
    for (Object o : reasons.getJsonArray("items")) {
      JsonObject item = (JsonObject) o;
      String code = item.getString("code");
      List<JsonObject> chose = select(north.and(i -> i.containsKey("nps"))
          .and(i -> i.getJsonArray("reasons", new JsonArray()).contains(code)
              || i.getJsonArray("subReasons", new JsonArray()).contains(code)));
      long[] c = npsCounts(chose);
      assertThat(item.getLong("n")).as(code).isEqualTo(c[0]);
      if (c[0] == 0) {
        // "quality" is chosen by nobody in this dataset: no attention, no sub-NPS, no quadrant.
        assertThat(item.getValue("subNps")).isNull();
        assertThat(item.getValue("quadrant")).isNull();
      } else {
        assertThat(item.getDouble("subNps")).as(code).isCloseTo(npsScore(c), within(1e-9));
        assertThat(item.getDouble("attention")).as(code).isCloseTo((double) c[0] / bigN, within(1e-12));
      }
    }

    JsonObject trend = get("/api/v1/trends?metric=nps&step=day&segment.region=south&" + range(from, to));
    JsonArray points = trend.getJsonObject("overall").getJsonArray("points");
    LocalDate first = LocalDate.ofInstant(from, ZONE);
    for (int d = 0; d < points.size(); d++) {
      Instant s = first.plusDays(d).atStartOfDay(ZONE).toInstant(), e = first.plusDays(d + 1).atStartOfDay(ZONE).toInstant();
      assertNps(points.getJsonObject(d), select(in(s, e).and(i -> "south".equals(seg(i, "region")))), "south day " + d);
    }

    // A key the tenant does not count is refused, naming the parameter.
    HttpResponse<String> agent = server.get("/api/v1/scorecards?segment.agent=a1", viewer);
    assertThat(agent.statusCode()).isEqualTo(400);
    assertThat(agent.body()).contains("\"path\":\"segment.agent\"");
  }

  @Test
  @DisplayName("the leaderboard ranks stores by NPS with n and interval, and hides the two below the privacy minimum")
  void leaderboard() {
    Instant from = quarter(now.minus(Duration.ofDays(7))), to = now.plus(1, ChronoUnit.MINUTES);
    JsonObject body = get("/api/v1/leaderboard?segment=store&" + range(from, to));
    Map<String, List<JsonObject>> byStore = new TreeMap<>();
    for (JsonObject i : select(in(from, to))) {
      if (seg(i, "store") != null) byStore.computeIfAbsent(seg(i, "store"), k -> new ArrayList<>()).add(i);
    }
    List<Map.Entry<String, long[]>> shown = new ArrayList<>();
    int hidden = 0;
    for (var e : byStore.entrySet()) {
      long[] c = npsCounts(e.getValue());
      if (c[0] == 0) continue;
      if (c[0] < 5) hidden++;
      else shown.add(Map.entry(e.getKey(), c));
    }
    shown.sort(Comparator.<Map.Entry<String, long[]>>comparingDouble(e -> -npsScore(e.getValue()))
        .thenComparingLong(e -> -e.getValue()[0]).thenComparing(Map.Entry::getKey));
    assertThat(hidden).isEqualTo(2);
    assertThat(body.getInteger("hidden")).isEqualTo(2);
    JsonArray items = body.getJsonArray("items");
    assertThat(items.stream().map(o -> ((JsonObject) o).getString("value")).toList())
        .containsExactlyElementsOf(shown.stream().map(Map.Entry::getKey).toList())
        .doesNotContain("s11", "s12");
    for (int k = 0; k < items.size(); k++) {
      JsonObject item = items.getJsonObject(k);
      long[] c = shown.get(k).getValue();
      assertThat(item.getLong("n")).isEqualTo(c[0]);
      assertThat(item.getDouble("score")).isCloseTo(npsScore(c), within(1e-9));
      assertThat(item.getDouble("moe")).isCloseTo(moe(c), within(1e-9));
      assertThat(item.getBoolean("lowConfidence")).isEqualTo(c[0] < 30);
    }
    HttpResponse<String> bad = server.get("/api/v1/leaderboard?segment=agent", viewer);
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("\"path\":\"segment\"");
  }

  // ---- BEST ----

  @Test
  @DisplayName("BEST: journey volumes by stage, NPS and CSAT against targets, attention ranking and latest verbatims, an honest empty T without outcomes")
  void best() {
    Instant from = quarter(now.minus(Duration.ofDays(2))), to = now.plus(1, ChronoUnit.MINUTES);
    JsonObject body = get("/api/v1/best?" + range(from, to));
    List<JsonObject> window = select(in(from, to));

    JsonObject behavior = body.getJsonObject("behavior");
    // No stages setting: touchpoint order, hotline (service), store (buy), app (use).
    JsonArray stages = behavior.getJsonArray("stages");
    assertThat(stages.stream().map(o -> ((JsonObject) o).getString("stage")).toList()).containsExactly("service", "buy", "use");
    for (int s = 0; s < 3; s++) {
      String tp = TPS[s];
      long volume = window.stream().filter(i -> tp.equals(i.getString("touchpoint"))).count();
      assertThat(stages.getJsonObject(s).getLong("volume")).isEqualTo(volume);
      assertThat(stages.getJsonObject(s).getJsonArray("touchpoints").getJsonObject(0).getLong("volume")).isEqualTo(volume);
    }
    assertThat(behavior.getLong("volume")).isEqualTo(window.size());
    assertThat(behavior.getValue("completion")).isNull();
    assertThat(behavior.getString("completionNote")).contains("no behaviour events");

    for (Object o : body.getJsonObject("experience").getJsonArray("touchpoints")) {
      JsonObject row = (JsonObject) o;
      String tp = row.getString("touchpoint");
      List<JsonObject> items = window.stream().filter(i -> tp.equals(i.getString("touchpoint"))).toList();
      long[] c = npsCounts(items);
      double score = npsScore(c), m = moe(c);
      Double target = switch (tp) { case "hotline" -> 40.0; case "store" -> 50.0; default -> null; };
      String expected = target == null ? "none" : score >= target ? "green"
          : target - score <= Math.max(5, m) ? "amber" : "red";
      assertThat(row.getJsonObject("nps").getDouble("score")).isCloseTo(score, within(1e-9));
      assertThat(row.getJsonObject("nps").getString("status")).as(tp).isEqualTo(expected);
      long csatN = items.stream().filter(i -> i.containsKey("csat")).count();
      long top2 = items.stream().filter(i -> i.containsKey("csat") && i.getInteger("csat") >= 4).count();
      double share = 100.0 * top2 / csatN;
      String csatExpected = tp.equals("hotline") ? (share >= 85 ? "green" : 85 - share <= 5 ? "amber" : "red") : "none";
      assertThat(row.getJsonObject("csat").getString("status")).as(tp + " csat").isEqualTo(csatExpected);
    }

    JsonObject sound = body.getJsonObject("sound");
    long bigN = npsCounts(window)[0];
    Map<String, Long> chosen = new HashMap<>();
    for (JsonObject i : window) {
      if (!i.containsKey("nps")) continue;
      for (Object r : i.getJsonArray("reasons", new JsonArray())) chosen.merge((String) r, 1L, Long::sum);
      for (Object r : i.getJsonArray("subReasons", new JsonArray())) chosen.merge((String) r, 1L, Long::sum);
    }
    List<String> ranking = chosen.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry::getKey))
        .map(Map.Entry::getKey).toList();
    JsonArray got = sound.getJsonArray("attentionRanking");
    assertThat(got.stream().map(o -> ((JsonObject) o).getString("code")).toList()).containsExactlyElementsOf(ranking);
    assertThat(got.getJsonObject(0).getDouble("attention")).isCloseTo((double) chosen.get(ranking.get(0)) / bigN, within(1e-12));
    List<String> latest = window.stream().filter(i -> i.containsKey("comment"))
        .sorted(Comparator.comparing(AnalysisTest::at).thenComparing(i -> i.getString("eventId")).reversed())
        .limit(10).map(i -> i.getString("eventId")).toList();
    assertThat(sound.getJsonArray("verbatims").stream().map(o -> ((JsonObject) o).getString("eventId")).toList())
        .containsExactlyElementsOf(latest);

    // No outcomes were sent: T says so and carries no rates.
    assertThat(body.getJsonObject("target").getBoolean("available")).isFalse();
    assertThat(body.getJsonObject("target").getString("reason")).isNotBlank();
    assertThat(body.getJsonObject("target").containsKey("byCategory")).isFalse();
  }

  // ---- verbatims ----

  private List<JsonObject> allPages(String query, String token) {
    List<JsonObject> out = new ArrayList<>();
    String next = null;
    for (int page = 0; page < 100; page++) {
      JsonObject body = get("/api/v1/verbatims?" + query + (next == null ? "" : "&before=" + next), token);
      body.getJsonArray("items").forEach(o -> out.add((JsonObject) o));
      next = body.getString("next");
      if (next == null) return out;
    }
    throw new AssertionError("paging did not end");
  }

  /**
   * A GET sent as written over a plain socket (java.net.http would percent-encode raw UTF-8 and
   * refuse a broken escape): the status and the JSON body.
   */
  private Map.Entry<Integer, JsonObject> rawGet(String pathAndQuery, String token) {
    try (java.net.Socket socket = new java.net.Socket("localhost", server.server().port())) {
      socket.setSoTimeout(30_000);
      socket.getOutputStream().write(("GET " + pathAndQuery + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token
          + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.UTF_8));
      String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(response.toLowerCase(java.util.Locale.ROOT)).contains("content-length:"); // not chunked
      int status = Integer.parseInt(response.substring(9, 12));
      return Map.entry(status, new JsonObject(response.substring(response.indexOf("\r\n\r\n") + 4)));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static List<String> latestIds(Predicate<JsonObject> p) {
    return DATA.stream().filter(i -> i.containsKey("comment")).filter(p)
        .sorted(Comparator.comparing(AnalysisTest::at).thenComparing(i -> i.getString("eventId")).reversed())
        .map(i -> i.getString("eventId")).toList();
  }

  @Test
  @DisplayName("verbatim search finds Chinese substrings (also one character) and English case-insensitively, latest first over pages")
  void verbatimSearch() {
    Instant from = quarter(now.minus(Duration.ofDays(7))), to = now.plus(1, ChronoUnit.MINUTES);
    String window = range(from, to);
    for (String q : List.of("排队", "排", "太贵", "queue", "QUEUE", "100%", "<script>")) {
      List<JsonObject> items = allPages(window + "&limit=37&q=" + enc(q), viewer);
      List<String> expected = latestIds(in(from, to).and(i -> i.getString("comment").toLowerCase().contains(q.toLowerCase())));
      assertThat(expected).as(q).isNotEmpty();
      assertThat(items.stream().map(i -> i.getString("eventId")).toList()).as(q).containsExactlyElementsOf(expected);
    }
    // curl sends ?q=排队 typed in a shell as raw UTF-8, not percent-encoded: the same answer.
    for (String q : List.of("排队", "太贵")) {
      List<String> expected = latestIds(in(from, to).and(i -> i.getString("comment").contains(q)));
      assertThat(expected).as(q).isNotEmpty().hasSizeLessThan(200);
      Map.Entry<Integer, JsonObject> raw = rawGet("/api/v1/verbatims?" + window + "&limit=200&q=" + q, viewer);
      assertThat(raw.getKey()).isEqualTo(200);
      assertThat(raw.getValue().getJsonArray("items").stream().map(o -> ((JsonObject) o).getString("eventId")).toList())
          .as("raw %s", q).containsExactlyElementsOf(expected);
    }
    // A broken escape is a 400 that says what is wrong, with or without raw UTF-8 around it.
    for (String q : List.of("%zz", "排%zz")) {
      Map.Entry<Integer, JsonObject> bad = rawGet("/api/v1/verbatims?" + window + "&q=" + q, viewer);
      assertThat(bad.getKey()).as(q).isEqualTo(400);
      assertThat(bad.getValue().getString("message")).as(q).contains("query string cannot be decoded");
    }
    // "_" and "%" are literal: nothing has an underscore.
    assertThat(allPages(window + "&q=" + enc("_"), viewer)).isEmpty();
    // Markup comes back as the same plain string.
    JsonObject script = allPages(window + "&q=" + enc("<script>"), viewer).get(0);
    String raw = DATA.stream().filter(i -> i.getString("eventId").equals(script.getString("eventId"))).findFirst()
        .orElseThrow().getString("comment");
    assertThat(script.getString("comment")).isEqualTo(raw).startsWith("<script>alert(1)</script>");
  }

  @Test
  @DisplayName("verbatim filters by category, reason, touchpoint and segment; detractors flagged; customer ids for managers only")
  void verbatimFilters() {
    Instant from = quarter(now.minus(Duration.ofDays(7))), to = now.plus(1, ChronoUnit.MINUTES);
    String q = range(from, to) + "&category=detractor&reason=speed.wait&touchpoints=hotline,store&segment.region=east&limit=200";
    List<JsonObject> items = allPages(q, viewer);
    List<String> expected = latestIds(in(from, to).and(i -> i.containsKey("nps") && i.getInteger("nps") <= 6)
        .and(i -> i.getJsonArray("subReasons", new JsonArray()).contains("speed.wait"))
        .and(i -> !i.getString("touchpoint").equals("app")).and(i -> "east".equals(seg(i, "region"))));
    assertThat(items.stream().map(i -> i.getString("eventId")).toList()).containsExactlyElementsOf(expected);
    assertThat(items).allSatisfy(i -> {
      assertThat(i.getBoolean("detractor")).isTrue();
      assertThat(i.getString("category")).isEqualTo("detractor");
      assertThat(i.containsKey("customerId")).isFalse();
    });
    List<JsonObject> promoters = allPages(range(from, to) + "&category=promoter&limit=200",
        server.token("acme", Principal.MANAGER));
    assertThat(promoters).isNotEmpty().allSatisfy(i -> {
      assertThat(i.getInteger("nps")).isGreaterThanOrEqualTo(9);
      assertThat(i.getBoolean("detractor")).isFalse();
      assertThat(i.getString("customerId")).startsWith("cust-");
    });
    assertThat(promoters).hasSize(latestIds(in(from, to).and(i -> i.containsKey("nps") && i.getInteger("nps") >= 9)).size());
    HttpResponse<String> bad = server.get("/api/v1/verbatims?category=fan&reason=nope&limit=0", viewer);
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("\"path\":\"category\"").contains("\"path\":\"reason\"").contains("\"path\":\"limit\"");
  }

  // ---- values ----

  @Test
  @DisplayName("value elements: n, share of ratings above 7 and delivered (≥ 50%) equal the recount")
  void values() {
    Instant from = quarter(now.minus(Duration.ofDays(7))), to = now.plus(1, ChronoUnit.MINUTES);
    JsonObject body = get("/api/v1/values?touchpoints=store,app&" + range(from, to));
    JsonArray items = body.getJsonArray("items");
    assertThat(items.stream().map(o -> ((JsonObject) o).getString("code")).toList()).containsExactly("saves-time", "quality");
    for (Object o : items) {
      JsonObject item = (JsonObject) o;
      String code = item.getString("code");
      long n = 0, above = 0;
      for (JsonObject i : select(in(from, to).and(i -> !i.getString("touchpoint").equals("hotline")))) {
        Integer v = i.getJsonObject("values", new JsonObject()).getInteger(code);
        if (v == null) continue;
        n++;
        if (v > 7) above++;
      }
      assertThat(item.getLong("n")).as(code).isEqualTo(n);
      assertThat(item.getDouble("shareAbove7")).as(code).isCloseTo(100.0 * above / n, within(1e-9));
      assertThat(item.getBoolean("delivered")).as(code).isEqualTo(2 * above >= n);
    }
    // saves-time is rated 0..10 (share ~27%), quality 3..10 (share ~37%): neither is delivered here.
    assertThat(items.getJsonObject(0).getString("label")).isEqualTo("Saves time");
  }

  // ---- storage ----

  @Test
  @DisplayName("verify recounts counter and segment_counter from the raw rows and finds them equal, after a retried batch")
  void verifyFindsNoDifference() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      Pool pool = PgBuilder.pool().connectingTo(PgConnectOptions.fromUri(server.databaseUrl())).using(vertx).build();
      CounterStore store = new CounterStore(pool, Duration.ofHours(6), Duration.ofDays(8));
      assertThat(store.verify(Instant.now()).toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS)).isEmpty();
      // And it is a real check: a segment counter changed behind the server's back is reported.
      pool.query("UPDATE segment_counter SET count = count + 1 WHERE tenant = 'acme' AND seg_key = 'store' "
          + "AND seg_value = 's11' AND grain = 'd' AND metric = 'responses'").execute()
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      List<CounterStore.Difference> diffs = store.verify(Instant.now()).toCompletionStage().toCompletableFuture()
          .get(120, TimeUnit.SECONDS);
      assertThat(diffs).isNotEmpty().allSatisfy(d -> assertThat(d.metric()).isEqualTo("segment[store=s11].responses"));
      pool.query("UPDATE segment_counter SET count = count - 1 WHERE tenant = 'acme' AND seg_key = 'store' "
          + "AND seg_value = 's11' AND grain = 'd' AND metric = 'responses'").execute()
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      // No segment_counter row for the uncounted key "agent".
      long agentRows = pool.query("SELECT count(*) FROM segment_counter WHERE seg_key = 'agent'").execute()
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS).iterator().next().getLong(0);
      assertThat(agentRows).isZero();
      pool.close();
    } finally {
      vertx.close();
    }
  }
}
