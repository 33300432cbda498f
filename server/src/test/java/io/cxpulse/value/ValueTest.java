package io.cxpulse.value;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.cxpulse.testing.Reference;
import io.cxpulse.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Value of experience: outcomes, T in BEST, revenue at risk, earned growth")
class ValueTest {
  private static TestServer server;
  /** When the generated customers answered: well before now, so that the 90-day horizon has passed. */
  private static final Instant ANCHOR = Instant.now().minus(120, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
  private static final double DAMAGED_FACTOR = 0.7;
  private static final Map<String, Double> BASE = Map.of("promoter", 0.8, "passive", 0.6, "detractor", 0.35);
  private static final List<Customer> CUSTOMERS = new ArrayList<>();

  /** One generated customer: what they answered, and what the generator made them do. */
  record Customer(String id, int nps, boolean quality, boolean price, boolean attitude, Instant answeredAt,
                  boolean repurchased, boolean churned, double firstOrder, double repeatOrder) {
    String category() {
      return nps >= 9 ? "promoter" : nps >= 7 ? "passive" : "detractor";
    }

    /** The generator's repurchase probability for this customer: attitude plays no part in it. */
    double trueRate() {
      return BASE.get(category()) * (quality ? DAMAGED_FACTOR : 1.0);
    }
  }

  /** Share of each category that raises "attitude": detractors far more often, but it changes nothing. */
  private static final Map<String, Double> ATTITUDE = Map.of("promoter", 0.05, "passive", 0.15, "detractor", 0.6);

  @BeforeAll
  static void start() {
    server = TestServer.start();
    generate();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /**
   * 1500 customers at the store: 40% promoters, 30% passives, 30% detractors; 30% raise "quality"
   * (the damaged-delivery complaint), independently 40% raise "price". Repurchase within 90 days
   * with probability 0.8 / 0.6 / 0.35 by category, times 0.7 for those who raised quality (30% less);
   * price changes nothing. "attitude" is raised by 60% of detractors, 15% of passives and 5% of
   * promoters (drawn from a second random stream, so the others stay as they were) and changes
   * nothing either: a confounded item. Detractors who do not repurchase churn with probability 0.5. Every
   * customer bought once before answering (amount 50..150). 200 more customers at the hotline
   * all repurchase and raise price: outside the store scope they must change nothing.
   */
  static void generate() {
    Random random = new Random(20251126L);
    Random confounder = new Random(7L);
    JsonArray feedback = new JsonArray();
    JsonArray outcomes = new JsonArray();
    for (int i = 0; i < 1700; i++) {
      boolean store = i < 1500;
      double u = random.nextDouble();
      int nps = u < 0.4 ? 9 + random.nextInt(2) : u < 0.7 ? 7 + random.nextInt(2) : random.nextInt(7);
      boolean quality = store && random.nextDouble() < 0.3;
      boolean price = !store || random.nextDouble() < 0.4;
      Instant answered = ANCHOR.plus(random.nextInt(20 * 24 * 60), ChronoUnit.MINUTES);
      String category = nps >= 9 ? "promoter" : nps >= 7 ? "passive" : "detractor";
      double p = BASE.get(category) * (quality ? DAMAGED_FACTOR : 1.0);
      boolean repurchased = !store || random.nextDouble() < p;
      boolean churned = store && !repurchased && category.equals("detractor") && random.nextDouble() < 0.5;
      double firstOrder = (5_000 + random.nextInt(10_001)) / 100.0;
      double repeatOrder = (5_000 + random.nextInt(10_001)) / 100.0;
      String id = "c" + i;
      JsonArray reasons = new JsonArray();
      if (quality) reasons.add("quality");
      if (price) reasons.add("price");
      boolean attitude = store && confounder.nextDouble() < ATTITUDE.get(category);
      if (attitude) reasons.add("attitude");
      feedback.add(new JsonObject().put("eventId", "vf-" + i).put("touchpoint", store ? "store" : "hotline")
          .put("customerId", id).put("nps", nps).put("reasons", reasons).put("occurredAt", answered.toString()));
      outcomes.add(outcome("first-" + i, id, "purchase", firstOrder, answered.minus(5, ChronoUnit.DAYS)));
      if (repurchased) {
        outcomes.add(outcome("again-" + i, id, "repurchase", repeatOrder, answered.plus(1 + random.nextInt(85), ChronoUnit.DAYS)));
      } else if (store) {
        // Outside the horizon: must not count.
        if (random.nextDouble() < 0.2) {
          outcomes.add(outcome("late-" + i, id, "repurchase", repeatOrder, answered.plus(95, ChronoUnit.DAYS)));
          LATE.add(new Late(id, repeatOrder));
        }
      }
      if (churned) outcomes.add(outcome("churn-" + i, id, "churn", null, answered.plus(30, ChronoUnit.DAYS)));
      if (store) CUSTOMERS.add(new Customer(id, nps, quality, price, attitude, answered, repurchased, churned, firstOrder,
          repurchased ? repeatOrder : 0));
    }
    postAll("/api/v1/feedback", feedback);
    postAll("/api/v1/outcomes", outcomes);
  }

  static JsonObject outcome(String eventId, String customer, String type, Double amount, Instant at) {
    JsonObject o = new JsonObject().put("eventId", eventId).put("customerId", customer).put("type", type)
        .put("occurredAt", at.toString());
    if (amount != null) o.put("amount", amount);
    return o;
  }

  static void postAll(String path, JsonArray items) {
    for (int from = 0; from < items.size(); from += 1000) {
      JsonArray chunk = new JsonArray(items.getList().subList(from, Math.min(items.size(), from + 1000)));
      TestServer.ok(server.postJson(path, server.ingestToken("acme"), chunk.encode()));
    }
  }

  static String window() {
    return "from=" + enc(ANCHOR.minus(1, ChronoUnit.DAYS).toString()) + "&to=" + enc(ANCHOR.plus(21, ChronoUnit.DAYS).toString());
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  static JsonObject get(String path) {
    return server.getJson(path, server.viewerToken("acme"));
  }

  /** The 95% Wilson interval, computed here independently of the server's code. */
  static double[] wilson(long k, long n) {
    double p = (double) k / n, z = 1.96, z2 = z * z;
    double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
    double half = z * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / (1 + z2 / n);
    return new double[] {centre - half, centre + half};
  }

  @Test
  @DisplayName("revenue at risk: 'quality' (30% fewer repurchases) is ranked with the generator's figures; 'price' is noise and not ranked")
  void revenueAtRisk() {
    JsonObject body = get("/api/v1/value/issues?touchpoints=store&outcome=repurchase&horizonDays=90&" + window());
    assertThat(body.getLong("customers")).isEqualTo(CUSTOMERS.size());
    assertThat(body.getLong("openHorizon")).isZero();
    assertThat(body.getString("adjustedFor")).isEqualTo("touchpoint");
    JsonArray items = body.getJsonArray("items");
    // quality, and attitude (see confounding()): both go with significantly fewer repurchases.
    assertThat(items.stream().map(i -> ((JsonObject) i).getString("code"))).containsExactlyInAnyOrder("quality", "attitude");
    JsonObject quality = item(items, "quality");
    assertThat(quality.getInteger("rank")).isNotNull();
    assertThat(quality.getBoolean("significant")).isTrue();

    // Recount from the generated data.
    List<Customer> raised = CUSTOMERS.stream().filter(Customer::quality).toList();
    List<Customer> others = CUSTOMERS.stream().filter(c -> !c.quality()).toList();
    long ka = raised.stream().filter(Customer::repurchased).count();
    long kb = others.stream().filter(Customer::repurchased).count();
    double rateA = (double) ka / raised.size(), rateB = (double) kb / others.size();
    assertThat(quality.getLong("affectedCustomers")).isEqualTo(raised.size());
    assertThat(quality.getJsonObject("raised").getLong("k")).isEqualTo(ka);
    assertThat(quality.getJsonObject("notRaised").getLong("k")).isEqualTo(kb);
    assertThat(quality.getJsonObject("crude").getDouble("difference")).isCloseTo(100 * (rateB - rateA), within(1e-9));
    assertThat(quality.getJsonObject("crude").getBoolean("significant")).isTrue();
    // The total effect, adjusted for touchpoint only: one touchpoint here, so the crude difference,
    // with Newcombe's interval and the exact test, recomputed here.
    double[] total = Reference.newcombe(List.of(new Reference.Table(kb, others.size(), ka, raised.size())));
    assertThat(quality.getDouble("loss")).isCloseTo(100 * total[0], within(1e-9));
    JsonArray ci = quality.getJsonArray("lossCi");
    assertThat(ci.getDouble(0)).isCloseTo(100 * total[1], within(1e-9));
    assertThat(ci.getDouble(1)).isCloseTo(100 * total[2], within(1e-9));
    assertThat(quality.getDouble("p")).isCloseTo(
        Reference.exactP(List.of(new Reference.Table(kb, others.size(), ka, raised.size())))[2], within(1e-9));
    assertThat(quality.getJsonObject("total").getDouble("loss")).isEqualTo(quality.getDouble("loss"));
    // The generator's true total loss: mean probability of the others minus of the raisers.
    double trueTotal = 100 * (others.stream().mapToDouble(Customer::trueRate).average().orElseThrow()
        - raised.stream().mapToDouble(Customer::trueRate).average().orElseThrow());
    assertThat(trueTotal).isBetween(ci.getDouble(0), ci.getDouble(1));
    assertThat(ci.getDouble(0)).isPositive();
    // The direct effect, adjusted for the NPS category too: quality does not change the score in
    // this generator, so direct and total are close, and both significant.
    Pooled direct = pooled(Customer::quality, false);
    JsonObject d = quality.getJsonObject("direct");
    assertThat(d.getDouble("loss")).isCloseTo(100 * direct.difference(), within(1e-9));
    assertThat(d.getJsonArray("ci").getDouble(0)).isCloseTo(100 * direct.low(), within(1e-9));
    assertThat(d.getJsonArray("ci").getDouble(1)).isCloseTo(100 * direct.high(), within(1e-9));
    assertThat(d.getBoolean("significant")).isTrue();
    double trueDirect = 100 * pooled(Customer::quality, true).difference();
    assertThat(trueDirect).isBetween(d.getJsonArray("ci").getDouble(0), d.getJsonArray("ci").getDouble(1));
    // Average order value of the affected customers: their purchase and repurchase amounts up to the
    // end of their horizon (the repurchases 95 days after answering are past it).
    double spend = raised.stream().mapToDouble(c -> c.firstOrder() + c.repeatOrder()).sum();
    long orders = raised.size() + ka;
    assertThat(quality.getDouble("averageOrderValue")).isCloseTo(spend / orders, within(1e-6));
    // Each customer's own monthly spend: first order 5 days before answering, history to the end of
    // the horizon 95 days, so spend × 30/95.
    double monthly = raised.stream().mapToDouble(c -> (c.firstOrder() + c.repeatOrder()) * 30 / 95.0).sum();
    assertThat(quality.getDouble("monthlySpend")).isCloseTo(monthly, within(1e-6));
    assertThat(quality.getDouble("ordersPerMonth")).isCloseTo(orders * 30 / 95.0, within(1e-6));
    assertThat(quality.getDouble("revenueAtRiskPerMonth")).isCloseTo(total[0] * monthly, within(1e-6));
    assertThat(quality.getJsonArray("revenueAtRiskPerMonthCi").getDouble(0)).isCloseTo(total[1] * monthly, within(1e-6));

    JsonObject price = item(body.getJsonArray("notSignificant"), "price");
    assertThat(price.getBoolean("significant")).isFalse();
    assertThat(price.containsKey("rank")).isFalse();
    assertThat(price.getJsonArray("lossCi").getDouble(0)).isNegative();
    assertThat(price.getJsonArray("lossCi").getDouble(1)).isPositive();
  }

  @Test
  @DisplayName("total and direct effect: 'attitude' (raised mostly by detractors) has a significant total loss and no direct one; both are labelled")
  void confounding() {
    JsonObject body = get("/api/v1/value/issues?touchpoints=store&outcome=repurchase&horizonDays=90&" + window());
    assertThat(body.getString("directAdjustedFor")).isEqualTo("touchpoint, npsCategory");
    // Ranked by its total effect: customers who raise it do come back less. The direct effect says
    // why: within each NPS category they do as well as the others (in this generator attitude only
    // marks unhappy customers; were it the cause of their score, the total would be its cost).
    JsonObject attitude = item(body.getJsonArray("items"), "attitude");
    List<Customer> raised = CUSTOMERS.stream().filter(Customer::attitude).toList();
    List<Customer> others = CUSTOMERS.stream().filter(c -> !c.attitude()).toList();
    assertThat(attitude.getLong("affectedCustomers")).isEqualTo(raised.size());
    // Detractors raise it far more often than the others: the groups differ in their NPS mix.
    double detractorShareRaised = (double) raised.stream().filter(c -> c.category().equals("detractor")).count() / raised.size();
    double detractorShareOthers = (double) others.stream().filter(c -> c.category().equals("detractor")).count() / others.size();
    assertThat(detractorShareRaised).isGreaterThan(detractorShareOthers + 0.4);

    // Total (= crude here, one touchpoint): a recount, and the generator's total difference (mean
    // repurchase probability of the customers who did not raise it minus of those who did) is far
    // from 0 and inside the interval.
    double rateA = (double) raised.stream().filter(Customer::repurchased).count() / raised.size();
    double rateB = (double) others.stream().filter(Customer::repurchased).count() / others.size();
    JsonObject total = attitude.getJsonObject("total");
    assertThat(total.getDouble("loss")).isCloseTo(100 * (rateB - rateA), within(1e-9));
    assertThat(total.getBoolean("significant")).isTrue();
    assertThat(attitude.getBoolean("significant")).isTrue();
    double trueTotal = 100 * (others.stream().mapToDouble(Customer::trueRate).average().orElseThrow()
        - raised.stream().mapToDouble(Customer::trueRate).average().orElseThrow());
    assertThat(trueTotal).isGreaterThan(10);
    assertThat(trueTotal).isBetween(total.getJsonArray("ci").getDouble(0), total.getJsonArray("ci").getDouble(1));

    // Direct: recomputed here. Attitude has no effect within a category (0 inside the interval).
    // With the generator's probabilities of these very customers the pooled difference is not
    // exactly 0 — by chance the quality complaint is a little more or less common among attitude
    // raisers of a category — but small, and inside the interval too.
    Pooled pooled = pooled(Customer::attitude, false);
    JsonObject direct = attitude.getJsonObject("direct");
    assertThat(direct.getDouble("loss")).isCloseTo(100 * pooled.difference(), within(1e-9));
    JsonArray ci = direct.getJsonArray("ci");
    assertThat(ci.getDouble(0)).isCloseTo(100 * pooled.low(), within(1e-9));
    assertThat(ci.getDouble(1)).isCloseTo(100 * pooled.high(), within(1e-9));
    assertThat(ci.getDouble(0)).isNegative();
    assertThat(ci.getDouble(1)).isPositive();
    double trueAdjusted = 100 * pooled(Customer::attitude, true).difference();
    assertThat(trueAdjusted).isCloseTo(0, within(2.0)).isBetween(ci.getDouble(0), ci.getDouble(1));
    assertThat(direct.getBoolean("significant")).isFalse();

    // The strata the direct effect used: each category's counts, recounted.
    for (String category : List.of("promoter", "passive", "detractor")) {
      JsonObject stratum = attitude.getJsonObject("byCategory").getJsonObject(category);
      List<Customer> in = CUSTOMERS.stream().filter(c -> c.category().equals(category)).toList();
      assertThat(stratum.getJsonObject("raised").getLong("n")).isEqualTo(in.stream().filter(Customer::attitude).count());
      assertThat(stratum.getJsonObject("raised").getLong("k"))
          .isEqualTo(in.stream().filter(c -> c.attitude() && c.repurchased()).count());
      assertThat(stratum.getJsonObject("notRaised").getLong("n")).isEqualTo(in.stream().filter(c -> !c.attitude()).count());
      assertThat(stratum.getJsonObject("notRaised").getLong("k"))
          .isEqualTo(in.stream().filter(c -> !c.attitude() && c.repurchased()).count());
    }
  }

  static JsonObject item(JsonArray list, String code) {
    return list.stream().map(o -> (JsonObject) o).filter(i -> i.getString("code").equals(code)).findFirst().orElseThrow();
  }

  record Pooled(double difference, double low, double high) {}

  /**
   * The direct effect (did not raise − raised) over the NPS categories: the MH-weighted difference
   * and its stratified Newcombe interval, by {@link Reference#newcombe}. With {@code truth}, the
   * per-category rates are the generator's mean probabilities instead of the observed ones (the
   * true value the interval should cover; only the difference is used then).
   */
  static Pooled pooled(java.util.function.Predicate<Customer> raised, boolean truth) {
    double sumW = 0, sumWd = 0;
    List<Reference.Table> strata = new ArrayList<>();
    for (String category : List.of("promoter", "passive", "detractor")) {
      List<Customer> x = CUSTOMERS.stream().filter(c -> c.category().equals(category) && !raised.test(c)).toList();
      List<Customer> y = CUSTOMERS.stream().filter(c -> c.category().equals(category) && raised.test(c)).toList();
      if (x.isEmpty() || y.isEmpty()) continue;
      double nx = x.size(), ny = y.size(), w = nx * ny / (nx + ny);
      double kx = truth ? x.stream().mapToDouble(Customer::trueRate).sum() : x.stream().filter(Customer::repurchased).count();
      double ky = truth ? y.stream().mapToDouble(Customer::trueRate).sum() : y.stream().filter(Customer::repurchased).count();
      sumW += w;
      sumWd += w * (kx / nx - ky / ny);
      if (!truth) strata.add(new Reference.Table((long) kx, x.size(), (long) ky, y.size()));
    }
    if (truth) return new Pooled(sumWd / sumW, Double.NaN, Double.NaN);
    double[] d = Reference.newcombe(strata);
    return new Pooled(d[0], d[1], d[2]);
  }

  record Late(String customer, double amount) {}

  static final List<Late> LATE = new ArrayList<>();

  @Test
  @DisplayName("T in BEST: repurchase and churn by promoter / passive / detractor equal a recount, the true rates lie in the intervals")
  void target() {
    JsonObject body = get("/api/v1/value/target?touchpoints=store&" + window());
    assertThat(body.getBoolean("available")).isTrue();
    assertThat(body.getInteger("horizonDays")).isEqualTo(90);
    assertThat(body.getLong("customers")).isEqualTo(CUSTOMERS.size());
    assertThat(body.getLong("openHorizon")).isZero();
    for (String category : List.of("promoter", "passive", "detractor")) {
      List<Customer> group = CUSTOMERS.stream().filter(c -> c.category().equals(category)).toList();
      JsonObject g = body.getJsonObject("byCategory").getJsonObject(category);
      long k = group.stream().filter(Customer::repurchased).count();
      assertThat(g.getLong("n")).isEqualTo(group.size());
      JsonObject repurchase = g.getJsonObject("repurchase");
      assertThat(repurchase.getLong("k")).isEqualTo(k);
      assertThat(repurchase.getDouble("rate")).isCloseTo(100.0 * k / group.size(), within(1e-9));
      double[] w = wilson(k, group.size());
      assertThat(repurchase.getJsonArray("ci").getDouble(0)).isCloseTo(100 * w[0], within(1e-9));
      assertThat(repurchase.getJsonArray("ci").getDouble(1)).isCloseTo(100 * w[1], within(1e-9));
      // The generator's rate for the category: base × (0.7 for the 30% who raised quality).
      double truth = 100 * BASE.get(category) * (0.7 + 0.3 * DAMAGED_FACTOR);
      assertThat(truth).isBetween(repurchase.getJsonArray("ci").getDouble(0), repurchase.getJsonArray("ci").getDouble(1));
      assertThat(g.getJsonObject("churn").getLong("k")).isEqualTo(group.stream().filter(Customer::churned).count());
      assertThat(g.getJsonObject("renewal").getLong("k")).isZero();
    }
    JsonObject store = body.getJsonArray("touchpoints").getJsonObject(0);
    assertThat(store.getString("touchpoint")).isEqualTo("store");
    assertThat(store.getJsonObject("all").getLong("n")).isEqualTo(CUSTOMERS.size());

    // BEST's T is the same section for the same window and touchpoints.
    JsonObject best = get("/api/v1/best?touchpoints=store&" + window()).getJsonObject("target");
    assertThat(best.getBoolean("available")).isTrue();
    assertThat(best.getJsonObject("byCategory")).isEqualTo(body.getJsonObject("byCategory"));
    assertThat(best.getJsonArray("touchpoints")).isEqualTo(body.getJsonArray("touchpoints"));

    // A window with no responses says so instead of inventing rates.
    JsonObject empty = get("/api/v1/value/target?window=15m");
    assertThat(empty.getBoolean("available")).isFalse();
    assertThat(empty.containsKey("byCategory")).isFalse();
    JsonObject noIssues = get("/api/v1/value/issues?window=15m");
    assertThat(noIssues.getBoolean("available")).isFalse();
    assertThat(noIssues.getString("reason")).isNotBlank();
    assertThat(noIssues.getJsonArray("items")).isEmpty();
  }

  @Test
  @DisplayName("outcomes are idempotent by eventId, validated all or nothing, and need the ingest role")
  void outcomes() {
    String ingest = server.ingestToken("acme");
    JsonArray two = new JsonArray().add(outcome("o-1", "k1", "purchase", 10.5, Instant.now().minusSeconds(60)))
        .add(outcome("o-2", "k1", "renewal", null, Instant.now().minusSeconds(30)).put("referred", false));
    HttpResponse<String> first = server.postJson("/api/v1/outcomes", ingest, two.encode());
    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    assertThat(new JsonObject(first.body())).isEqualTo(new JsonObject().put("accepted", 2).put("duplicates", 0));
    HttpResponse<String> again = server.postJson("/api/v1/outcomes", ingest, two.encode());
    assertThat(new JsonObject(again.body())).isEqualTo(new JsonObject().put("accepted", 0).put("duplicates", 2));
    HttpResponse<String> ndjson = server.post("/api/v1/outcomes", ingest, "application/x-ndjson",
        outcome("o-3", "k2", "churn", null, Instant.now()).encode() + "\n");
    assertThat(new JsonObject(ndjson.body()).getInteger("accepted")).isEqualTo(1);

    JsonArray bad = new JsonArray()
        .add(new JsonObject().put("eventId", "o-4").put("customerId", "k3").put("type", "purchase").put("amount", -5))
        .add(new JsonObject().put("eventId", "bad id!").put("type", "purchase").put("occurredAt", "yesterday")
            .put("referred", "yes").put("colour", 1))
        .add(new JsonObject().put("eventId", "o-5").put("customerId", "k3").put("type", "purchase")
            .put("occurredAt", Instant.now().plus(Duration.ofHours(1)).toString()));
    HttpResponse<String> r = server.postJson("/api/v1/outcomes", ingest, bad.encode());
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(r.body()).getJsonArray("details").stream().map(d -> ((JsonObject) d).getString("path")))
        .containsExactlyInAnyOrder("/0/amount", "/1/eventId", "/1/customerId", "/1/occurredAt", "/1/referred",
            "/1/colour", "/2/occurredAt");
    HttpResponse<String> unknown = server.postJson("/api/v1/outcomes", ingest,
        new JsonObject().put("eventId", "o-6").put("customerId", "k3").put("type", "upgrade").encode());
    assertThat(unknown.statusCode()).isEqualTo(422);
    assertThat(new JsonObject(unknown.body()).getJsonArray("details").getJsonObject(0).getString("path")).isEqualTo("/type");
    assertThat(server.postJson("/api/v1/outcomes", server.viewerToken("acme"), two.encode()).statusCode()).isEqualTo(403);
    assertThat(server.post("/api/v1/outcomes", ingest, "text/plain", "x").statusCode()).isEqualTo(415);
    assertThat(server.postJson("/api/v1/outcomes", ingest, "{").statusCode()).isEqualTo(400);
    // Nothing of the rejected batches was stored: the same ids are still new.
    HttpResponse<String> retry = server.postJson("/api/v1/outcomes", ingest,
        new JsonObject().put("eventId", "o-4").put("customerId", "k3").put("type", "purchase").put("amount", 5).encode());
    assertThat(new JsonObject(retry.body()).getInteger("accepted")).isEqualTo(1);
    // Bad read parameters.
    HttpResponse<String> q = server.get("/api/v1/value/issues?outcome=upgrade&horizonDays=0&window=2y", server.viewerToken("acme"));
    assertThat(q.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(q.body()).getJsonArray("details").stream().map(d -> ((JsonObject) d).getString("path")))
        .containsExactlyInAnyOrder("outcome", "horizonDays", "window");
  }

  @Test
  @DisplayName("earned growth matches a hand-computed example, with months in the tenant's time zone")
  void earnedGrowth() {
    // globex (Asia/Kathmandu, +05:45). December 2024: a 100, b 100, c 50 → 250.
    // January 2025: a 120; c 100 + 5 (two orders); d new and referred 50; e new, not referred, 30; b nothing.
    // e's order at 2025-01-31T18:00Z is 23:45 local, still January; f's at 2025-01-31T18:20Z is February.
    // NRR = (120 + 105) / 250 = 90%; ENC = 50 / 250 = 20%; earned growth = 10%.
    // February 2025: f new and referred 61; a 61; revenue 122; previous 305:
    // NRR = 61/305 = 20%, ENC = 61/305 = 20%, earned growth = −60%.
    JsonArray o = new JsonArray()
        .add(outcome("g1", "a", "purchase", 100.0, Instant.parse("2024-12-05T04:00:00Z")))
        .add(outcome("g2", "b", "purchase", 100.0, Instant.parse("2024-12-10T04:00:00Z")))
        .add(outcome("g3", "c", "purchase", 50.0, Instant.parse("2024-12-20T04:00:00Z")))
        .add(outcome("g4", "a", "repurchase", 120.0, Instant.parse("2025-01-03T04:00:00Z")))
        .add(outcome("g5", "c", "renewal", 100.0, Instant.parse("2025-01-04T04:00:00Z")))
        .add(outcome("g6", "c", "repurchase", 5.0, Instant.parse("2025-01-05T04:00:00Z")))
        .add(outcome("g7", "d", "purchase", 50.0, Instant.parse("2025-01-06T04:00:00Z")).put("referred", true))
        .add(outcome("g8", "e", "purchase", 30.0, Instant.parse("2025-01-31T18:00:00Z")))
        .add(outcome("g9", "b", "churn", null, Instant.parse("2025-01-15T04:00:00Z")))
        .add(outcome("g10", "f", "purchase", 61.0, Instant.parse("2025-01-31T18:20:00Z")).put("referred", true))
        .add(outcome("g11", "a", "repurchase", 61.0, Instant.parse("2025-02-10T04:00:00Z")));
    HttpResponse<String> r = server.postJson("/api/v1/outcomes", server.ingestToken("globex"), o.encode());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    HttpResponse<String> g = server.get("/api/v1/value/earned-growth?step=month&from=2025-01&to=2025-02",
        server.viewerToken("globex"));
    assertThat(g.statusCode()).as(g.body()).isEqualTo(200);
    JsonArray periods = new JsonObject(g.body()).getJsonArray("periods");
    assertThat(periods).hasSize(2);
    JsonObject jan = periods.getJsonObject(0);
    assertThat(jan.getString("period")).isEqualTo("2025-01");
    assertThat(jan.getString("from")).isEqualTo("2025-01-01T00:00+05:45");
    assertThat(jan.getDouble("previousRevenue")).isEqualTo(250.0);
    assertThat(jan.getDouble("revenue")).isEqualTo(305.0);
    assertThat(jan.getDouble("retainedRevenue")).isEqualTo(225.0);
    assertThat(jan.getDouble("earnedNewRevenue")).isEqualTo(50.0);
    assertThat(jan.getLong("newCustomers")).isEqualTo(2);
    assertThat(jan.getDouble("nrr")).isCloseTo(90.0, within(1e-9));
    assertThat(jan.getDouble("enc")).isCloseTo(20.0, within(1e-9));
    assertThat(jan.getDouble("earnedGrowth")).isCloseTo(10.0, within(1e-9));
    JsonObject feb = periods.getJsonObject(1);
    assertThat(feb.getDouble("revenue")).isEqualTo(122.0);
    assertThat(feb.getDouble("nrr")).isCloseTo(20.0, within(1e-9));
    assertThat(feb.getDouble("enc")).isCloseTo(20.0, within(1e-9));
    assertThat(feb.getDouble("earnedGrowth")).isCloseTo(-60.0, within(1e-9));
    // Quarters: Q1 2025 against Q4 2024 (250): retained a (181) + c (105) = 286 → NRR 114.4%;
    // new and referred d 50 + f 61 → ENC 44.4%; earned growth 58.8%.
    JsonObject q = new JsonObject(server.get("/api/v1/value/earned-growth?step=quarter&from=2025-01-01&to=2025-03-31",
        server.viewerToken("globex")).body()).getJsonArray("periods").getJsonObject(0);
    assertThat(q.getString("period")).isEqualTo("2025-Q1");
    assertThat(q.getDouble("nrr")).isCloseTo(114.4, within(1e-9));
    assertThat(q.getDouble("enc")).isCloseTo(44.4, within(1e-9));
    assertThat(q.getDouble("earnedGrowth")).isCloseTo(58.8, within(1e-9));

    // Issue 19: a token scoped to touchpoints saw the tenant's whole revenue. It now sees the revenue
    // of the customers who answered at its touchpoints: a and d answered on web, c on the hotline.
    // January for web: previous (December) a 100; revenue a 120 + d 50 = 170; retained 120 → NRR 120 %;
    // d new and referred 50 → ENC 50 %; earned growth 70 %.
    JsonArray answers = new JsonArray()
        .add(new JsonObject().put("touchpoint", "web").put("nps", 9).put("customerId", "a"))
        .add(new JsonObject().put("touchpoint", "web").put("nps", 6).put("customerId", "d"))
        .add(new JsonObject().put("touchpoint", "hotline").put("nps", 8).put("customerId", "c"));
    assertThat(server.postJson("/api/v1/feedback", server.ingestToken("globex"), answers.encode()).statusCode()).isEqualTo(200);
    Map<String, String> asked = Map.of(server.token("globex", List.of("web"), "viewer"), "",
        server.viewerToken("globex"), "&touchpoints=web");
    for (Map.Entry<String, String> e : asked.entrySet()) {
      HttpResponse<String> scoped = server.get("/api/v1/value/earned-growth?step=month&from=2025-01&to=2025-01"
          + e.getValue(), e.getKey());
      assertThat(scoped.statusCode()).as(scoped.body()).isEqualTo(200);
      assertThat(new JsonObject(scoped.body()).getJsonArray("touchpoints")).containsExactly("web");
      JsonObject web = new JsonObject(scoped.body()).getJsonArray("periods").getJsonObject(0);
      assertThat(web.getDouble("previousRevenue")).isEqualTo(100.0);
      assertThat(web.getDouble("revenue")).isEqualTo(170.0);
      assertThat(web.getDouble("nrr")).isCloseTo(120.0, within(1e-9));
      assertThat(web.getDouble("enc")).isCloseTo(50.0, within(1e-9));
      assertThat(web.getDouble("earnedGrowth")).isCloseTo(70.0, within(1e-9));
    }
    // A scoped token cannot widen itself.
    assertThat(server.get("/api/v1/value/earned-growth?touchpoints=hotline", server.token("globex", List.of("web"), "viewer"))
        .statusCode()).isEqualTo(403);
  }
}
