package io.cxpulse.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class NpsScoreTest {

  // 310 responses: detractors 10+20+10+20 = 60 (scores 0, 3, 5, 6), passives 30+50 = 80,
  // promoters 70+100 = 170.
  private static final long[] EXAMPLE = {10, 0, 0, 20, 0, 10, 20, 30, 50, 70, 100};

  @Test
  @DisplayName("with no responses the score, margin and interval are null, never 0, and the tile is low-confidence")
  void noResponsesIsUndefined() {
    NpsScore nps = NpsScore.of(new long[11], 0);

    assertThat(nps.n()).isZero();
    assertThat(nps.promoters()).isZero();
    assertThat(nps.passives()).isZero();
    assertThat(nps.detractors()).isZero();
    assertThat(nps.score()).isNull();
    assertThat(nps.moe()).isNull();
    assertThat(nps.ciLow()).isNull();
    assertThat(nps.ciHigh()).isNull();
    assertThat(nps.lowConfidence()).isTrue();
    assertThat(nps.histogram()).containsExactly(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  }

  @Test
  @DisplayName("with no responses the adjusted net and variance are still defined, for the z-test")
  void noResponsesAdjustedValues() {
    NpsScore nps = NpsScore.of(new long[11], 30);

    // n'=3, p'=d'=0.75/3=0.25, p'-d'=0, v'=0.25+0.25-0=0.5, v'/n'=0.5/3=1/6
    assertThat(nps.adjustedNet()).isEqualTo(0.0);
    assertThat(nps.adjustedVariance()).isEqualTo(1.0 / 6);
  }

  @Test
  @DisplayName("scores 9-10 are promoters, 7-8 passives and 0-6 detractors")
  void categoryBoundaries() {
    NpsScore nps = NpsScore.of(new long[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, 0);

    assertThat(nps.n()).isEqualTo(11);
    assertThat(nps.promoters()).isEqualTo(2);
    assertThat(nps.passives()).isEqualTo(2);
    assertThat(nps.detractors()).isEqualTo(7);
    // 100*(2-7)/11 = -500/11
    assertThat(nps.score()).isEqualTo(-500.0 / 11);
  }

  @Test
  @DisplayName("310 responses with 170 promoters and 60 detractors score 35.48 ± 8.70, interval [26.45, 43.84]")
  void workedExample() {
    NpsScore nps = NpsScore.of(EXAMPLE, 30);

    assertThat(nps.n()).isEqualTo(310);
    assertThat(nps.promoters()).isEqualTo(170);
    assertThat(nps.passives()).isEqualTo(80);
    assertThat(nps.detractors()).isEqualTo(60);
    // 100*(170-60)/310 = 11000/310 = 35.483870...
    assertThat(nps.score()).isEqualTo(11000.0 / 310);
    // n'=313, p'=170.75/313=0.545527, d'=60.75/313=0.194089, p'-d'=110/313=0.351438
    // v' = 231.5/313 - (110/313)^2 = (72459.5 - 12100)/97969 = 60359.5/97969 = 0.616108
    // v'/n' = 60359.5/30664297 = 0.00196840, sqrt = 0.0443666
    // moe = 100*1.96*0.0443666 = 8.695857
    assertThat(nps.moe()).isCloseTo(8.695857, within(1e-6));
    // centre 100*110/313 = 35.143770; 35.143770 - 8.695857 = 26.447913, + 8.695857 = 43.839627
    assertThat(nps.ciLow()).isCloseTo(26.447913, within(1e-6));
    assertThat(nps.ciHigh()).isCloseTo(43.839627, within(1e-6));
    assertThat(nps.lowConfidence()).isFalse();
    assertThat(nps.adjustedNet()).isEqualTo(110.0 / 313);
    assertThat(nps.adjustedVariance()).isCloseTo(0.00196840, within(1e-8));
    assertThat(nps.histogram()).containsExactly(EXAMPLE);
  }

  @Test
  @DisplayName("the interval is centred on the adjusted net, not on the raw score")
  void intervalCentredOnAdjustedNet() {
    NpsScore nps = NpsScore.of(EXAMPLE, 30);

    double centre = (nps.ciLow() + nps.ciHigh()) / 2;
    // 100*(p'-d') = 100*110/313 = 11000/313 = 35.143770, below the raw 35.483871
    assertThat(centre).isCloseTo(35.143770, within(1e-6));
    assertThat(centre).isLessThan(nps.score() - 0.3);
    assertThat(nps.ciHigh() - nps.ciLow()).isCloseTo(2 * 8.695857, within(2e-6));
  }

  @Test
  @DisplayName("ten promoters score 100 and the interval is clamped at +100")
  void allPromotersClampHigh() {
    long[] histogram = new long[11];
    histogram[9] = 6;
    histogram[10] = 4;

    NpsScore nps = NpsScore.of(histogram, 30);

    assertThat(nps.promoters()).isEqualTo(10);
    assertThat(nps.passives()).isZero();
    assertThat(nps.detractors()).isZero();
    assertThat(nps.score()).isEqualTo(100.0);
    // n'=13, p'=10.75/13, d'=0.75/13, p'-d'=10/13=0.769231
    // v' = 11.5/13 - 100/169 = (149.5-100)/169 = 49.5/169 = 0.292899
    // v'/n' = 49.5/2197 = 0.0225307, sqrt = 0.150102, moe = 196*0.150102 = 29.420066
    assertThat(nps.moe()).isCloseTo(29.420066, within(1e-6));
    // centre 1000/13 = 76.923077: low 76.923077-29.420066 = 47.503011; high 106.343 -> 100
    assertThat(nps.ciLow()).isCloseTo(47.503011, within(1e-6));
    assertThat(nps.ciHigh()).isEqualTo(100.0);
  }

  @Test
  @DisplayName("two detractors score -100 and the interval is clamped at -100")
  void tinyNClampLow() {
    long[] histogram = new long[11];
    histogram[0] = 1;
    histogram[6] = 1;

    NpsScore nps = NpsScore.of(histogram, 30);

    assertThat(nps.score()).isEqualTo(-100.0);
    // n'=5, p'=0.75/5=0.15, d'=2.75/5=0.55, p'-d'=-0.4, v'=0.70-0.16=0.54
    // v'/n'=0.108, sqrt=0.328634, moe=196*0.328634=64.412173
    assertThat(nps.moe()).isCloseTo(64.412173, within(1e-6));
    // centre -40: low -104.41 -> -100; high -40+64.412173 = 24.412173
    assertThat(nps.ciLow()).isEqualTo(-100.0);
    assertThat(nps.ciHigh()).isCloseTo(24.412173, within(1e-6));
    assertThat(nps.lowConfidence()).isTrue();
  }

  @Test
  @DisplayName("with a minimum of 30, 29 responses are low-confidence and 30 are not")
  void lowConfidenceThreshold() {
    long[] twentyNine = new long[11];
    twentyNine[8] = 29;
    long[] thirty = new long[11];
    thirty[8] = 30;

    assertThat(NpsScore.of(twentyNine, 30).lowConfidence()).isTrue();
    assertThat(NpsScore.of(thirty, 30).lowConfidence()).isFalse();
  }

  @Test
  @DisplayName("the histogram is copied in and out, so later changes to either array do not alter the score")
  void histogramCopiedDefensively() {
    long[] counters = EXAMPLE.clone();
    NpsScore nps = NpsScore.of(counters, 30);

    counters[10] += 1000;
    nps.histogram()[0] = 999;

    assertThat(nps.histogram()).containsExactly(EXAMPLE);
    assertThat(nps).isEqualTo(NpsScore.of(EXAMPLE, 30));
    assertThat(nps).hasSameHashCodeAs(NpsScore.of(EXAMPLE, 30));
  }

  @Test
  @DisplayName("a histogram of another scale is rejected")
  void wrongScaleRejected() {
    assertThatThrownBy(() -> NpsScore.of(new long[5], 30)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> NpsScore.of(new long[] {-1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 30))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
