package io.cxpulse.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RaterScoreTest {

  private static final long[] NONE = {0, 0, 0, 0, 0};
  private static final long[] ALL_ONES = {10, 0, 0, 0, 0};   // mean 1, index 0
  private static final long[] ALL_TWOS = {0, 10, 0, 0, 0};   // mean 2, index 25
  private static final long[] ALL_THREES = {0, 0, 10, 0, 0}; // mean 3, index 50
  private static final long[] ALL_FOURS = {0, 0, 0, 10, 0};  // mean 4, index 75
  private static final long[] ALL_FIVES = {0, 0, 0, 0, 10};  // mean 5, index 100

  @Test
  @DisplayName("a dimension's index maps its 1-5 mean onto 0-100")
  void dimensionIndex() {
    RaterDimensionScore score = RaterDimensionScore.of(new long[] {1, 1, 2, 4, 2});

    // n = 10, mean = (1 + 2 + 6 + 16 + 10)/10 = 35/10 = 3.5, index = 100*(3.5-1)/4 = 62.5
    assertThat(score.n()).isEqualTo(10);
    assertThat(score.mean()).isEqualTo(3.5);
    assertThat(score.index()).isEqualTo(62.5);
    assertThat(score.histogram()).containsExactly(1, 1, 2, 4, 2);
  }

  @Test
  @DisplayName("with all five dimensions rated and equal weights the index is the plain mean of the indices")
  void allDimensionsEqualWeights() {
    RaterScore rater = RaterScore.of(new long[][] {ALL_FOURS, ALL_THREES, ALL_FIVES, ALL_ONES, ALL_TWOS}, null);

    // (75 + 50 + 100 + 0 + 25)/5 = 250/5 = 50
    assertThat(rater.index()).isEqualTo(50.0);
    assertThat(rater.dimensions().get(RaterDimension.RELIABILITY).index()).isEqualTo(75.0);
    assertThat(rater.dimensions().get(RaterDimension.ASSURANCE).index()).isEqualTo(50.0);
    assertThat(rater.dimensions().get(RaterDimension.TANGIBLES).index()).isEqualTo(100.0);
    assertThat(rater.dimensions().get(RaterDimension.EMPATHY).index()).isEqualTo(0.0);
    assertThat(rater.dimensions().get(RaterDimension.RESPONSIVENESS).index()).isEqualTo(25.0);
  }

  @Test
  @DisplayName("dimensions nobody rated stay in the map with nulls and do not pull the index down")
  void subsetOfDimensions() {
    RaterScore rater = RaterScore.of(new long[][] {{1, 1, 2, 4, 2}, NONE, NONE, {0, 0, 3, 1, 0}, NONE}, null);

    // reliability: mean 35/10 = 3.5, index 62.5
    // empathy: n = 4, mean (3*3 + 4*1)/4 = 13/4 = 3.25, index 100*2.25/4 = 56.25
    // index = (62.5 + 56.25)/2 = 59.375 (not (62.5 + 56.25)/5 = 23.75)
    assertThat(rater.index()).isEqualTo(59.375);
    assertThat(rater.dimensions()).containsOnlyKeys(RaterDimension.values());
    RaterDimensionScore empathy = rater.dimensions().get(RaterDimension.EMPATHY);
    assertThat(empathy.n()).isEqualTo(4);
    assertThat(empathy.mean()).isEqualTo(3.25);
    assertThat(empathy.index()).isEqualTo(56.25);
    RaterDimensionScore tangibles = rater.dimensions().get(RaterDimension.TANGIBLES);
    assertThat(tangibles.n()).isZero();
    assertThat(tangibles.mean()).isNull();
    assertThat(tangibles.index()).isNull();
  }

  @Test
  @DisplayName("weights are renormalised over the rated dimensions, and a weight of 0 leaves a dimension out")
  void weightsRenormalised() {
    // reliability 75 (weight 2), assurance 50 (1), tangibles unrated (1), empathy 0 (1),
    // responsiveness 25 (weight 0)
    RaterScore rater = RaterScore.of(new long[][] {ALL_FOURS, ALL_THREES, NONE, ALL_ONES, ALL_TWOS},
        new double[] {2, 1, 1, 1, 0});

    // (2*75 + 1*50 + 1*0)/(2 + 1 + 1) = 200/4 = 50
    assertThat(rater.index()).isEqualTo(50.0);
    assertThat(rater.dimensions().get(RaterDimension.RESPONSIVENESS).index()).isEqualTo(25.0);
  }

  @Test
  @DisplayName("the index is null when no dimension was rated, and every dimension is still listed")
  void noDimensionRated() {
    RaterScore rater = RaterScore.of(new long[][] {NONE, NONE, NONE, NONE, NONE}, null);

    assertThat(rater.index()).isNull();
    assertThat(rater.dimensions()).hasSize(5);
    assertThat(rater.dimensions().values()).allSatisfy(d -> assertThat(d.mean()).isNull());
  }

  @Test
  @DisplayName("the index is null when the only rated dimensions have weight 0")
  void onlyZeroWeightsRated() {
    RaterScore rater = RaterScore.of(new long[][] {ALL_FOURS, NONE, NONE, NONE, NONE},
        new double[] {0, 1, 1, 1, 1});

    assertThat(rater.index()).isNull();
    assertThat(rater.dimensions().get(RaterDimension.RELIABILITY).index()).isEqualTo(75.0);
  }

  @Test
  @DisplayName("the dimensions iterate in storage order")
  void enumOrder() {
    RaterScore rater = RaterScore.of(new long[][] {NONE, NONE, NONE, NONE, NONE}, null);

    assertThat(rater.dimensions().keySet()).containsExactly(RaterDimension.RELIABILITY,
        RaterDimension.ASSURANCE, RaterDimension.TANGIBLES, RaterDimension.EMPATHY,
        RaterDimension.RESPONSIVENESS);
  }

  @Test
  @DisplayName("a wrong number of dimensions or weights, or a negative weight, is rejected")
  void invalidInputRejected() {
    assertThatThrownBy(() -> RaterScore.of(new long[][] {NONE, NONE, NONE, NONE}, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RaterScore.of(new long[][] {NONE, NONE, NONE, NONE, NONE}, new double[] {1, 1}))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RaterScore.of(new long[][] {NONE, NONE, NONE, NONE, NONE},
        new double[] {1, 1, -1, 1, 1})).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @DisplayName("dimension codes are the lower-case JSON names and unknown codes give null")
  void dimensionCodes() {
    assertThat(RaterDimension.RELIABILITY.code()).isEqualTo("reliability");
    assertThat(RaterDimension.ASSURANCE.code()).isEqualTo("assurance");
    assertThat(RaterDimension.TANGIBLES.code()).isEqualTo("tangibles");
    assertThat(RaterDimension.EMPATHY.code()).isEqualTo("empathy");
    assertThat(RaterDimension.RESPONSIVENESS.code()).isEqualTo("responsiveness");
    assertThat(RaterDimension.fromCode("empathy")).isEqualTo(RaterDimension.EMPATHY);
    assertThat(RaterDimension.fromCode("EMPATHY")).isNull();
    assertThat(RaterDimension.fromCode("speed")).isNull();
    assertThat(RaterDimension.fromCode(null)).isNull();
  }
}
