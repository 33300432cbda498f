package io.cxpulse.score;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Revenue at risk of a reason item: the customers who raised it lose {@code loss} (a fraction) of
 * the favourable outcome rate against those who did not; each lost outcome is worth the average
 * order value; spread over the horizon, per 30 days:
 * <pre>revenueAtRiskPerMonth = affected customers × loss × average order value × 30 / horizon days</pre>
 * Items are ranked by it only when the loss is significant; the others are never ranked above them.
 */
public final class RevenueAtRisk {
  private RevenueAtRisk() {}

  /** Null when the loss or the order value is unknown. */
  public static Double perMonth(long affected, Double loss, Double averageOrderValue, int horizonDays) {
    if (loss == null || averageOrderValue == null || horizonDays <= 0) return null;
    return affected * loss * averageOrderValue * 30.0 / horizonDays;
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
