package io.cxpulse.score;

/**
 * How the NPS of one period differs from another's, with the adjusted-Wald z-test for two
 * independent periods (Rocks 2016): a manager should not chase a change that is noise.
 *
 * @param delta       current score minus previous score, in NPS points
 * @param z           difference of the adjusted nets over its standard error
 * @param significant {@code |z| > 1.96}, a difference at the 95% level
 */
public record NpsComparison(double delta, double z, boolean significant) {

  /** Null when either period has no responses: a difference from an undefined NPS is undefined. */
  public static NpsComparison of(NpsScore current, NpsScore previous) {
    if (current.n() == 0 || previous.n() == 0) {
      return null;
    }
    double z = (current.adjustedNet() - previous.adjustedNet())
        / Math.sqrt(current.adjustedVariance() + previous.adjustedVariance());
    return new NpsComparison(current.score() - previous.score(), z, Math.abs(z) > NpsScore.Z95);
  }
}
