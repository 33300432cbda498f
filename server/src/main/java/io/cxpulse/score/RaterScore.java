package io.cxpulse.score;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * The RATER service-quality index: the weighted mean of the indices of the dimensions that
 * were rated. A response may rate any subset of dimensions, so an unrated dimension must not
 * count as a zero; the weights are renormalised over the dimensions present instead.
 *
 * <p>Its 95% interval is conservative: the counters keep one histogram per dimension, not each
 * response's ratings together, so the correlation between dimensions is unknown. The standard
 * error of a weighted mean is at most the weighted mean of the standard errors (equality when
 * the dimensions are perfectly correlated), so index ± t(0.975, min n − 1)·Σ w·se / Σ w holds
 * its coverage whatever the correlation is; with one dimension it is that dimension's interval.
 *
 * @param index      0–100, or null when no dimension with a positive weight was rated
 * @param dimensions every dimension in enum order, rated or not (then n = 0 and nulls)
 * @param indexLow   lower end of the index's 95% interval; null when index is null or a
 *                   weighted dimension has fewer than 2 ratings
 * @param indexHigh  upper end, likewise
 */
public record RaterScore(Double index, Map<RaterDimension, RaterDimensionScore> dimensions, Double indexLow,
                         Double indexHigh) {

  private static final int DIMENSIONS = RaterDimension.values().length;

  public RaterScore {
    EnumMap<RaterDimension, RaterDimensionScore> copy = new EnumMap<>(RaterDimension.class);
    copy.putAll(dimensions);
    dimensions = Collections.unmodifiableMap(copy);
  }

  /**
   * @param hist    [dimension ordinal][rating 1..5 at index 0..4]
   * @param weights one non-negative weight per dimension ordinal, 0 to leave a dimension out
   *                of the index; null for equal weights
   */
  public static RaterScore of(long[][] hist, double[] weights) {
    if (hist == null || hist.length != DIMENSIONS) {
      throw new IllegalArgumentException("RATER needs " + DIMENSIONS + " dimension histograms");
    }
    if (weights != null) {
      if (weights.length != DIMENSIONS) {
        throw new IllegalArgumentException("RATER needs " + DIMENSIONS + " weights, got " + weights.length);
      }
      for (double weight : weights) {
        if (!(weight >= 0.0 && Double.isFinite(weight))) {
          throw new IllegalArgumentException("RATER weights must be finite and non-negative: " + weight);
        }
      }
    }
    EnumMap<RaterDimension, RaterDimensionScore> dimensions = new EnumMap<>(RaterDimension.class);
    double weightedSum = 0.0;
    double weightTotal = 0.0;
    double weightedSe = 0.0;
    long minN = Long.MAX_VALUE;
    for (RaterDimension dimension : RaterDimension.values()) {
      RaterDimensionScore score = RaterDimensionScore.of(hist[dimension.ordinal()]);
      dimensions.put(dimension, score);
      double weight = weights == null ? 1.0 : weights[dimension.ordinal()];
      if (score.n() > 0 && weight > 0.0) {
        weightedSum += weight * score.index();
        weightTotal += weight;
        MeanInterval m = score.meanInterval();
        // se of the index: 100/4 × s/√n; NaN (no interval) below 2 ratings.
        weightedSe += weight * (m.sd() == null ? Double.NaN : 25.0 * m.sd() / Math.sqrt(m.n()));
        minN = Math.min(minN, score.n());
      }
    }
    if (weightTotal == 0.0) return new RaterScore(null, dimensions, null, null);
    double index = weightedSum / weightTotal;
    if (Double.isNaN(weightedSe)) return new RaterScore(index, dimensions, null, null);
    double half = MeanInterval.t975(minN - 1) * weightedSe / weightTotal;
    return new RaterScore(index, dimensions, Math.max(0.0, index - half), Math.min(100.0, index + half));
  }
}
