package io.cxpulse.score;

/**
 * How the NPS of one period differs from another's, with a pooled score test for two
 * independent periods: a manager should not chase a change that is noise.
 *
 * <p>Under "no change" both periods share one distribution of promoters and detractors, so the
 * variance of a respondent's score (+1, 0, −1) is estimated once from both periods together,
 * v̂ = p̂ + d̂ − (p̂ − d̂)² with the pooled shares, and scaled by N/(N − 1) (N = n₁ + n₂, the
 * unbiased variance: the "N − 1" correction of Campbell, Statistics in Medicine 26, 2007):
 * <pre>z = (NPS₁ − NPS₂)/100 ÷ √(v̂ · N/(N − 1) · (1/n₁ + 1/n₂))</pre>
 * The adjusted-Wald z used before (unpooled, with 0.75 pseudo-counts per period) keeps its level
 * but is over-cautious away from NPS 0: 0.5% false positives instead of 5% at n = 30 and NPS 88,
 * so real changes at high scores went unflagged. The pooled test keeps 5% (exactly, see
 * {@link #CRITICAL}) and comes close to it at high and low scores too (NullSimulationTest).
 *
 * @param delta       current score minus previous score, in NPS points
 * @param z           the pooled score statistic; 0 when both periods are all one category
 * @param significant {@code |z| > 1.98} ({@link #CRITICAL}), a difference at the 5% level
 */
public record NpsComparison(double delta, double z, boolean significant) {

  /**
   * The critical |z|: 1.98 rather than 1.96. The counts are discrete, so the test's exact level
   * moves with n and the shares around the normal 5%; enumerated over every pair of outcomes for n
   * from 30 to 100 (shares on a 0.05 grid) it reaches 5.13% at 1.96 and 5.07% at 1.97, and stays
   * at or below 4.86% at 1.98. Large samples lose almost nothing (4.77% instead of 5%).
   */
  static final double CRITICAL = 1.98;

  /** Null when either period has no responses: a difference from an undefined NPS is undefined. */
  public static NpsComparison of(NpsScore current, NpsScore previous) {
    if (current.n() == 0 || previous.n() == 0) {
      return null;
    }
    double n1 = current.n(), n2 = previous.n(), total = n1 + n2;
    double p = (current.promoters() + previous.promoters()) / total;
    double d = (current.detractors() + previous.detractors()) / total;
    double v = p + d - (p - d) * (p - d);
    double net = (current.promoters() - current.detractors()) / n1 - (previous.promoters() - previous.detractors()) / n2;
    double z = v <= 0 || total < 2 ? 0 : net / Math.sqrt(v * total / (total - 1) * (1 / n1 + 1 / n2));
    return new NpsComparison(current.score() - previous.score(), z, Math.abs(z) > CRITICAL);
  }
}
