package io.cxpulse.score;

import java.util.Arrays;
import java.util.Objects;

/**
 * Net Promoter Score of one tally with its 95% adjusted-Wald interval (Rocks, The American
 * Statistician 70(4), 2016), which keeps its coverage at the small n of a single touchpoint
 * over a short window, where the plain Wald interval does not.
 *
 * <p>The adjusted interval is centred on the adjusted net, which the 0.75 pseudo-counts pull
 * towards 0; at very small n it can leave out the raw score (one response of 10: score 100,
 * adjusted interval [−48.5, 98.5]). An interval shown beside a score must contain it, so the
 * interval is widened to the score ([−48.5, 100]); {@link #ciSymmetric()} says whether
 * "score ± moe" still reads as the interval, or the page must show the interval itself.
 *
 * <p>With n = 0 the NPS is undefined, so score, moe and the interval are null, never 0: a
 * wall screen must show "—" rather than a neutral-looking zero.
 *
 * @param histogram counts for the scores 0..10, copied in and out so that the record stays a
 *                  value even though its caller keeps mutating its own counters
 */
public record NpsScore(long n, long promoters, long passives, long detractors, Double score,
    Double moe, Double ciLow, Double ciHigh, boolean lowConfidence, long[] histogram) {

  static final double Z95 = 1.96;
  /** How far (NPS points) each end of the interval may lie from score ± moe for "± moe" to stand for it. */
  static final double SYMMETRY_TOLERANCE = 1.0;

  public NpsScore {
    histogram = histogram.clone();
  }

  public static NpsScore of(long[] histogram11, int minN) {
    Histograms.check(histogram11, 11, "NPS");
    long detractors = Histograms.sum(histogram11, 0, 7);
    long passives = Histograms.sum(histogram11, 7, 9);
    long promoters = Histograms.sum(histogram11, 9, 11);
    long n = detractors + passives + promoters;
    if (n == 0) {
      return new NpsScore(0, 0, 0, 0, null, null, null, null, true, histogram11);
    }
    double score = 100.0 * (promoters - detractors) / n;
    double moe = 100.0 * Z95 * Math.sqrt(adjustedVariance(n, promoters, detractors));
    // Centred on the adjusted net, not on the raw score: the 0.75 pseudo-counts pull the
    // centre towards 0, which is what gives the interval its coverage at small n.
    double centre = 100.0 * adjustedNet(n, promoters, detractors);
    double low = Math.min(score, Math.max(-100.0, centre - moe));
    double high = Math.max(score, Math.min(100.0, centre + moe));
    return new NpsScore(n, promoters, passives, detractors, score, moe, low, high, n < minN, histogram11);
  }

  /**
   * The NPS of respondents known only by category (a reason item's promoters, passives and
   * detractors): the same score and interval; the histogram holds the counts at 0, 7 and 10.
   */
  public static NpsScore ofCategories(long promoters, long passives, long detractors, int minN) {
    long[] histogram = new long[11];
    histogram[0] = detractors;
    histogram[7] = passives;
    histogram[10] = promoters;
    return of(histogram, minN);
  }

  /**
   * Whether "score ± moe" describes the interval: each end within {@value #SYMMETRY_TOLERANCE}
   * point of score ∓ moe. False at small n (the centre is pulled towards 0), near ±100 (clipping)
   * and when the interval was widened to the score; null when n = 0.
   */
  public Boolean ciSymmetric() {
    if (score == null) return null;
    return Math.abs(score - moe - ciLow) <= SYMMETRY_TOLERANCE && Math.abs(score + moe - ciHigh) <= SYMMETRY_TOLERANCE;
  }

  /** p' − d', the adjusted net as a fraction; defined for n = 0 as well. */
  public double adjustedNet() {
    return adjustedNet(n, promoters, detractors);
  }

  /** v'/n', the variance of the adjusted net; defined (and positive) for n = 0 as well. */
  public double adjustedVariance() {
    return adjustedVariance(n, promoters, detractors);
  }

  private static double adjustedNet(long n, long promoters, long detractors) {
    // (P + 0.75)/n' − (D + 0.75)/n' with the pseudo-counts cancelled, saving a rounding.
    return (promoters - detractors) / (n + 3.0);
  }

  private static double adjustedVariance(long n, long promoters, long detractors) {
    double nAdjusted = n + 3.0;
    double p = (promoters + 0.75) / nAdjusted;
    double d = (detractors + 0.75) / nAdjusted;
    double v = p + d - (p - d) * (p - d);
    return v / nAdjusted;
  }

  @Override
  public long[] histogram() {
    return histogram.clone();
  }

  // The generated members compare and print arrays by identity; these compare the counts.

  @Override
  public boolean equals(Object o) {
    return o instanceof NpsScore other
        && n == other.n && promoters == other.promoters && passives == other.passives
        && detractors == other.detractors && Objects.equals(score, other.score)
        && Objects.equals(moe, other.moe) && Objects.equals(ciLow, other.ciLow)
        && Objects.equals(ciHigh, other.ciHigh) && lowConfidence == other.lowConfidence
        && Arrays.equals(histogram, other.histogram);
  }

  @Override
  public int hashCode() {
    return 31 * Objects.hash(n, promoters, passives, detractors, score, moe, ciLow, ciHigh, lowConfidence)
        + Arrays.hashCode(histogram);
  }

  @Override
  public String toString() {
    return "NpsScore[n=" + n + ", promoters=" + promoters + ", passives=" + passives
        + ", detractors=" + detractors + ", score=" + score + ", moe=" + moe
        + ", ciLow=" + ciLow + ", ciHigh=" + ciHigh + ", lowConfidence=" + lowConfidence
        + ", histogram=" + Arrays.toString(histogram) + "]";
  }
}
