package io.cxpulse.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class NpsComparisonTest {

  // n=310, P=170, Pa=80, D=60: score 11000/310 = 35.483871
  // n'=313, p'-d' = 110/313 = 0.351438, v'/n' = 60359.5/30664297 = 0.00196840
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
    // n=200, P=80, Pa=60, D=60: score 10; n'=203, p'-d' = 20/203 = 0.098522
    // v' = 141.5/203 - (20/203)^2 = (28724.5-400)/41209 = 28324.5/41209 = 0.687338
    // v'/n' = 28324.5/8365427 = 0.00338590
    NpsScore previous = nps(80, 60, 60);

    NpsComparison comparison = NpsComparison.of(CURRENT, previous);

    // delta = 35.483871 - 10 = 25.483871
    assertThat(comparison.delta()).isCloseTo(25.483871, within(1e-6));
    // z = (0.351438-0.098522)/sqrt(0.00196840+0.00338590) = 0.252916/0.0731731 = 3.45640
    assertThat(comparison.z()).isCloseTo(3.45640, within(1e-5));
    assertThat(comparison.significant()).isTrue();
  }

  @Test
  @DisplayName("a significant fall has a negative z and is still significant")
  void significantFall() {
    NpsComparison comparison = NpsComparison.of(nps(80, 60, 60), CURRENT);

    // the pair above reversed: delta = 10 - 35.483871, z = -3.45640
    assertThat(comparison.delta()).isCloseTo(-25.483871, within(1e-6));
    assertThat(comparison.z()).isCloseTo(-3.45640, within(1e-5));
    assertThat(comparison.significant()).isTrue();
  }

  @Test
  @DisplayName("35.5 on 310 responses against 33.3 on 300 responses is not a significant change")
  void nonSignificantDifference() {
    // n=300, P=160, Pa=80, D=60: score 100*100/300 = 33.333333; n'=303, p'-d' = 100/303 = 0.330033
    // v' = 221.5/303 - (100/303)^2 = (67114.5-10000)/91809 = 57114.5/91809 = 0.622101
    // v'/n' = 57114.5/27818127 = 0.00205314
    NpsScore previous = nps(160, 80, 60);

    NpsComparison comparison = NpsComparison.of(CURRENT, previous);

    // delta = 35.483871 - 33.333333 = 2.150538
    assertThat(comparison.delta()).isCloseTo(2.150538, within(1e-6));
    // z = (0.351438-0.330033)/sqrt(0.00196840+0.00205314) = 0.0214047/0.0634156 = 0.337531
    assertThat(comparison.z()).isCloseTo(0.337531, within(1e-5));
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
