package io.cxpulse.demo;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * What the demo's customers do after answering (O-data), with behaviour the demo controls so that
 * the value pages have something true to find: repurchase within the demo's 14-day horizon
 * depends on the NPS category (promoters 55%, passives 40%, detractors 20%), and customers who
 * complained about waiting or a missed slot ({@link #HURTING}) repurchase 40% less. Detractors who
 * do not come back churn with probability 0.3. Only outcomes that have already happened are made.
 */
public final class DemoOutcomes {
  public static final Set<String> HURTING = Set.of("speed.wait", "punctuality", "punctuality.slot");
  static final double HURT_FACTOR = 0.6;
  static final int HORIZON_DAYS = 14;

  private DemoOutcomes() {}

  /** The outcomes following one generated response (none without a customer or an NPS score). */
  public static List<JsonObject> after(JsonObject response, Random random, Instant now) {
    List<JsonObject> out = new ArrayList<>();
    String customer = response.getString("customerId");
    Integer nps = response.getInteger("nps");
    if (customer == null || nps == null) return out;
    Instant answered = OffsetDateTime.parse(response.getString("occurredAt")).toInstant();
    double p = nps >= 9 ? 0.55 : nps >= 7 ? 0.40 : 0.20;
    if (raisedHurting(response)) p *= HURT_FACTOR;
    String id = response.getString("eventId");
    if (random.nextDouble() < p) {
      Instant at = answered.plus(Duration.ofMinutes(60 + random.nextInt((HORIZON_DAYS - 1) * 24 * 60)));
      double amount = Math.round(200 + random.nextDouble() * 1800);
      JsonObject o = new JsonObject().put("eventId", id + "-o").put("customerId", customer)
          .put("type", random.nextDouble() < 0.25 ? "renewal" : "repurchase").put("amount", amount)
          .put("occurredAt", at.toString());
      if (!at.isAfter(now)) out.add(o);
    } else if (nps <= 6 && random.nextDouble() < 0.3) {
      Instant at = answered.plus(Duration.ofHours(24 + random.nextInt(24 * 10)));
      if (!at.isAfter(now)) {
        out.add(new JsonObject().put("eventId", id + "-c").put("customerId", customer).put("type", "churn")
            .put("occurredAt", at.toString()));
      }
    }
    // Some newcomers come through a friend's recommendation: an earned new customer.
    if (nps >= 9 && random.nextDouble() < 0.08) {
      Instant at = answered.plus(Duration.ofHours(2 + random.nextInt(24 * 7)));
      if (!at.isAfter(now)) {
        out.add(new JsonObject().put("eventId", id + "-r").put("customerId", "n-" + id).put("type", "purchase")
            .put("amount", (double) Math.round(300 + random.nextDouble() * 1200)).put("referred", true)
            .put("occurredAt", at.toString()));
      }
    }
    return out;
  }

  static boolean raisedHurting(JsonObject response) {
    for (String field : new String[] {"reasons", "subReasons"}) {
      JsonArray codes = response.getJsonArray(field);
      if (codes == null) continue;
      for (Object c : codes) if (HURTING.contains(String.valueOf(c))) return true;
    }
    return false;
  }
}
