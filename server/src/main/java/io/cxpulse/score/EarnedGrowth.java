package io.cxpulse.score;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Earned growth (Reichheld, Darnell and Burns, 2021) per period from revenue by customer:
 * <ul>
 *   <li>NRR% = 100 · revenue this period from customers who also had revenue in the previous
 *       period ÷ the previous period's revenue;</li>
 *   <li>ENC% = 100 · revenue this period from earned new customers (first seen this period and
 *       marked referred) ÷ the previous period's revenue;</li>
 *   <li>earned growth = NRR% + ENC% − 100%.</li>
 * </ul>
 * All three are null when the previous period had no revenue (nothing to retain or compare to).
 */
public final class EarnedGrowth {
  /** One customer in one period: revenue, and whether the customer is new this period and referred. */
  public record CustomerPeriod(double revenue, boolean newCustomer, boolean referred) {}

  public record Period(double revenue, double retainedRevenue, double earnedNewRevenue, long customers,
                       long retainedCustomers, long earnedNewCustomers, long newCustomers,
                       Double nrr, Double enc, Double earnedGrowth) {}

  private EarnedGrowth() {}

  /**
   * @param periods customer id → that customer's figures, one map per period in time order; index 0
   *                is the period before the first one reported, used only as its "previous period"
   * @return one result per period from index 1 on
   */
  public static List<Period> compute(List<Map<String, CustomerPeriod>> periods) {
    List<Period> out = new ArrayList<>();
    for (int t = 1; t < periods.size(); t++) {
      Map<String, CustomerPeriod> previous = periods.get(t - 1);
      Map<String, CustomerPeriod> current = periods.get(t);
      double previousRevenue = revenue(previous);
      double revenue = 0, retained = 0, earnedNew = 0;
      long customers = 0, retainedCustomers = 0, earnedCustomers = 0, newCustomers = 0;
      for (Map.Entry<String, CustomerPeriod> e : current.entrySet()) {
        CustomerPeriod c = e.getValue();
        revenue += c.revenue();
        if (c.revenue() > 0) customers++;
        CustomerPeriod before = previous.get(e.getKey());
        if (before != null && before.revenue() > 0 && c.revenue() > 0) {
          retained += c.revenue();
          retainedCustomers++;
        }
        if (c.newCustomer()) newCustomers++;
        if (c.newCustomer() && c.referred()) {
          earnedNew += c.revenue();
          earnedCustomers++;
        }
      }
      Double nrr = previousRevenue > 0 ? 100.0 * retained / previousRevenue : null;
      Double enc = previousRevenue > 0 ? 100.0 * earnedNew / previousRevenue : null;
      Double growth = nrr == null ? null : nrr + enc - 100.0;
      out.add(new Period(revenue, retained, earnedNew, customers, retainedCustomers, earnedCustomers, newCustomers,
          nrr, enc, growth));
    }
    return out;
  }

  private static double revenue(Map<String, CustomerPeriod> period) {
    double sum = 0;
    for (CustomerPeriod c : period.values()) sum += c.revenue();
    return sum;
  }
}
