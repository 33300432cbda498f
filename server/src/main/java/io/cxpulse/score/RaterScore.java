package io.cxpulse.score;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * The RATER service-quality index: the weighted mean of the indices of the dimensions that
 * were rated. A response may rate any subset of dimensions, so an unrated dimension must not
 * count as a zero; the weights are renormalised over the dimensions present instead.
 *
 * @param index      0–100, or null when no dimension with a positive weight was rated
 * @param dimensions every dimension in enum order, rated or not (then n = 0 and nulls)
 */
public record RaterScore(Double index, Map<RaterDimension, RaterDimensionScore> dimensions) {

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
    for (RaterDimension dimension : RaterDimension.values()) {
      RaterDimensionScore score = RaterDimensionScore.of(hist[dimension.ordinal()]);
      dimensions.put(dimension, score);
      double weight = weights == null ? 1.0 : weights[dimension.ordinal()];
      if (score.n() > 0 && weight > 0.0) {
        weightedSum += weight * score.index();
        weightTotal += weight;
      }
    }
    return new RaterScore(weightTotal > 0.0 ? weightedSum / weightTotal : null, dimensions);
  }
}
