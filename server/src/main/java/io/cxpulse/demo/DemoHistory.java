package io.cxpulse.demo;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The demo's purchase history (O-data only, no feedback) for the months before its feedback
 * history, so that earned growth has previous periods to compare with. Every draw is seeded by
 * customer and month, so a restart re-sends the same event ids and they count as duplicates.
 * <ul>
 *   <li>The pool customers of {@link DemoGenerator}: 85% are customers since before the history
 *       (one opening purchase 1–24 months before it), the others join in a month of it (their
 *       first purchase, referred by a friend with probability 0.35). 80% are regulars who buy in a
 *       month with probability 0.95, the others with 0.35; a buying month has one order, two with
 *       probability 0.3 (200–2000, a quarter of them service-plan renewals). Their history stops
 *       where the feedback history starts; from then on {@link DemoOutcomes} decides their repurchases
 *       and churn, and their habit continues as service-plan renewals only (40% of it, since
 *       DemoOutcomes adds revenue of its own), so that earned growth shows no seam there.</li>
 *   <li>Newcomers from outside the pool, {@value #REFERRED_PER_MONTH} a month referred (earned new
 *       customers) and {@value #BOUGHT_PER_MONTH} a month through advertising, who come back in a
 *       later month with probability {@value #NEWCOMER_P}. They never answer surveys, so their
 *       history runs up to now without touching the value-of-experience figures.</li>
 * </ul>
 */
public final class DemoHistory {
  static final double REGULAR_SHARE = 0.8;
  static final double REGULAR_P = 0.95;
  static final double OCCASIONAL_P = 0.35;
  static final double NEWCOMER_P = 0.6;
  static final int REFERRED_PER_MONTH = 120;
  static final int BOUGHT_PER_MONTH = 80;
  /**
   * Of the habitual orders after {@code poolUntil}, the share still sent: the repurchases and
   * renewals DemoOutcomes makes there bring about 60% of a month's habitual revenue, which this
   * leaves out again (measured on the demo's earned growth: the months stay level).
   */
  static final double CONTINUING_P = 0.4;

  private DemoHistory() {}

  /**
   * The outcomes of {@code months} local months from {@code firstMonth} (a first day of a month):
   * the pool customers' before {@code poolUntil}, the newcomers' before {@code until}.
   */
  public static List<JsonObject> outcomes(ZoneId zone, LocalDate firstMonth, int months, Instant poolUntil, Instant until) {
    List<JsonObject> out = new ArrayList<>();
    Instant historyStart = firstMonth.atStartOfDay(zone).toInstant();
    for (int i = 1; i <= DemoGenerator.CUSTOMER_POOL; i++) {
      String customer = String.format("c-%05d", i);
      Random c = new Random(1_000_003L * i);
      double p = c.nextDouble() < REGULAR_SHARE ? REGULAR_P : OCCASIONAL_P;
      int joinMonth = c.nextDouble() < 0.85 ? -1 : c.nextInt(months);
      if (joinMonth < 0) {
        Instant at = historyStart.minus(Duration.ofMinutes(30L * 24 * 60 + c.nextInt(700 * 24 * 60)));
        out.add(order("demo-h-" + customer + "-open", customer, "purchase", amount(c), at, false));
      }
      for (int m = Math.max(0, joinMonth); m < months; m++) {
        LocalDate month = firstMonth.plusMonths(m);
        Random r = new Random(seed(i, month));
        boolean joining = m == joinMonth;
        if (!joining && r.nextDouble() >= p) continue;
        int orders = joining ? 1 : r.nextDouble() < 0.3 ? 2 : 1;
        for (int o = 0; o < orders; o++) {
          Instant at = within(month, zone, r);
          String type = joining ? "purchase" : r.nextDouble() < 0.25 ? "renewal" : "repurchase";
          boolean referred = joining && r.nextDouble() < 0.35;
          double amount = amount(r);
          if (at.isBefore(poolUntil)) {
            out.add(order("demo-h-" + customer + "-" + month + "-" + o, customer, type, amount, at, referred));
          } else if (at.isBefore(until) && r.nextDouble() < CONTINUING_P) {
            // The habit goes on as service-plan renewals, so revenue does not drop where the
            // feedback history starts; repurchases there are DemoOutcomes' (driven by the feedback).
            out.add(order("demo-h-" + customer + "-" + month + "-" + o, customer, "renewal", amount, at, false));
          }
        }
      }
    }
    for (int m = 0; m < months; m++) {
      LocalDate month = firstMonth.plusMonths(m);
      for (int j = 0; j < REFERRED_PER_MONTH + BOUGHT_PER_MONTH; j++) {
        String customer = "n-h-" + month + "-" + j;
        Random n = new Random(seed(-1 - j, month));
        Instant first = within(month, zone, n);
        if (!first.isBefore(until)) continue;
        out.add(order("demo-h-" + customer, customer, "purchase", amount(n), first, j < REFERRED_PER_MONTH));
        for (int later = m + 1; later < months; later++) {
          LocalDate next = firstMonth.plusMonths(later);
          Random r = new Random(seed(-1 - j, month) ^ seed(0, next));
          if (r.nextDouble() >= NEWCOMER_P) continue;
          Instant at = within(next, zone, r);
          String type = r.nextDouble() < 0.25 ? "renewal" : "repurchase";
          double amount = amount(r);
          if (at.isBefore(until)) out.add(order("demo-h-" + customer + "-" + next, customer, type, amount, at, false));
        }
      }
    }
    return out;
  }

  private static long seed(int customer, LocalDate month) {
    return 31L * customer * 1_000_033L + month.toEpochDay();
  }

  private static Instant within(LocalDate month, ZoneId zone, Random r) {
    Instant start = month.atStartOfDay(zone).toInstant();
    long seconds = Duration.between(start, month.plusMonths(1).atStartOfDay(zone).toInstant()).toSeconds();
    return start.plusSeconds((long) (r.nextDouble() * seconds));
  }

  private static double amount(Random r) {
    return Math.round(200 + r.nextDouble() * 1800);
  }

  private static JsonObject order(String eventId, String customer, String type, double amount, Instant at,
      boolean referred) {
    JsonObject o = new JsonObject().put("eventId", eventId).put("customerId", customer).put("type", type)
        .put("amount", amount).put("occurredAt", at.toString());
    if (referred) o.put("referred", true);
    return o;
  }
}
