package io.cxpulse.demo;

import io.cxpulse.auth.Principal;
import io.cxpulse.auth.Tokens;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Demo traffic for the demo tenant, sent through the public ingest endpoint with an ingest token
 * scoped to that tenant, exactly as an outside survey tool would. At start it backfills 30 days
 * of history with deterministic event ids (a restart re-sends them and they count as
 * duplicates), with the outcomes that followed those responses ({@link DemoOutcomes}), and
 * 13 to 15 months of purchase history before them, outcomes only
 * ({@link DemoHistory}), so that earned growth has earlier months; then it posts live responses at
 * DEMO_RATE per second, shaped by opening hours.
 * Owns only its HTTP client and timer; runs on its own event loop.
 */
public final class DemoTrafficVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(DemoTrafficVerticle.class);
  private static final String TENANT = "demo";
  private static final int BACKFILL_DAYS = 30;
  private static final double BACKFILL_PER_HOUR = 24;
  private static final long TICK_MS = 250;

  private final Tokens tokens;
  private final int port;
  private final double ratePerSecond;
  private final ZoneId zone;
  private final Clock clock;
  private final Random random = new Random();
  private HttpClient client;
  private String token;
  private DemoGenerator live;
  /** Customer → when they last raised a hurting item, across the backfilled days (in time order). */
  private final Map<String, Instant> hurtAt = new HashMap<>();
  private LocalDate historyStart;

  private final java.util.function.Supplier<Future<?>> afterBackfill;

  public DemoTrafficVerticle(Tokens tokens, int port, double ratePerSecond, ZoneId zone, Clock clock,
      java.util.function.Supplier<Future<?>> afterBackfill) {
    this.afterBackfill = afterBackfill;
    this.tokens = tokens;
    this.port = port;
    this.ratePerSecond = ratePerSecond;
    this.zone = zone;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("localhost").setDefaultPort(port));
    token = tokens.issue("demo-traffic", TENANT, List.of(Principal.INGEST), null, Duration.ofDays(3650));
    live = new DemoGenerator(DemoGenerator.demoTenant(), random);
    backfill().onComplete(ar -> {
      if (ar.failed()) LOG.warn("demo backfill incomplete: {}", ar.cause().getMessage());
      else LOG.info("demo backfill done: {} days of feedback, purchase history since {}", BACKFILL_DAYS, historyStart);
      // A bulk load leaves the planner's statistics behind until autovacuum comes round: without
      // them the first reads that join responses to outcomes took seconds (bench/RESULTS.md).
      afterBackfill.get().onFailure(err -> LOG.warn("ANALYZE after the demo backfill failed: {}", err.getMessage()));
      if (ratePerSecond > 0) vertx.setPeriodic(TICK_MS, id -> tick());
    });
    return Future.succeededFuture();
  }

  /** History up to the start of the current minute, one deterministic generator per local day. */
  private Future<Void> backfill() {
    Instant end = clock.instant().truncatedTo(ChronoUnit.MINUTES);
    LocalDate today = LocalDate.ofInstant(end, zone);
    Future<Void> chain = Future.succeededFuture();
    for (int back = BACKFILL_DAYS - 1; back >= 0; back--) {
      LocalDate day = today.minusDays(back);
      chain = chain.compose(v -> backfillDay(day, end));
    }
    // From the start of the quarter a year before this month's: the quarterly view has its previous quarter too.
    LocalDate yearAgo = today.withDayOfMonth(1).minusMonths(12);
    LocalDate firstMonth = yearAgo.minusMonths((yearAgo.getMonthValue() - 1) % 3);
    int months = (int) ChronoUnit.MONTHS.between(firstMonth, today.withDayOfMonth(1)) + 1;
    historyStart = firstMonth;
    Instant poolUntil = today.minusDays(BACKFILL_DAYS - 1).atStartOfDay(zone).toInstant();
    return chain.compose(v -> {
      List<JsonObject> history = DemoHistory.outcomes(zone, firstMonth, months, poolUntil, end);
      LOG.info("demo feedback backfilled; sending {} outcomes of purchase history since {}", history.size(), firstMonth);
      return postHistory(history);
    });
  }

  /** The purchase history through the public outcomes endpoint, 1000 a request (its limit). */
  private Future<Void> postHistory(List<JsonObject> history) {
    Future<Void> chain = Future.succeededFuture();
    for (int from = 0; from < history.size(); from += 1000) {
      JsonArray part = new JsonArray(new ArrayList<>(history.subList(from, Math.min(history.size(), from + 1000))));
      chain = chain.compose(v -> post("/api/v1/outcomes", part.encode()));
    }
    return chain;
  }

  private Future<Void> backfillDay(LocalDate day, Instant end) {
    Random seeded = new Random(day.toEpochDay());
    DemoGenerator generator = new DemoGenerator(DemoGenerator.demoTenant(), seeded);
    JsonArray batch = new JsonArray();
    Instant t = day.atStartOfDay(zone).toInstant();
    Instant dayEnd = day.plusDays(1).atStartOfDay(zone).toInstant();
    JsonArray outcomes = new JsonArray();
    Random behaviour = new Random(~day.toEpochDay());
    int i = 0;
    while (t.isBefore(dayEnd) && t.isBefore(end)) {
      double perHour = BACKFILL_PER_HOUR * DemoGenerator.volumeFactor(t.atZone(zone));
      double gapSeconds = -Math.log(1 - seeded.nextDouble()) * 3600 / perHour;
      t = t.plusMillis((long) (gapSeconds * 1000));
      if (!t.isBefore(dayEnd) || !t.isBefore(end)) break;
      JsonObject response = generator.next(t, "demo-bf-" + day + "-" + i++);
      // Older history was followed up before the demo started: only the last day opens cases.
      if (t.isBefore(end.minus(Duration.ofDays(1)))) response.remove("contactConsent");
      batch.add(response);
      DemoOutcomes.after(response, behaviour, end, hurtAt).forEach(outcomes::add);
    }
    Future<Void> chain = Future.succeededFuture();
    for (int from = 0; from < batch.size(); from += 500) {
      JsonArray part = new JsonArray(batch.getList().subList(from, Math.min(batch.size(), from + 500)));
      chain = chain.compose(v -> post(part.encode()));
    }
    // What the customers did afterwards, through the public outcomes endpoint like any shop system.
    for (int from = 0; from < outcomes.size(); from += 500) {
      JsonArray part = new JsonArray(outcomes.getList().subList(from, Math.min(outcomes.size(), from + 500)));
      chain = chain.compose(v -> post("/api/v1/outcomes", part.encode()));
    }
    return chain;
  }

  private void tick() {
    // DEMO_RATE is the rate at the busiest hour; a demo run at night still moves visibly.
    double shape = Math.max(0.5, DemoGenerator.volumeFactor(clock.instant().atZone(zone)));
    double expected = ratePerSecond * TICK_MS / 1000.0 * shape;
    int count = poisson(expected);
    for (int i = 0; i < count; i++) {
      // One response per request, as survey tools and kiosks send them.
      post(live.next(clock.instant(), "demo-" + UUID.randomUUID()).encode())
          .onFailure(err -> LOG.debug("demo post failed: {}", err.getMessage()));
    }
  }

  private int poisson(double mean) {
    double l = Math.exp(-mean);
    int k = 0;
    double p = 1;
    do {
      k++;
      p *= random.nextDouble();
    } while (p > l);
    return k - 1;
  }

  private Future<Void> post(String body) {
    return post("/api/v1/feedback", body);
  }

  private Future<Void> post(String path, String body) {
    return client.request(new RequestOptions().setMethod(HttpMethod.POST).setURI(path)
            .putHeader("Authorization", "Bearer " + token).putHeader("Content-Type", "application/json"))
        .compose(req -> req.send(body))
        .compose(resp -> resp.body().map(b -> {
          if (resp.statusCode() != 200) throw new IllegalStateException("HTTP " + resp.statusCode() + ": " + b);
          return (Void) null;
        }));
  }

  @Override
  public Future<?> stop() {
    return client == null ? Future.succeededFuture() : client.close();
  }
}
