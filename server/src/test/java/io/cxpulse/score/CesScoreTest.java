package io.cxpulse.score;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class CesScoreTest {

  @Test
  @DisplayName("CES reports the mean rating and the share rating it easy (5, 6 or 7)")
  void meanAndEasyShare() {
    CesScore ces = CesScore.of(new long[] {1, 2, 3, 4, 10, 20, 10});

    // n = 1+2+3+4+10+20+10 = 50
    assertThat(ces.n()).isEqualTo(50);
    // (1*1 + 2*2 + 3*3 + 4*4 + 5*10 + 6*20 + 7*10)/50 = (1+4+9+16+50+120+70)/50 = 270/50 = 5.4
    assertThat(ces.mean()).isEqualTo(5.4);
    // 100*(10+20+10)/50 = 80; the 4 rating 4s are not easy
    assertThat(ces.easy()).isEqualTo(80.0);
    assertThat(ces.histogram()).containsExactly(1, 2, 3, 4, 10, 20, 10);
  }

  @Test
  @DisplayName("CES with no responses has a null mean and easy share")
  void noResponses() {
    CesScore ces = CesScore.of(new long[7]);

    assertThat(ces.n()).isZero();
    assertThat(ces.mean()).isNull();
    assertThat(ces.easy()).isNull();
  }
}
