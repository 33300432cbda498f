package io.cxpulse.score;

import java.util.Arrays;
import java.util.Objects;

/**
 * One RATER dimension: the mean rating and its index {@code 100·(mean − 1)/4}, which puts the
 * 1–5 mean on the 0–100 scale the RATER index is averaged on.
 *
 * @param histogram counts for the ratings 1..5 (index 0 = rating 1), copied in and out
 */
public record RaterDimensionScore(long n, Double mean, Double index, long[] histogram) {

  public RaterDimensionScore {
    histogram = histogram.clone();
  }

  public static RaterDimensionScore of(long[] hist5) {
    Histograms.check(hist5, 5, "RATER dimension");
    long n = Histograms.total(hist5);
    Double mean = Histograms.mean(hist5, 1, n);
    return new RaterDimensionScore(n, mean, mean == null ? null : 100.0 * (mean - 1.0) / 4.0, hist5);
  }

  /** The mean's t interval. */
  public MeanInterval meanInterval() {
    return MeanInterval.of(histogram, 1);
  }

  /** The index interval: the mean's t interval on the 0–100 scale; null below 2 ratings. */
  public double[] indexInterval() {
    MeanInterval m = meanInterval();
    return m.low() == null ? null : new double[] {index(m.low()), index(m.high())};
  }

  static double index(double mean) {
    return 100.0 * (mean - 1.0) / 4.0;
  }

  @Override
  public long[] histogram() {
    return histogram.clone();
  }

  // The generated members compare and print arrays by identity; these compare the counts.

  @Override
  public boolean equals(Object o) {
    return o instanceof RaterDimensionScore other && n == other.n && Objects.equals(mean, other.mean)
        && Objects.equals(index, other.index) && Arrays.equals(histogram, other.histogram);
  }

  @Override
  public int hashCode() {
    return 31 * Objects.hash(n, mean, index) + Arrays.hashCode(histogram);
  }

  @Override
  public String toString() {
    return "RaterDimensionScore[n=" + n + ", mean=" + mean + ", index=" + index
        + ", histogram=" + Arrays.toString(histogram) + "]";
  }
}
