package io.cxpulse.score;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ValueElementsTest {

  @Test
  @DisplayName("an element with exactly half of its ratings above 7 is delivered, and a 7 is not above 7")
  void exactlyHalfIsDelivered() {
    // five 7s, three 8s, two 10s: n = 10, above 7 = 3+2 = 5, 100*5/10 = 50
    ValueElementScore score = ValueElements.of("save-time", new long[] {0, 0, 0, 0, 0, 0, 0, 5, 3, 0, 2});

    assertThat(score.code()).isEqualTo("save-time");
    assertThat(score.n()).isEqualTo(10);
    assertThat(score.above7Share()).isEqualTo(50.0);
    assertThat(score.delivered()).isTrue();
  }

  @Test
  @DisplayName("an element with just under half of its ratings above 7 is not delivered")
  void justUnderHalfIsNotDelivered() {
    // 101 sevens and 100 nines: n = 201, above 7 = 100, 100*100/201 = 10000/201 = 49.751244
    long[] histogram = new long[11];
    histogram[7] = 101;
    histogram[9] = 100;

    ValueElementScore score = ValueElements.of("quality", histogram);

    assertThat(score.n()).isEqualTo(201);
    assertThat(score.above7Share()).isEqualTo(10000.0 / 201);
    assertThat(score.delivered()).isFalse();
  }

  @Test
  @DisplayName("an element nobody rated has no share and no verdict")
  void noRatings() {
    ValueElementScore score = ValueElements.of("quality", new long[11]);

    assertThat(score.n()).isZero();
    assertThat(score.above7Share()).isNull();
    assertThat(score.delivered()).isNull();
  }
}
