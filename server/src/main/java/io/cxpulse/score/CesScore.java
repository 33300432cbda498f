package io.cxpulse.score;

import java.util.Arrays;
import java.util.Objects;

/**
 * Customer effort on the 1–7 "how easy was it" scale: the mean and the share rating it easy
 * (5, 6 or 7) in %, with their intervals: Wilson for the share, Student's t for the mean.
 *
 * @param histogram counts for the ratings 1..7 (index 0 = rating 1), copied in and out
 */
public record CesScore(long n, Double mean, Double easy, long[] histogram) {

  public CesScore {
    histogram = histogram.clone();
  }

  public static CesScore of(long[] hist7) {
    Histograms.check(hist7, 7, "CES");
    long n = Histograms.total(hist7);
    return new CesScore(n, Histograms.mean(hist7, 1, n), Histograms.percent(Histograms.sum(hist7, 4, 7), n), hist7);
  }

  /** The share rating it easy (5–7) as a proportion (0..1) with its Wilson interval. */
  public Proportion easyShare() {
    return Proportion.of(Histograms.sum(histogram, 4, 7), n);
  }

  /** The mean's t interval. */
  public MeanInterval meanInterval() {
    return MeanInterval.of(histogram, 1);
  }

  @Override
  public long[] histogram() {
    return histogram.clone();
  }

  // The generated members compare and print arrays by identity; these compare the counts.

  @Override
  public boolean equals(Object o) {
    return o instanceof CesScore other && n == other.n && Objects.equals(mean, other.mean)
        && Objects.equals(easy, other.easy) && Arrays.equals(histogram, other.histogram);
  }

  @Override
  public int hashCode() {
    return 31 * Objects.hash(n, mean, easy) + Arrays.hashCode(histogram);
  }

  @Override
  public String toString() {
    return "CesScore[n=" + n + ", mean=" + mean + ", easy=" + easy
        + ", histogram=" + Arrays.toString(histogram) + "]";
  }
}
