package io.cxpulse.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Checks the demo generator against the ingest rules of API.md, written out here independently of
 * the generator, and checks that the demo tells its story (touchpoints differ, scores drift).
 */
@DisplayName("The demo generator")
class DemoGeneratorTest {

  private static final int N = 5_000;
  private static final Instant START = Instant.parse("2025-03-03T02:00:00Z");
  private static final long STEP_MILLIS = 1_440; // 5,000 items over two hours
  private static final Pattern EVENT_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
  private static final Pattern CJK = Pattern.compile("[\\u4e00-\\u9fff]");
  private static final Set<String> RATER = Set.of("reliability", "assurance", "tangibles", "empathy", "responsiveness");
  private static final Set<String> STAGES = Set.of("discover", "choose", "buy", "use", "service", "advocate");
  private static final Set<String> SCORE_FIELDS = Set.of("nps", "csat", "csat3", "ces", "rater", "values", "comment");

  private static JsonObject catalog;
  private static JsonObject tenant;
  private static Set<String> touchpointCodes;
  private static Map<String, String> reasonParent; // level-1 → null, level-2 → parent
  private static Set<String> valueCodes;
  private static List<JsonObject> items;

  @BeforeAll
  static void generate() throws IOException {
    try (InputStream in = DemoGeneratorTest.class.getResourceAsStream("/catalog/demo.json")) {
      assertThat(in).as("/catalog/demo.json on the classpath").isNotNull();
      catalog = new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    tenant = catalog.getJsonArray("tenants").getJsonObject(0);
    touchpointCodes = new HashSet<>();
    for (Object o : tenant.getJsonArray("touchpoints")) {
      touchpointCodes.add(((JsonObject) o).getString("code"));
    }
    reasonParent = new HashMap<>();
    for (Object o : tenant.getJsonArray("reasons")) {
      JsonObject r = (JsonObject) o;
      reasonParent.put(r.getString("code"), r.getString("parent"));
    }
    valueCodes = new HashSet<>();
    for (Object o : tenant.getJsonArray("valueElements")) {
      valueCodes.add(((JsonObject) o).getString("code"));
    }
    items = generate(42L, N);
  }

  private static List<JsonObject> generate(long seed, int count) {
    DemoGenerator generator = new DemoGenerator(tenant, new Random(seed));
    List<JsonObject> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(generator.next(START.plusMillis(i * STEP_MILLIS), "demo-" + seed + ":" + i));
    }
    return out;
  }

  // ------------------------------------------------------------------ catalog

  @Test
  @DisplayName("ships a catalog with one demo tenant whose touchpoints, stages and reasons are consistent")
  void catalogIsConsistent() {
    assertThat(catalog.getJsonArray("tenants")).hasSize(1);
    assertThat(tenant.getString("id")).isEqualTo("demo");
    assertThat(tenant.getString("name")).isNotBlank();
    assertThat(ZoneId.of(tenant.getString("timeZone"))).isEqualTo(ZoneId.of("Asia/Shanghai"));
    assertThat(tenant.getJsonArray("segments").getList()).containsExactly("region", "store");

    JsonArray tps = tenant.getJsonArray("touchpoints");
    assertThat(tps.size()).isBetween(6, 12);
    Set<Integer> orders = new HashSet<>();
    for (Object o : tps) {
      JsonObject tp = (JsonObject) o;
      assertThat(tp.getString("code")).matches("[a-z0-9]+(-[a-z0-9]+)*");
      assertThat(tp.getString("name")).isNotBlank();
      assertThat(tp.getString("nameZh")).containsPattern(CJK);
      assertThat(STAGES).contains(tp.getString("stage"));
      assertThat(orders.add(tp.getInteger("order"))).as("unique order").isTrue();
      assertThat(tp.getJsonObject("targets").getInteger("nps")).isBetween(-100, 100);
      assertThat(tp.getJsonObject("targets").getInteger("csat")).isBetween(0, 100);
    }
    assertThat(touchpointCodes).hasSize(tps.size());

    Set<String> stageCodes = new HashSet<>();
    for (Object o : tenant.getJsonArray("stages")) {
      JsonObject s = (JsonObject) o;
      stageCodes.add(s.getString("code"));
      assertThat(s.getString("labelZh")).containsPattern(CJK);
    }
    assertThat(stageCodes).isEqualTo(STAGES);

    int level1 = 0;
    for (Object o : tenant.getJsonArray("reasons")) {
      JsonObject r = (JsonObject) o;
      assertThat(r.getString("label")).isNotBlank();
      assertThat(r.getString("labelZh")).containsPattern(CJK);
      if (r.getString("kind") != null) {
        assertThat(r.getString("kind")).isIn("like", "improve", "both");
      }
      String parent = r.getString("parent");
      if (parent == null) {
        level1++;
      } else {
        assertThat(reasonParent).containsKey(parent);
        assertThat(reasonParent.get(parent)).as("parent of %s is level 1", r.getString("code")).isNull();
        assertThat(r.getString("code")).startsWith(parent + ".");
      }
    }
    assertThat(level1).isBetween(6, 12);
    assertThat(reasonParent.size() - level1).isBetween(6, 14);
    assertThat(valueCodes).hasSizeBetween(4, 5);
  }

  // ------------------------------------------------------------------ API.md rules

  @Test
  @DisplayName("produces items that all follow the ingest rules of API.md")
  void everyItemIsValid() {
    for (JsonObject item : items) {
      String at = item.encode();

      assertNoNulls(item, at);
      assertThat(item.getString("eventId")).as(at).matches(EVENT_ID);
      assertThat(touchpointCodes).as(at).contains(item.getString("touchpoint"));

      OffsetDateTime occurred = OffsetDateTime.parse(item.getString("occurredAt"));
      assertThat(occurred.toInstant()).as(at).isBetween(START, START.plusMillis(N * STEP_MILLIS));

      if (item.containsKey("channel")) {
        assertThat(item.getString("channel")).as(at).matches("[a-z][a-z0-9-]*");
      }
      if (item.containsKey("customerId")) {
        assertThat(item.getString("customerId")).as(at).hasSizeBetween(1, 128);
      }
      assertIntIn(item, "nps", 0, 10);
      assertIntIn(item, "csat", 1, 5);
      assertIntIn(item, "csat3", 1, 3);
      assertIntIn(item, "ces", 1, 7);

      if (item.containsKey("rater")) {
        JsonObject rater = item.getJsonObject("rater");
        assertThat(rater.fieldNames()).as(at).isNotEmpty().isSubsetOf(RATER);
        for (String dim : rater.fieldNames()) {
          assertIntIn(rater, dim, 1, 5);
        }
      }

      Set<String> reasons = new HashSet<>();
      if (item.containsKey("reasons")) {
        for (Object o : item.getJsonArray("reasons")) {
          String code = (String) o;
          assertThat(reasonParent).as(at).containsKey(code);
          assertThat(reasonParent.get(code)).as("%s is level 1 in %s", code, at).isNull();
          assertThat(reasons.add(code)).as("no repeated reason in %s", at).isTrue();
        }
      }
      if (item.containsKey("subReasons")) {
        Set<String> subs = new HashSet<>();
        for (Object o : item.getJsonArray("subReasons")) {
          String code = (String) o;
          assertThat(reasonParent).as(at).containsKey(code);
          assertThat(reasonParent.get(code)).as("%s is level 2 in %s", code, at).isNotNull();
          assertThat(reasons).as("parent of %s picked in %s", code, at).contains(reasonParent.get(code));
          assertThat(subs.add(code)).as("no repeated sub-reason in %s", at).isTrue();
        }
      }

      if (item.containsKey("values")) {
        JsonObject values = item.getJsonObject("values");
        assertThat(values.fieldNames()).as(at).isNotEmpty().isSubsetOf(valueCodes);
        for (String v : values.fieldNames()) {
          assertIntIn(values, v, 0, 10);
        }
      }
      if (item.containsKey("comment")) {
        assertThat(item.getString("comment")).as(at).isNotBlank().hasSizeLessThanOrEqualTo(4000);
      }
      if (item.containsKey("contactConsent")) {
        assertThat(item.getValue("contactConsent")).as(at).isInstanceOf(Boolean.class);
      }
      JsonObject segment = item.getJsonObject("segment");
      assertThat(segment.size()).as(at).isBetween(1, 10);
      for (String key : segment.fieldNames()) {
        assertThat(segment.getValue(key)).as(at).isInstanceOf(String.class);
        assertThat(segment.getString(key)).as(at).hasSizeBetween(1, 64);
      }

      assertThat(item.fieldNames()).as("at least one score field in %s", at).containsAnyElementsOf(SCORE_FIELDS);
    }
  }

  @Test
  @DisplayName("fills the optional fields in realistic proportions")
  void optionalFieldsAppearInRealisticShares() {
    assertThat(share(i -> i.containsKey("nps"))).isGreaterThan(0.93);
    assertThat(share(i -> i.containsKey("csat"))).isBetween(0.6, 0.9);
    assertThat(share(i -> i.containsKey("ces"))).isBetween(0.1, 0.6);
    assertThat(share(i -> i.containsKey("rater"))).isBetween(0.1, 0.6);
    assertThat(share(i -> i.containsKey("reasons"))).isGreaterThan(0.7);
    assertThat(share(i -> i.containsKey("subReasons"))).isBetween(0.1, 0.7);
    assertThat(share(i -> i.containsKey("values"))).isBetween(0.1, 0.5);
    assertThat(share(i -> i.containsKey("comment"))).isBetween(0.2, 0.4);

    List<JsonObject> detractors = items.stream().filter(i -> i.getInteger("nps", 99) <= 6).toList();
    double consent = detractors.stream().filter(i -> i.getBoolean("contactConsent", false)).count()
        / (double) detractors.size();
    assertThat(consent).isBetween(0.3, 0.5);
    assertThat(items).noneMatch(i -> i.getInteger("nps", 0) >= 7 && i.getBoolean("contactConsent", false));

    Set<String> customers = new HashSet<>();
    Set<String> regions = new HashSet<>();
    Set<String> stores = new HashSet<>();
    for (JsonObject i : items) {
      customers.add(i.getString("customerId"));
      regions.add(i.getJsonObject("segment").getString("region"));
      stores.add(i.getJsonObject("segment").getString("store"));
    }
    assertThat(customers.size()).isBetween(1_500, 3_000);
    assertThat(regions).hasSize(4);
    assertThat(stores).hasSizeBetween(6, 10);
  }

  @Test
  @DisplayName("asks promoters what they like and everyone else what to improve")
  void reasonsFollowThePromoterSplit() {
    Map<String, String> kind = new HashMap<>();
    for (Object o : tenant.getJsonArray("reasons")) {
      JsonObject r = (JsonObject) o;
      kind.put(r.getString("code"), r.getString("kind", "both"));
    }
    for (JsonObject item : items) {
      if (!item.containsKey("nps") || !item.containsKey("reasons")) {
        continue;
      }
      boolean promoter = item.getInteger("nps") >= 9;
      for (Object o : item.getJsonArray("reasons")) {
        assertThat(kind.get((String) o)).as(item.encode()).isIn("both", promoter ? "like" : "improve");
      }
      if (item.containsKey("subReasons")) {
        for (Object o : item.getJsonArray("subReasons")) {
          assertThat(kind.get((String) o)).as(item.encode()).isIn("both", promoter ? "like" : "improve");
        }
      }
    }
  }

  // ------------------------------------------------------------------ the story

  @Test
  @DisplayName("gives each touchpoint its own NPS, the best well ahead of the worst")
  void touchpointsDifferInNps() {
    Map<String, int[]> counts = new HashMap<>(); // n, promoters, detractors
    for (JsonObject item : items) {
      if (!item.containsKey("nps")) {
        continue;
      }
      int[] c = counts.computeIfAbsent(item.getString("touchpoint"), k -> new int[3]);
      int score = item.getInteger("nps");
      c[0]++;
      if (score >= 9) {
        c[1]++;
      } else if (score <= 6) {
        c[2]++;
      }
    }
    assertThat(counts.keySet()).isEqualTo(touchpointCodes);
    Map<String, Double> nps = new HashMap<>();
    counts.forEach((tp, c) -> nps.put(tp, 100.0 * (c[1] - c[2]) / c[0]));
    double best = nps.values().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    double worst = nps.values().stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    assertThat(best - worst).as("NPS by touchpoint %s", nps).isGreaterThan(20);
    assertThat(nps.get("app")).as("app NPS").isGreaterThan(nps.get("hotline") + 20);
    assertThat(nps.get("delivery-install")).as("delivery NPS").isGreaterThan(nps.get("onsite-repair") + 20);
  }

  @Test
  @DisplayName("lets CSAT follow the NPS answer")
  void csatCorrelatesWithNps() {
    double promoterCsat = meanCsat(9, 10);
    double detractorCsat = meanCsat(0, 6);
    assertThat(promoterCsat).isGreaterThan(detractorCsat + 1.5);
  }

  @Test
  @DisplayName("makes hotline detractors complain mostly about speed")
  void hotlineDetractorsComplainAboutSpeed() {
    Map<String, Integer> reasonCounts = new HashMap<>();
    for (JsonObject item : items) {
      if ("hotline".equals(item.getString("touchpoint")) && item.getInteger("nps", 10) <= 6
          && item.containsKey("reasons")) {
        for (Object o : item.getJsonArray("reasons")) {
          reasonCounts.merge((String) o, 1, Integer::sum);
        }
      }
    }
    String top = reasonCounts.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    assertThat(top).as("reasons %s", reasonCounts).isEqualTo("speed");
  }

  @Test
  @DisplayName("moves hotline waiting-time complaints up and down over a 20-minute cycle")
  void hotlineComplaintsDrift() {
    // split the hotline's non-promoter responses by the half of the 20-minute cycle they fall in
    int[] n = new int[2];
    int[] speed = new int[2];
    for (JsonObject item : items) {
      if (!"hotline".equals(item.getString("touchpoint")) || item.getInteger("nps", 10) >= 9
          || !item.containsKey("reasons")) {
        continue;
      }
      long second = OffsetDateTime.parse(item.getString("occurredAt")).toEpochSecond();
      int half = (int) (Math.floorMod(second, 1200) / 600);
      n[half]++;
      if (item.getJsonArray("reasons").contains("speed")) {
        speed[half]++;
      }
    }
    double first = speed[0] / (double) n[0];
    double second = speed[1] / (double) n[1];
    assertThat(Math.abs(first - second)).as("speed share %.2f vs %.2f", first, second).isGreaterThan(0.10);
  }

  @Test
  @DisplayName("writes bilingual comments, mostly Chinese")
  void commentsAreBilingual() {
    List<String> comments = items.stream().filter(i -> i.containsKey("comment"))
        .map(i -> i.getString("comment")).toList();
    long chinese = comments.stream().filter(c -> CJK.matcher(c).find()).count();
    long english = comments.stream().filter(c -> c.chars().allMatch(ch -> ch < 128)).count();
    assertThat(chinese).isGreaterThan(comments.size() / 2);
    assertThat(english).isGreaterThan(comments.size() / 20);
    assertThat(new HashSet<>(comments).size()).isGreaterThanOrEqualTo(30);
  }

  // ------------------------------------------------------------------ determinism and traffic

  @Test
  @DisplayName("gives the same items for the same seed and different items for another seed")
  void deterministicForASeed() {
    assertThat(generate(42L, N)).isEqualTo(items);
    List<JsonObject> other = generate(7L, 200);
    assertThat(other).isNotEqualTo(generate(42L, 200));
    assertThat(other).isEqualTo(generate(7L, 200));
  }

  @Test
  @DisplayName("shapes traffic like a service centre day: quiet at night, busy late morning and early evening")
  void volumeFactorFollowsTheDay() {
    ZonedDateTime midnight = ZonedDateTime.of(2025, 3, 3, 0, 0, 0, 0, ZoneId.of("Asia/Shanghai"));
    for (int minute = 0; minute < 24 * 60; minute++) {
      assertThat(DemoGenerator.volumeFactor(midnight.plusMinutes(minute))).isBetween(0.05, 1.0);
    }
    double night = DemoGenerator.volumeFactor(midnight.plusHours(3));
    double lateMorning = DemoGenerator.volumeFactor(midnight.plusHours(11));
    double afternoon = DemoGenerator.volumeFactor(midnight.plusHours(13));
    double evening = DemoGenerator.volumeFactor(midnight.plusHours(19));
    assertThat(night).isLessThan(0.1);
    assertThat(lateMorning).isGreaterThan(afternoon);
    assertThat(evening).isGreaterThan(afternoon);
    assertThat(lateMorning).isGreaterThan(5 * night);
  }

  // ------------------------------------------------------------------ helpers

  private static double share(java.util.function.Predicate<JsonObject> p) {
    return items.stream().filter(p).count() / (double) items.size();
  }

  private static double meanCsat(int lo, int hi) {
    return items.stream()
        .filter(i -> i.containsKey("csat") && i.containsKey("nps"))
        .filter(i -> i.getInteger("nps") >= lo && i.getInteger("nps") <= hi)
        .mapToInt(i -> i.getInteger("csat")).average().orElseThrow();
  }

  private static void assertIntIn(JsonObject o, String field, int lo, int hi) {
    if (!o.containsKey(field)) {
      return;
    }
    assertThat(o.getValue(field)).as("%s in %s", field, o.encode()).isInstanceOf(Integer.class);
    assertThat(o.getInteger(field)).as("%s in %s", field, o.encode()).isBetween(lo, hi);
  }

  private static void assertNoNulls(Object value, String at) {
    assertThat(value).as("no nulls in %s", at).isNotNull();
    if (value instanceof JsonObject o) {
      for (String key : o.fieldNames()) {
        assertNoNulls(o.getValue(key), at);
      }
    } else if (value instanceof JsonArray a) {
      for (Object e : a) {
        assertNoNulls(e, at);
      }
    }
  }
}
