package io.cxpulse.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class CsatScoreTest {

  @Test
  @DisplayName("CSAT reports the mean rating and the share of 4s and 5s")
  void meanAndTopTwoBox() {
    CsatScore csat = CsatScore.of(new long[] {2, 3, 5, 20, 10});

    // n = 2+3+5+20+10 = 40
    assertThat(csat.n()).isEqualTo(40);
    // (1*2 + 2*3 + 3*5 + 4*20 + 5*10)/40 = (2+6+15+80+50)/40 = 153/40 = 3.825
    assertThat(csat.mean()).isEqualTo(3.825);
    // 100*(20+10)/40 = 75
    assertThat(csat.top2()).isEqualTo(75.0);
    assertThat(csat.histogram()).containsExactly(2, 3, 5, 20, 10);
  }

  @Test
  @DisplayName("CSAT with no responses has a null mean and top-2 share")
  void noResponses() {
    CsatScore csat = CsatScore.of(new long[5]);

    assertThat(csat.n()).isZero();
    assertThat(csat.mean()).isNull();
    assertThat(csat.top2()).isNull();
  }

  @Test
  @DisplayName("a 3-point histogram is not accepted as 1-5 CSAT")
  void wrongScaleRejected() {
    assertThatThrownBy(() -> CsatScore.of(new long[3])).isInstanceOf(IllegalArgumentException.class);
  }
}
