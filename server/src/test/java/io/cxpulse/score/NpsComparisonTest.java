package io.cxpulse.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class NpsComparisonTest {

  // n=310, P=170, Pa=80, D=60: score 11000/310 = 35.483871
  private static final NpsScore CURRENT = nps(170, 80, 60);

  private static NpsScore nps(long promoters, long passives, long detractors) {
    long[] histogram = new long[11];
    histogram[10] = promoters;
    histogram[7] = passives;
    histogram[2] = detractors;
    return NpsScore.of(histogram, 30);
  }

  @Test
  @DisplayName("35.5 on 310 responses against 10 on 200 responses is a significant rise")
  void significantDifference() {
    // n=200, P=80, Pa=60, D=60: score 10. Pooled over N = 510: p = 250/510 = 0.490196,
    // d = 120/510 = 0.235294, v = p + d − (p − d)² = 0.725490 − 0.064975 = 0.660515
    NpsScore previous = nps(80, 60, 60);

    NpsComparison comparison = NpsComparison.of(CURRENT, previous);

    // delta = 35.483871 - 10 = 25.483871
    assertThat(comparison.delta()).isCloseTo(25.483871, within(1e-6));
    // z = (110/310 − 20/200) / sqrt(v · 510/509 · (1/310 + 1/200)) = 0.254839/0.0737837 = 3.45389
    assertThat(comparison.z()).isCloseTo(3.45389, within(1e-5));
    assertThat(comparison.significant()).isTrue();
  }

  @Test
  @DisplayName("a significant fall has a negative z and is still significant")
  void significantFall() {
    NpsComparison comparison = NpsComparison.of(nps(80, 60, 60), CURRENT);

    // the pair above reversed: delta = 10 - 35.483871, z = -3.45389
    assertThat(comparison.delta()).isCloseTo(-25.483871, within(1e-6));
    assertThat(comparison.z()).isCloseTo(-3.45389, within(1e-5));
    assertThat(comparison.significant()).isTrue();
  }

  @Test
  @DisplayName("35.5 on 310 responses against 33.3 on 300 responses is not a significant change")
  void nonSignificantDifference() {
    // n=300, P=160, Pa=80, D=60: score 100*100/300 = 33.333333. Pooled over N = 610:
    // p = 330/610 = 0.540984, d = 120/610 = 0.196721, v = 0.737705 − 0.118517 = 0.619188
    NpsScore previous = nps(160, 80, 60);

    NpsComparison comparison = NpsComparison.of(CURRENT, previous);

    // delta = 35.483871 - 33.333333 = 2.150538
    assertThat(comparison.delta()).isCloseTo(2.150538, within(1e-6));
    // z = (110/310 − 100/300) / sqrt(v · 610/609 · (1/310 + 1/300)) = 0.0215054/0.0637809 = 0.337175
    assertThat(comparison.z()).isCloseTo(0.337175, within(1e-5));
    assertThat(comparison.significant()).isFalse();
  }

  @Test
  @DisplayName("there is no comparison when either period has no responses")
  void undefinedWithoutResponses() {
    NpsScore empty = NpsScore.of(new long[11], 30);

    assertThat(NpsComparison.of(CURRENT, empty)).isNull();
    assertThat(NpsComparison.of(empty, CURRENT)).isNull();
    assertThat(NpsComparison.of(empty, empty)).isNull();
  }
}
