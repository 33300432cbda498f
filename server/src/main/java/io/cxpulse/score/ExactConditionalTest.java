package io.cxpulse.score;

import java.util.List;

/**
 * The exact conditional test that two groups have the same success probability within every
 * stratum (Fisher's exact test for one stratum; with several, the exact test of conditional
 * independence given the strata, Birch 1964 / Zelen 1971, the exact counterpart of the
 * Cochran–Mantel–Haenszel test). Given every stratum's margins, group a's successes in stratum k
 * follow a hypergeometric distribution whatever the common probabilities are; the statistic
 * T = Σ k_a is their sum, whose distribution is the convolution of the strata's.
 *
 * <p>Two-sided p-value by doubling the smaller one-sided tail (capped at 1): each direction then
 * claims "group a is higher" or "group a is lower" with a false-positive rate of at most α/2
 * whatever the group sizes, which a Wald test with 5 customers in a group cannot promise.
 *
 * @param pLower P(T ≤ t_observed): small when group a has fewer successes than chance allows
 * @param pUpper P(T ≥ t_observed): small when group a has more
 * @param p      min(1, 2·min(pLower, pUpper)); 1 when no stratum has both groups
 */
public record ExactConditionalTest(double pLower, double pUpper, double p) {

  public static final double ALPHA = 0.05;

  /** Strata in the shape of {@link MantelHaenszelDifference.Stratum}: k_a of n_a against k_b of n_b. */
  public static ExactConditionalTest of(List<MantelHaenszelDifference.Stratum> strata) {
    double[] distribution = {1.0};
    long offset = 0;
    long observed = 0;
    for (MantelHaenszelDifference.Stratum s : strata) {
      if (s.na() == 0 || s.nb() == 0) continue;
      long successes = s.ka() + s.kb();
      long total = s.na() + s.nb();
      // A stratum whose margins leave one possible table carries no information: skip it.
      if (successes == 0 || successes == total) continue;
      Distributions.Support h = Distributions.hypergeometric(s.na(), successes, total);
      distribution = convolve(distribution, h.p());
      offset += h.lo();
      observed += s.ka();
    }
    if (distribution.length == 1) return new ExactConditionalTest(1, 1, 1);
    long at = observed - offset;
    // Both tails include the observed table (the exact test, not the mid-p one, which can exceed α).
    double lower = 0, upper = 0;
    for (int i = 0; i < distribution.length; i++) {
      if (i <= at) lower += distribution[i];
      if (i >= at) upper += distribution[i];
    }
    lower = Math.min(1, lower);
    upper = Math.min(1, upper);
    return new ExactConditionalTest(lower, upper, Math.min(1, 2 * Math.min(lower, upper)));
  }

  /** Significant at the two-sided 5% level. */
  public boolean significant() {
    return p < ALPHA;
  }

  private static double[] convolve(double[] a, double[] b) {
    double[] out = new double[a.length + b.length - 1];
    for (int i = 0; i < a.length; i++) {
      if (a[i] == 0) continue;
      for (int j = 0; j < b.length; j++) out[i + j] += a[i] * b[j];
    }
    return out;
  }
}
