package io.cxpulse.score;

import java.util.List;

/**
 * The difference a − b of two proportions over strata, with Mantel–Haenszel weights
 * w_k = n_ak·n_bk/N_k (normalised to sum 1), and its 95% interval by the stratified Newcombe
 * hybrid score method (Yan and Su, Statistics in Biopharmaceutical Research 2(3), 2010): each
 * group's weighted rate p̂ = Σ w_k·p̂_k gets a Wilson interval with the effective size
 * n_eff = 1 / Σ (w_k² / n_k), and the two intervals are combined as in Newcombe's method 10:
 * <pre>low  = d − √((p̂_a − L_a)² + (U_b − p̂_b)²)
 * high = d + √((U_a − p̂_a)² + (p̂_b − L_b)²)</pre>
 * With one stratum this is exactly {@link ProportionDifference}. Unlike the Wald interval with
 * Sato's variance it keeps its coverage with 5 customers in a group and rates near 0 or 1.
 * A stratum with an empty group carries no weight; null difference and interval when none has
 * both groups. {@code significant} needs both this interval to exclude 0 and the exact
 * conditional test ({@link ExactConditionalTest}) to reject at 5%: a label holds its error rate
 * only if its test does, and the interval and the p-value shown beside it must not disagree.
 */
public record StratifiedDifference(Double difference, Double low, Double high, ExactConditionalTest test,
                                   boolean significant) {

  public static StratifiedDifference of(List<MantelHaenszelDifference.Stratum> strata) {
    double weights = 0;
    for (MantelHaenszelDifference.Stratum s : strata) {
      if (s.na() > 0 && s.nb() > 0) weights += (double) s.na() * s.nb() / (s.na() + s.nb());
    }
    ExactConditionalTest test = ExactConditionalTest.of(strata);
    if (weights == 0) return new StratifiedDifference(null, null, null, test, false);
    double pa = 0, pb = 0, inverseA = 0, inverseB = 0;
    for (MantelHaenszelDifference.Stratum s : strata) {
      if (s.na() == 0 || s.nb() == 0) continue;
      double w = (double) s.na() * s.nb() / (s.na() + s.nb()) / weights;
      pa += w * s.ka() / s.na();
      pb += w * s.kb() / s.nb();
      inverseA += w * w / s.na();
      inverseB += w * w / s.nb();
    }
    pa = clamp(pa);
    pb = clamp(pb);
    double[] a = wilson(pa, 1 / inverseA);
    double[] b = wilson(pb, 1 / inverseB);
    double d = pa - pb;
    double low = d - Math.sqrt(square(pa - a[0]) + square(b[1] - pb));
    double high = d + Math.sqrt(square(a[1] - pa) + square(pb - b[0]));
    boolean excludesZero = low > 0 || high < 0;
    return new StratifiedDifference(d, low, high, test, excludesZero && test.significant());
  }

  /** Wilson's 95% interval for a rate p observed on an effective n (not necessarily whole). */
  static double[] wilson(double p, double n) {
    double z = Proportion.Z95, z2 = z * z;
    double denom = 1 + z2 / n;
    double centre = (p + z2 / (2 * n)) / denom;
    double half = z * Math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denom;
    return new double[] {p <= 0 ? 0 : Math.max(0, centre - half), p >= 1 ? 1 : Math.min(1, centre + half)};
  }

  private static double clamp(double p) {
    return Math.max(0, Math.min(1, p));
  }

  private static double square(double x) {
    return x * x;
  }
}
