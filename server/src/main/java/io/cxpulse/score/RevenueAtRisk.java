package io.cxpulse.score;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Revenue at risk of a reason item: the customers who raised it lose {@code loss} (a fraction) of
 * the favourable outcome rate against those who did not; each of them would have spent at their
 * own pace, so the revenue is the loss times the sum of their monthly spend:
 * <pre>revenueAtRiskPerMonth = loss × Σ over affected customers of monthlySpend
 * monthlySpend = (their purchase and repurchase amounts up to the end of their horizon) × 30
 *                ÷ max(horizon days, days from their first such order to the end of their horizon)</pre>
 * A customer's monthly spend is their own order rate times their own order value: a repeat buyer
 * with 12 orders a year weighs twelve times a customer with one, where "one order per customer"
 * (loss × average order value) counted both the same. The history is at least one horizon long, so
 * a customer whose first order was last week is not extrapolated to an order a week.
 * Items are ranked by it only when the loss is significant; the others are never ranked above them.
 */
public final class RevenueAtRisk {
  private RevenueAtRisk() {}

  /** One customer's spend per 30 days from their own history. @param historyDays first order to the end of their horizon */
  public static double monthlySpend(double spend, double historyDays, int horizonDays) {
    if (spend <= 0) return 0;
    return spend * 30.0 / Math.max(horizonDays, historyDays);
  }

  /** Null when the loss is unknown. @param monthlySpend the affected customers' summed monthly spend */
  public static Double perMonth(Double loss, double monthlySpend) {
    return loss == null ? null : loss * monthlySpend;
  }

  /** An item to rank: significant items with their revenue, others apart. */
  public record Item<T>(T value, boolean significant, Double revenuePerMonth, long affected) {}

  /** The ranked items: significant first by revenue at risk (highest first), then the rest by affected customers. */
  public static <T> List<Item<T>> rank(List<Item<T>> items) {
    List<Item<T>> out = new ArrayList<>(items);
    Comparator<Item<T>> order = Comparator.<Item<T>, Boolean>comparing(i -> !i.significant())
        .thenComparing(i -> i.significant() && i.revenuePerMonth() != null ? -i.revenuePerMonth() : 0.0)
        .thenComparing(i -> -i.affected());
    out.sort(order);
    return out;
  }
}
