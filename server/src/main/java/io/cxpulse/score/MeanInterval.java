package io.cxpulse.score;

/**
 * The 95% interval of a mean rating from its histogram: Student's t interval,
 * mean ± t(0.975, n − 1)·s/√n with the sample standard deviation s, clipped to the scale.
 * The t interval is the textbook one for a mean; rating means of a bounded scale are close to
 * normal from a few dozen ratings on, and below {@code MIN_N} the score is marked low-confidence
 * anyway. With fewer than 2 ratings there is no s, so no interval (null); with all ratings equal
 * s = 0 and the interval is the mean itself: it says "these n agree", not "the mean is known".
 */
public record MeanInterval(long n, Double mean, Double sd, Double low, Double high) {

  /** t(0.975, df) for df 0..200 (index 0 unused), computed once: histograms are re-scored every tick. */
  private static final double[] T975 = new double[201];

  static {
    for (int df = 1; df < T975.length; df++) T975[df] = Distributions.studentQuantile(0.975, df);
  }

  /** @param firstRating the rating counted at index 0 (1 for CSAT, CES and RATER) */
  public static MeanInterval of(long[] histogram, int firstRating) {
    long n = Histograms.total(histogram);
    Double mean = Histograms.mean(histogram, firstRating, n);
    if (n < 2) return new MeanInterval(n, mean, null, null, null);
    double squares = 0;
    for (int i = 0; i < histogram.length; i++) {
      double deviation = firstRating + i - mean;
      squares += histogram[i] * deviation * deviation;
    }
    double sd = Math.sqrt(squares / (n - 1));
    double half = t975(n - 1) * sd / Math.sqrt(n);
    double lastRating = firstRating + histogram.length - 1;
    return new MeanInterval(n, mean, sd, Math.max(firstRating, mean - half), Math.min(lastRating, mean + half));
  }

  static double t975(long df) {
    return df < T975.length ? T975[(int) df] : Distributions.studentQuantile(0.975, df);
  }
}
