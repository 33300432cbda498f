package io.cxpulse.score;

import java.util.Arrays;
import java.util.Objects;

/**
 * Satisfaction on the 3-point scale some touchpoints ask (very dissatisfied / neutral / very
 * satisfied). It is its own scale, never mapped onto 1–5: "neutral" is not a 3 out of 5, and
 * a mean would pretend the two scales are comparable.
 *
 * @param satisfied    share of "very satisfied", in %
 * @param neutral      share of "neutral", in %
 * @param dissatisfied share of "very dissatisfied", in %
 * @param net          satisfied minus dissatisfied, in points; its interval is the adjusted-Wald
 *                     interval of NPS ({@link #netScore()}), a net of three categories like NPS
 * @param histogram    counts: index 0 = very dissatisfied, 1 = neutral, 2 = very satisfied;
 *                     copied in and out
 */
public record Csat3Score(long n, Double satisfied, Double neutral, Double dissatisfied, Double net,
    long[] histogram) {

  public Csat3Score {
    histogram = histogram.clone();
  }

  public static Csat3Score of(long[] hist3) {
    Histograms.check(hist3, 3, "CSAT3");
    long n = Histograms.total(hist3);
    return new Csat3Score(n, Histograms.percent(hist3[2], n), Histograms.percent(hist3[1], n),
        Histograms.percent(hist3[0], n), Histograms.percent(hist3[2] - hist3[0], n), hist3);
  }

  /** The net (satisfied − dissatisfied) with the NPS interval: the same three-category arithmetic. */
  public NpsScore netScore() {
    return NpsScore.ofCategories(histogram[2], histogram[1], histogram[0], 0);
  }

  /** The share of "very satisfied" (0..1) with its Wilson interval. */
  public Proportion satisfiedShare() {
    return Proportion.of(histogram[2], n);
  }

  /** The share of "very dissatisfied" (0..1) with its Wilson interval. */
  public Proportion dissatisfiedShare() {
    return Proportion.of(histogram[0], n);
  }

  @Override
  public long[] histogram() {
    return histogram.clone();
  }

  // The generated members compare and print arrays by identity; these compare the counts.

  @Override
  public boolean equals(Object o) {
    return o instanceof Csat3Score other && n == other.n && Objects.equals(satisfied, other.satisfied)
        && Objects.equals(neutral, other.neutral) && Objects.equals(dissatisfied, other.dissatisfied)
        && Objects.equals(net, other.net) && Arrays.equals(histogram, other.histogram);
  }

  @Override
  public int hashCode() {
    return 31 * Objects.hash(n, satisfied, neutral, dissatisfied, net) + Arrays.hashCode(histogram);
  }

  @Override
  public String toString() {
    return "Csat3Score[n=" + n + ", satisfied=" + satisfied + ", neutral=" + neutral
        + ", dissatisfied=" + dissatisfied + ", net=" + net
        + ", histogram=" + Arrays.toString(histogram) + "]";
  }
}
