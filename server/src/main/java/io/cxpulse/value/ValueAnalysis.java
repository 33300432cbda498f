package io.cxpulse.value;

import io.cxpulse.catalog.Reason;
import io.cxpulse.catalog.TenantCatalog;
import io.cxpulse.score.EarnedGrowth;
import io.cxpulse.score.ExactConditionalTest;
import io.cxpulse.score.MantelHaenszelDifference;
import io.cxpulse.score.Proportion;
import io.cxpulse.score.ProportionDifference;
import io.cxpulse.score.RevenueAtRisk;
import io.cxpulse.score.StratifiedDifference;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The value of experience: T in BEST (outcome rates by NPS category and touchpoint), revenue at
 * risk per reason item, and earned growth. Reads through {@link ValueStore}; the statistics are
 * in {@code io.cxpulse.score}. Rates and intervals are percentages (0..100), like the scores.
 */
public final class ValueAnalysis {
  /** Groups smaller than this are listed, never ranked: their difference is mostly noise. */
  public static final int MIN_GROUP = 5;
  private static final String[] CATEGORIES = {"promoter", "passive", "detractor"};

  private final Pool pool;

  public ValueAnalysis(Pool pool) {
    this.pool = pool;
  }

  static String category(int nps) {
    return nps >= 9 ? "promoter" : nps >= 7 ? "passive" : "detractor";
  }

  /**
   * T in BEST over responses in [from, to) at the given touchpoints: per NPS category and per
   * touchpoint, the share of responding customers who repurchased, renewed and churned within the
   * tenant's horizon after their latest response. Only customers whose horizon has closed count
   * (a customer answered last week has not had 90 days to come back: counting them would read an
   * open horizon as a lost customer); {@code openHorizon} says how many are left out, and when
   * none has closed the answer is {@code "available": false, "knowable": false} with the time the
   * first horizon closes. {@code "available": false} also when there is nothing to measure, never
   * made-up numbers.
   */
  public Future<JsonObject> target(TenantCatalog tenant, Instant from, Instant to, List<String> touchpoints, Instant now) {
    int horizon = OutcomeTypes.horizonDays(tenant);
    Duration h = Duration.ofDays(horizon);
    return Future.all(ValueStore.target(pool, tenant.id(), from, to, touchpoints, horizon),
            ValueStore.anyOutcome(pool, tenant.id()))
        .map(all -> {
          List<ValueStore.TargetRow> rows = all.resultAt(0);
          boolean anyOutcome = all.resultAt(1);
          JsonObject out = new JsonObject().put("horizonDays", horizon).put("observedThrough", now.toString());
          if (rows.isEmpty() || !anyOutcome) {
            return out.put("available", false).put("knowable", true).put("reason", rows.isEmpty()
                ? "no NPS responses with a customerId in this window" : "no outcomes received for this tenant yet");
          }
          // Overall, each customer once: their latest response across the touchpoints.
          Map<String, ValueStore.TargetRow> latest = new HashMap<>();
          for (ValueStore.TargetRow r : rows) {
            latest.merge(r.customerId(), r, (a, b) -> b.occurredAt().isAfter(a.occurredAt()) ? b : a);
          }
          List<ValueStore.TargetRow> closed = latest.values().stream()
              .filter(r -> !r.occurredAt().plus(h).isAfter(now)).toList();
          Horizons horizons = horizons(latest.values().stream().map(ValueStore.TargetRow::occurredAt).toList(), h, now);
          out.put("respondents", latest.size()).put("customers", closed.size())
              .put("openHorizon", latest.size() - closed.size()).put("allClosedAt", horizons.allClosedAt());
          if (closed.isEmpty()) {
            return out.put("available", false).put("knowable", false).put("knowableFrom", horizons.firstClosesAt())
                .put("reason", "not yet knowable: none of the " + latest.size() + " respondents' " + horizon
                    + "-day horizons has closed; the first closes at " + horizons.firstClosesAt());
          }
          Map<String, List<ValueStore.TargetRow>> byTouchpoint = new LinkedHashMap<>();
          for (String tp : touchpoints) byTouchpoint.put(tp, new ArrayList<>());
          for (ValueStore.TargetRow r : rows) {
            if (!r.occurredAt().plus(h).isAfter(now)) byTouchpoint.get(r.touchpoint()).add(r);
          }
          JsonArray tps = new JsonArray();
          byTouchpoint.forEach((tp, list) -> tps.add(groups(list).put("touchpoint", tp)));
          return out.put("available", true).put("knowable", true)
              .mergeIn(groups(new ArrayList<>(closed)))
              .put("touchpoints", tps);
        });
  }

  private static JsonObject groups(List<ValueStore.TargetRow> rows) {
    JsonObject byCategory = new JsonObject();
    for (String c : CATEGORIES) {
      byCategory.put(c, rates(rows.stream().filter(r -> category(r.nps()).equals(c)).toList()));
    }
    return new JsonObject().put("all", rates(rows)).put("byCategory", byCategory);
  }

  private static JsonObject rates(List<ValueStore.TargetRow> rows) {
    long n = rows.size();
    return new JsonObject().put("n", n)
        .put("repurchase", rate(rows.stream().filter(ValueStore.TargetRow::repurchased).count(), n))
        .put("renewal", rate(rows.stream().filter(ValueStore.TargetRow::renewed).count(), n))
        .put("churn", rate(rows.stream().filter(ValueStore.TargetRow::churned).count(), n));
  }

  static JsonObject rate(long k, long n) {
    Proportion p = Proportion.of(k, n);
    return new JsonObject().put("k", k).put("n", n).put("rate", pct(p.rate()))
        .put("ci", p.rate() == null ? null : new JsonArray().add(pct(p.low())).add(pct(p.high())));
  }

  /**
   * Revenue at risk per reason item, over the respondents whose horizon has closed (anchor +
   * horizon at or before now: an open horizon would read as a missing outcome): those who raised
   * the item (in any response in the window) against those who did not.
   *
   * <p>The <b>total</b> effect ranks the items: the difference of the outcome rates adjusted for
   * the anchor's touchpoint only (strata by touchpoint, {@link StratifiedDifference}: MH weights,
   * stratified Newcombe interval, exact conditional test). It is what raising the item goes with,
   * including what works through the customer's NPS: an item that makes customers detractors costs
   * repurchases exactly through that, and adjusting for the NPS category would hide it (the
   * category is a step in the chain, not a confounder, when the item causes the score). The
   * <b>direct</b> effect, adjusted for touchpoint and NPS category, is shown beside it: the part
   * not explained by the score. An item whose total loss is significant but whose direct loss is
   * near 0 costs repurchases through unhappiness; one raised mostly by detractors without causing
   * their score would show a total loss that the direct one removes — the reader sees both.
   *
   * <p>revenueAtRiskPerMonth = total loss × the affected customers' summed monthly spend, each
   * from their own order history ({@link RevenueAtRisk}).
   */
  public Future<JsonObject> issues(TenantCatalog tenant, Instant from, Instant to, List<String> touchpoints,
      String outcome, int horizon, Instant now) {
    List<String> types = OutcomeTypes.measured(outcome);
    boolean adverse = OutcomeTypes.adverse(outcome);
    return ValueStore.issues(pool, tenant.id(), from, to, touchpoints, types, horizon).map(all -> {
      JsonObject out = new JsonObject().put("outcome", outcome).put("outcomeTypes", new JsonArray(types))
          .put("horizonDays", horizon).put("adjustedFor", "touchpoint")
          .put("directAdjustedFor", "touchpoint, npsCategory").put("observedThrough", now.toString());
      Duration h = Duration.ofDays(horizon);
      List<ValueStore.IssueRow> rows = all.stream().filter(r -> !r.occurredAt().plus(h).isAfter(now)).toList();
      Horizons horizons = horizons(all.stream().map(ValueStore.IssueRow::occurredAt).toList(), h, now);
      out.put("respondents", all.size()).put("customers", rows.size()).put("openHorizon", all.size() - rows.size())
          .put("allClosedAt", horizons.allClosedAt());
      List<String> strataOf = new ArrayList<>(touchpoints);
      long n = rows.size(), k = 0, orders = 0;
      double spend = 0;
      for (ValueStore.IssueRow r : rows) {
        if (r.hit()) k++;
        spend += r.spend();
        orders += r.orders();
      }
      Double overallAov = orders > 0 ? spend / orders : null;
      out.put("rate", rate(k, n)).put("averageOrderValue", overallAov);
      List<RevenueAtRisk.Item<JsonObject>> items = new ArrayList<>();
      for (Reason reason : tenant.reasons()) {
        Counts counts = new Counts(strataOf.size());
        long ordersA = 0;
        double spendA = 0, monthlySpend = 0, monthlyOrders = 0;
        for (ValueStore.IssueRow r : rows) {
          boolean raised = r.codes().contains(reason.code());
          counts.add(raised, r.hit(), Math.max(0, strataOf.indexOf(r.touchpoint())), categoryIndex(r.nps()));
          if (!raised) continue;
          spendA += r.spend();
          ordersA += r.orders();
          double history = r.firstOrder() == null ? 0
              : Duration.between(r.firstOrder(), r.occurredAt().plus(h)).toSeconds() / 86_400.0;
          monthlySpend += RevenueAtRisk.monthlySpend(r.spend(), history, horizon);
          monthlyOrders += RevenueAtRisk.monthlySpend(r.orders(), history, horizon);
        }
        if (counts.na == 0) continue;
        long na = counts.na, ka = counts.ka, nb = n - na, kb = k - ka;
        // The loss is positive when raising the item goes with fewer good outcomes (or more churn).
        ProportionDifference crude = adverse ? ProportionDifference.of(ka, na, kb, nb) : ProportionDifference.of(kb, nb, ka, na);
        ExactConditionalTest crudeTest = ExactConditionalTest.of(List.of(stratum(adverse, ka, na, kb, nb)));
        StratifiedDifference total = StratifiedDifference.of(counts.strata(adverse, false));
        StratifiedDifference direct = StratifiedDifference.of(counts.strata(adverse, true));
        JsonObject byCategory = new JsonObject();
        for (int c = 0; c < CATEGORIES.length; c++) {
          long nac = counts.naByCategory[c], kac = counts.kaByCategory[c];
          long nbc = counts.nByCategory[c] - nac, kbc = counts.kByCategory[c] - kac;
          byCategory.put(CATEGORIES[c], new JsonObject().put("raised", rate(kac, nac)).put("notRaised", rate(kbc, nbc)));
        }
        boolean enough = na >= MIN_GROUP && nb >= MIN_GROUP;
        boolean significant = enough && total.significant();
        Double aov = ordersA > 0 ? spendA / ordersA : overallAov;
        Double revenue = RevenueAtRisk.perMonth(total.difference(), monthlySpend);
        JsonObject item = new JsonObject()
            .put("code", reason.code()).put("label", reason.label()).put("labelZh", reason.labelZh())
            .put("parent", reason.parent())
            .put("affectedCustomers", na)
            .put("raised", rate(ka, na))
            .put("notRaised", rate(kb, nb))
            .put("loss", pct(total.difference()))
            .put("lossCi", interval(total.low(), total.high()))
            .put("p", total.test().p())
            .put("significant", significant)
            .put("total", effect(total, enough, "touchpoint"))
            .put("direct", effect(direct, enough, "touchpoint, npsCategory"))
            .put("crude", new JsonObject().put("difference", pct(crude.difference()))
                .put("ci", interval(crude.low(), crude.high())).put("p", crudeTest.p())
                .put("significant", enough && crude.significant() && crudeTest.significant()))
            .put("byCategory", byCategory)
            .put("averageOrderValue", aov)
            .put("averageOrderValueFrom", ordersA > 0 ? "affected" : overallAov == null ? null : "all respondents")
            .put("ordersPerMonth", monthlyOrders)
            .put("monthlySpend", monthlySpend)
            .put("revenueAtRiskPerMonth", revenue)
            .put("revenueAtRiskPerMonthCi", total.low() == null ? null
                : new JsonArray().add(total.low() * monthlySpend).add(total.high() * monthlySpend));
        if (!enough) item.put("note", "fewer than " + MIN_GROUP + " customers in a group");
        items.add(new RevenueAtRisk.Item<>(item, significant && total.difference() > 0, revenue, na));
      }
      JsonArray ranked = new JsonArray(), notSignificant = new JsonArray(), noLoss = new JsonArray();
      int rank = 0;
      for (RevenueAtRisk.Item<JsonObject> item : RevenueAtRisk.rank(items)) {
        if (item.significant()) ranked.add(item.value().put("rank", ++rank));
        else if (item.value().getBoolean("significant")) noLoss.add(item.value());
        else notSignificant.add(item.value());
      }
      out.put("available", n > 0).put("knowable", n > 0 || all.isEmpty())
          .put("items", ranked).put("notSignificant", notSignificant).put("noLoss", noLoss);
      // Like T in BEST: an empty answer says why instead of showing an empty ranking as "no issue".
      if (all.isEmpty()) {
        out.put("reason", "no NPS respondents with a customerId in this window and scope");
      } else if (n == 0) {
        out.put("knowableFrom", horizons.firstClosesAt()).put("reason", "not yet knowable: none of the " + all.size()
            + " respondents' " + horizon + "-day horizons has closed; the first closes at " + horizons.firstClosesAt());
      }
      return out;
    });
  }

  /** When the respondents' horizons close: the first, and the last of those still open (null when none is). */
  record Horizons(String firstClosesAt, String allClosedAt) {}

  static Horizons horizons(List<Instant> anchors, Duration horizon, Instant now) {
    Instant first = null, last = null;
    for (Instant a : anchors) {
      Instant closes = a.plus(horizon);
      if (first == null || closes.isBefore(first)) first = closes;
      if (closes.isAfter(now) && (last == null || closes.isAfter(last))) last = closes;
    }
    return new Horizons(first == null ? null : first.toString(), last == null ? null : last.toString());
  }

  private static JsonObject effect(StratifiedDifference d, boolean enough, String adjustedFor) {
    return new JsonObject().put("loss", pct(d.difference())).put("ci", interval(d.low(), d.high()))
        .put("p", d.test().p()).put("significant", enough && d.significant()).put("adjustedFor", adjustedFor);
  }

  private static MantelHaenszelDifference.Stratum stratum(boolean adverse, long ka, long na, long kb, long nb) {
    // Group a of a stratum is the one whose rate comes first in the loss: not raised (raised for churn).
    return adverse ? new MantelHaenszelDifference.Stratum(ka, na, kb, nb) : new MantelHaenszelDifference.Stratum(kb, nb, ka, na);
  }

  /** The 2×2 counts of one item per touchpoint and NPS category: all respondents, and those who raised it. */
  private static final class Counts {
    final long[][] all, hits, raised, raisedHits;
    final long[] nByCategory = new long[CATEGORIES.length], kByCategory = new long[CATEGORIES.length];
    final long[] naByCategory = new long[CATEGORIES.length], kaByCategory = new long[CATEGORIES.length];
    long na;
    long ka;

    Counts(int touchpoints) {
      all = new long[Math.max(1, touchpoints)][CATEGORIES.length];
      hits = new long[all.length][CATEGORIES.length];
      raised = new long[all.length][CATEGORIES.length];
      raisedHits = new long[all.length][CATEGORIES.length];
    }

    void add(boolean raisedIt, boolean hit, int touchpoint, int category) {
      all[touchpoint][category]++;
      nByCategory[category]++;
      if (hit) {
        hits[touchpoint][category]++;
        kByCategory[category]++;
      }
      if (!raisedIt) return;
      na++;
      raised[touchpoint][category]++;
      naByCategory[category]++;
      if (hit) {
        ka++;
        raisedHits[touchpoint][category]++;
        kaByCategory[category]++;
      }
    }

    /** Strata by touchpoint, or by touchpoint and category; group a comes first in the loss. */
    List<MantelHaenszelDifference.Stratum> strata(boolean adverse, boolean byCategory) {
      List<MantelHaenszelDifference.Stratum> out = new ArrayList<>();
      for (int t = 0; t < all.length; t++) {
        long sn = 0, sk = 0, sna = 0, ska = 0;
        for (int c = 0; c < CATEGORIES.length; c++) {
          sn += all[t][c];
          sk += hits[t][c];
          sna += raised[t][c];
          ska += raisedHits[t][c];
          if (byCategory) {
            out.add(stratum(adverse, raisedHits[t][c], raised[t][c], hits[t][c] - raisedHits[t][c], all[t][c] - raised[t][c]));
          }
        }
        if (!byCategory) out.add(stratum(adverse, ska, sna, sk - ska, sn - sna));
      }
      return out;
    }
  }

  private static int categoryIndex(int nps) {
    return nps >= 9 ? 0 : nps >= 7 ? 1 : 2;
  }

  private static JsonArray interval(Double low, Double high) {
    return low == null ? null : new JsonArray().add(pct(low)).add(pct(high));
  }

  /**
   * Earned growth per local month or quarter from {@code first} (a period start) for {@code count}
   * periods; with {@code touchpoints}, of the customers who answered at one of them only.
   */
  public Future<JsonObject> earnedGrowth(TenantCatalog tenant, LocalDate first, int count, String step, Instant now,
      List<String> touchpoints) {
    ZoneId zone = tenant.zone();
    int months = step.equals("quarter") ? 3 : 1;
    LocalDate previous = first.minusMonths(months);
    LocalDate end = first.plusMonths((long) months * count);
    Instant from = previous.atStartOfDay(zone).toInstant();
    Instant to = end.atStartOfDay(zone).toInstant();
    return ValueStore.revenue(pool, tenant.id(), from, to, zone, touchpoints).map(rows -> {
      List<Map<String, EarnedGrowth.CustomerPeriod>> periods = new ArrayList<>();
      for (int i = 0; i <= count; i++) periods.add(new HashMap<>());
      for (ValueStore.RevenueRow r : rows) {
        int index = (int) Math.floorDiv(monthsBetween(previous, r.day()), months);
        if (index < 0 || index > count) continue;
        LocalDate start = previous.plusMonths((long) months * index);
        LocalDate firstDay = r.firstAt().atZone(zone).toLocalDate();
        boolean isNew = !firstDay.isBefore(start) && firstDay.isBefore(start.plusMonths(months));
        periods.get(index).merge(r.customerId(), new EarnedGrowth.CustomerPeriod(r.revenue(), isNew, r.referred()),
            (a, b) -> new EarnedGrowth.CustomerPeriod(a.revenue() + b.revenue(), a.newCustomer(), a.referred() || b.referred()));
      }
      List<EarnedGrowth.Period> results = EarnedGrowth.compute(periods);
      JsonArray out = new JsonArray();
      for (int i = 0; i < results.size(); i++) {
        EarnedGrowth.Period p = results.get(i);
        LocalDate start = first.plusMonths((long) months * i);
        LocalDate stop = start.plusMonths(months);
        double previousRevenue = periods.get(i).values().stream().mapToDouble(EarnedGrowth.CustomerPeriod::revenue).sum();
        out.add(new JsonObject()
            .put("period", label(start, step))
            .put("from", start.atStartOfDay(zone).toOffsetDateTime().toString())
            .put("to", stop.atStartOfDay(zone).toOffsetDateTime().toString())
            .put("partial", stop.atStartOfDay(zone).toInstant().isAfter(now))
            .put("revenue", round2(p.revenue()))
            .put("previousRevenue", round2(previousRevenue))
            .put("retainedRevenue", round2(p.retainedRevenue()))
            .put("earnedNewRevenue", round2(p.earnedNewRevenue()))
            .put("customers", p.customers())
            .put("retainedCustomers", p.retainedCustomers())
            .put("newCustomers", p.newCustomers())
            .put("earnedNewCustomers", p.earnedNewCustomers())
            .put("nrr", p.nrr())
            .put("enc", p.enc())
            .put("earnedGrowth", p.earnedGrowth()));
      }
      return new JsonObject().put("tenant", tenant.id()).put("step", step).put("timeZone", zone.getId())
          .put("touchpoints", touchpoints == null ? null : new JsonArray(touchpoints)).put("periods", out);
    });
  }

  private static long monthsBetween(LocalDate start, LocalDate day) {
    return (day.getYear() - start.getYear()) * 12L + day.getMonthValue() - start.getMonthValue();
  }

  static String label(LocalDate start, String step) {
    return step.equals("quarter") ? start.getYear() + "-Q" + ((start.getMonthValue() - 1) / 3 + 1)
        : String.format("%d-%02d", start.getYear(), start.getMonthValue());
  }

  private static Double pct(Double fraction) {
    return fraction == null ? null : 100.0 * fraction;
  }

  private static double round2(double v) {
    return Math.round(v * 100.0) / 100.0;
  }
}
