package io.cxpulse.score;

import java.util.Arrays;
import java.util.Objects;

/**
 * CSAT on the 1–5 scale: the mean and the top-2-box share (ratings 4 and 5) in %, with their
 * intervals: Wilson for the share ({@link #top2Share()}), Student's t for the mean
 * ({@link #meanInterval()}).
 *
 * @param histogram counts for the ratings 1..5 (index 0 = rating 1), copied in and out
 */
public record CsatScore(long n, Double mean, Double top2, long[] histogram) {

  public CsatScore {
    histogram = histogram.clone();
  }

  public static CsatScore of(long[] hist5) {
    Histograms.check(hist5, 5, "CSAT");
    long n = Histograms.total(hist5);
    return new CsatScore(n, Histograms.mean(hist5, 1, n), Histograms.percent(hist5[3] + hist5[4], n), hist5);
  }

  /** The top-2-box share as a proportion (0..1) with its Wilson interval. */
  public Proportion top2Share() {
    return Proportion.of(histogram[3] + histogram[4], n);
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
    return o instanceof CsatScore other && n == other.n && Objects.equals(mean, other.mean)
        && Objects.equals(top2, other.top2) && Arrays.equals(histogram, other.histogram);
  }

  @Override
  public int hashCode() {
    return 31 * Objects.hash(n, mean, top2) + Arrays.hashCode(histogram);
  }

  @Override
  public String toString() {
    return "CsatScore[n=" + n + ", mean=" + mean + ", top2=" + top2
        + ", histogram=" + Arrays.toString(histogram) + "]";
  }
}
