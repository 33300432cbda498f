package io.cxpulse.value;

import io.cxpulse.catalog.Reason;
import io.cxpulse.catalog.TenantCatalog;
import io.cxpulse.score.EarnedGrowth;
import io.cxpulse.score.MantelHaenszelDifference;
import io.cxpulse.score.Proportion;
import io.cxpulse.score.ProportionDifference;
import io.cxpulse.score.RevenueAtRisk;
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
   * tenant's horizon after their latest response. {@code "available": false} when there is nothing
   * to measure, never made-up numbers.
   */
  public Future<JsonObject> target(TenantCatalog tenant, Instant from, Instant to, List<String> touchpoints, Instant now) {
    int horizon = OutcomeTypes.horizonDays(tenant);
    return Future.all(ValueStore.target(pool, tenant.id(), from, to, touchpoints, horizon),
            ValueStore.anyOutcome(pool, tenant.id()))
        .map(all -> {
          List<ValueStore.TargetRow> rows = all.resultAt(0);
          boolean anyOutcome = all.resultAt(1);
          JsonObject out = new JsonObject().put("horizonDays", horizon).put("observedThrough", now.toString());
          if (rows.isEmpty() || !anyOutcome) {
            return out.put("available", false).put("reason", rows.isEmpty()
                ? "no NPS responses with a customerId in this window" : "no outcomes received for this tenant yet");
          }
          // Overall, each customer once: their latest response across the touchpoints.
          Map<String, ValueStore.TargetRow> latest = new HashMap<>();
          Map<String, List<ValueStore.TargetRow>> byTouchpoint = new LinkedHashMap<>();
          for (String tp : touchpoints) byTouchpoint.put(tp, new ArrayList<>());
          for (ValueStore.TargetRow r : rows) {
            latest.merge(r.customerId(), r, (a, b) -> b.occurredAt().isAfter(a.occurredAt()) ? b : a);
            byTouchpoint.get(r.touchpoint()).add(r);
          }
          long openHorizon = latest.values().stream()
              .filter(r -> r.occurredAt().plus(Duration.ofDays(horizon)).isAfter(now)).count();
          JsonArray tps = new JsonArray();
          byTouchpoint.forEach((tp, list) -> tps.add(groups(list).put("touchpoint", tp)));
          return out.put("available", true).put("customers", latest.size()).put("openHorizon", openHorizon)
              .mergeIn(groups(new ArrayList<>(latest.values())))
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
   * Revenue at risk per reason item: respondents who raised it (any response in the window) against
   * those who did not, their outcome rates within the horizon after their latest response. Items
   * that unhappy customers mention more often would inherit the lower outcome rates of detractors,
   * so the loss is adjusted for the NPS category of that latest response: the per-category
   * differences pooled by Mantel–Haenszel, with Sato's variance for the 95% interval. The crude
   * difference (Newcombe's interval) stays in the reply to show the adjustment. Significance and
   * ranking use the adjusted loss; revenueAtRiskPerMonth = affected × adjusted loss × average order
   * value of the affected × 30 / horizon days.
   */
  public Future<JsonObject> issues(TenantCatalog tenant, Instant from, Instant to, List<String> touchpoints,
      String outcome, int horizon) {
    List<String> types = OutcomeTypes.measured(outcome);
    boolean adverse = OutcomeTypes.adverse(outcome);
    return ValueStore.issues(pool, tenant.id(), from, to, touchpoints, types, horizon).map(rows -> {
      JsonObject out = new JsonObject().put("outcome", outcome).put("outcomeTypes", new JsonArray(types))
          .put("horizonDays", horizon).put("adjustedFor", "npsCategory").put("customers", rows.size());
      long n = rows.size(), k = 0, orders = 0;
      long[] nByCategory = new long[CATEGORIES.length], kByCategory = new long[CATEGORIES.length];
      double spend = 0;
      for (ValueStore.IssueRow r : rows) {
        int c = categoryIndex(r.nps());
        nByCategory[c]++;
        if (r.hit()) {
          k++;
          kByCategory[c]++;
        }
        spend += r.spend();
        orders += r.orders();
      }
      Double overallAov = orders > 0 ? spend / orders : null;
      out.put("rate", rate(k, n)).put("averageOrderValue", overallAov);
      List<RevenueAtRisk.Item<JsonObject>> items = new ArrayList<>();
      for (Reason reason : tenant.reasons()) {
        long na = 0, ka = 0, ordersA = 0;
        long[] naByCategory = new long[CATEGORIES.length], kaByCategory = new long[CATEGORIES.length];
        double spendA = 0;
        for (ValueStore.IssueRow r : rows) {
          if (!r.codes().contains(reason.code())) continue;
          int c = categoryIndex(r.nps());
          na++;
          naByCategory[c]++;
          if (r.hit()) {
            ka++;
            kaByCategory[c]++;
          }
          spendA += r.spend();
          ordersA += r.orders();
        }
        if (na == 0) continue;
        long nb = n - na, kb = k - ka;
        // The loss is positive when raising the item goes with fewer good outcomes (or more churn).
        ProportionDifference crude = adverse ? ProportionDifference.of(ka, na, kb, nb) : ProportionDifference.of(kb, nb, ka, na);
        List<MantelHaenszelDifference.Stratum> strata = new ArrayList<>();
        JsonObject byCategory = new JsonObject();
        for (int c = 0; c < CATEGORIES.length; c++) {
          long nac = naByCategory[c], kac = kaByCategory[c];
          long nbc = nByCategory[c] - nac, kbc = kByCategory[c] - kac;
          strata.add(adverse ? new MantelHaenszelDifference.Stratum(kac, nac, kbc, nbc)
              : new MantelHaenszelDifference.Stratum(kbc, nbc, kac, nac));
          byCategory.put(CATEGORIES[c], new JsonObject().put("raised", rate(kac, nac)).put("notRaised", rate(kbc, nbc)));
        }
        MantelHaenszelDifference loss = MantelHaenszelDifference.of(strata);
        boolean enough = na >= MIN_GROUP && nb >= MIN_GROUP;
        boolean significant = enough && loss.significant();
        Double aov = ordersA > 0 ? spendA / ordersA : overallAov;
        Double revenue = RevenueAtRisk.perMonth(na, loss.difference(), aov, horizon);
        JsonObject item = new JsonObject()
            .put("code", reason.code()).put("label", reason.label()).put("labelZh", reason.labelZh())
            .put("parent", reason.parent())
            .put("affectedCustomers", na)
            .put("raised", rate(ka, na))
            .put("notRaised", rate(kb, nb))
            .put("loss", pct(loss.difference()))
            .put("lossCi", interval(loss.low(), loss.high()))
            .put("significant", significant)
            .put("crude", new JsonObject().put("difference", pct(crude.difference()))
                .put("ci", interval(crude.low(), crude.high())).put("significant", enough && crude.significant()))
            .put("byCategory", byCategory)
            .put("averageOrderValue", aov)
            .put("averageOrderValueFrom", ordersA > 0 ? "affected" : overallAov == null ? null : "all respondents")
            .put("revenueAtRiskPerMonth", revenue);
        if (!enough) item.put("note", "fewer than " + MIN_GROUP + " customers in a group");
        items.add(new RevenueAtRisk.Item<>(item, significant && loss.difference() > 0, revenue, na));
      }
      JsonArray ranked = new JsonArray(), notSignificant = new JsonArray(), noLoss = new JsonArray();
      int rank = 0;
      for (RevenueAtRisk.Item<JsonObject> item : RevenueAtRisk.rank(items)) {
        if (item.significant()) ranked.add(item.value().put("rank", ++rank));
        else if (item.value().getBoolean("significant")) noLoss.add(item.value());
        else notSignificant.add(item.value());
      }
      out.put("available", n > 0).put("items", ranked).put("notSignificant", notSignificant).put("noLoss", noLoss);
      // Like T in BEST: an empty answer says why instead of showing an empty ranking as "no issue".
      if (n == 0) out.put("reason", "no NPS respondents with a customerId in this window and scope");
      return out;
    });
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
