package io.cxpulse.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class Csat3ScoreTest {

  @Test
  @DisplayName("3-point satisfaction reports each share in % and satisfied minus dissatisfied as net")
  void sharesAndNet() {
    Csat3Score csat3 = Csat3Score.of(new long[] {5, 15, 30});

    // n = 5+15+30 = 50
    assertThat(csat3.n()).isEqualTo(50);
    // 100*30/50 = 60, 100*15/50 = 30, 100*5/50 = 10, net = 60-10 = 50
    assertThat(csat3.satisfied()).isEqualTo(60.0);
    assertThat(csat3.neutral()).isEqualTo(30.0);
    assertThat(csat3.dissatisfied()).isEqualTo(10.0);
    assertThat(csat3.net()).isEqualTo(50.0);
    assertThat(csat3.histogram()).containsExactly(5, 15, 30);
  }

  @Test
  @DisplayName("the net is negative when more customers are very dissatisfied than very satisfied")
  void negativeNet() {
    Csat3Score csat3 = Csat3Score.of(new long[] {3, 4, 1});

    // n=8: satisfied 100*1/8 = 12.5, neutral 100*4/8 = 50, dissatisfied 100*3/8 = 37.5, net = -25
    assertThat(csat3.satisfied()).isEqualTo(12.5);
    assertThat(csat3.neutral()).isEqualTo(50.0);
    assertThat(csat3.dissatisfied()).isEqualTo(37.5);
    assertThat(csat3.net()).isEqualTo(-25.0);
  }

  @Test
  @DisplayName("3-point satisfaction with no responses has null shares and net")
  void noResponses() {
    Csat3Score csat3 = Csat3Score.of(new long[3]);

    assertThat(csat3.n()).isZero();
    assertThat(csat3.satisfied()).isNull();
    assertThat(csat3.neutral()).isNull();
    assertThat(csat3.dissatisfied()).isNull();
    assertThat(csat3.net()).isNull();
  }

  @Test
  @DisplayName("a 1-5 histogram is not accepted as 3-point satisfaction")
  void wrongScaleRejected() {
    assertThatThrownBy(() -> Csat3Score.of(new long[5])).isInstanceOf(IllegalArgumentException.class);
  }
}
