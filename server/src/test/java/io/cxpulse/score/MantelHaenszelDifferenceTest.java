package io.cxpulse.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.cxpulse.score.MantelHaenszelDifference.Stratum;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class MantelHaenszelDifferenceTest {
  /*
   * A 2×2×3 example by hand. Group a = did not raise the item, b = raised it; k = repurchased.
   *
   *   stratum     a: k/n    b: k/n    N    w = n_a·n_b/N   (k_a·n_b − k_b·n_a)/N
   *   promoter    8/10      30/40     50   400/50 = 8      (320 − 300)/50 = 2/5
   *   passive     6/10      12/20     30   200/30 = 20/3   (120 − 120)/30 = 0
   *   detractor   8/20       2/10     30   200/30 = 20/3   (80 − 40)/30   = 4/3
   *
   *   Σw = 8 + 40/3 = 64/3;  Σ numerators = 2/5 + 4/3 = 26/15
   *   RD_MH = (26/15) / (64/3) = 78/960 = 13/160 = 0.08125
   *
   * Crude: a 22/40 = 0.55, b 44/70 = 0.628571…: a − b = −0.078571 — the sign flips, because group b
   * holds mostly promoters (who repurchase more) and group a mostly detractors.
   *
   * Sato's variance: P_k = (n_a²·k_b − n_b²·k_a + n_a·n_b·(n_b − n_a)/2) / N²,
   *                  Q_k = (k_a·(n_b − k_b) + k_b·(n_a − k_a)) / (2N)
   *   promoter    P = (100·30 − 1600·8 + 400·30/2)/2500 = (3000 − 12800 + 6000)/2500 = −3800/2500 = −1.52
   *               Q = (8·10 + 30·2)/100 = 140/100 = 1.4
   *   passive     P = (100·12 − 400·6 + 200·10/2)/900 = (1200 − 2400 + 1000)/900 = −200/900 = −2/9
   *               Q = (6·8 + 12·4)/60 = 96/60 = 1.6
   *   detractor   P = (400·2 − 100·8 + 200·(−10)/2)/900 = (800 − 800 − 1000)/900 = −10/9
   *               Q = (8·8 + 2·12)/60 = 88/60 = 22/15
   *   ΣP = −1.52 − 2/9 − 10/9 = −214/75;  ΣQ = 1.4 + 1.6 + 22/15 = 67/15
   *   Var = (13/160 · (−214/75) + 67/15) / (64/3)² = (−1391/6000 + 26800/6000) / (4096/9)
   *       = (25409/6000) · (9/4096) = 76227/8192000 = 0.00930505371…
   *   SE = 0.0964627063…;  95%: 0.08125 ± 1.96·0.0964627 = [−0.1078169, 0.2703169] → not significant.
   */
  private static final List<Stratum> EXAMPLE = List.of(
      new Stratum(8, 10, 30, 40), new Stratum(6, 10, 12, 20), new Stratum(8, 20, 2, 10));

  @Test
  @DisplayName("a 2×2×3 example: the Mantel–Haenszel difference and Sato's variance equal the hand computation")
  void handExample() {
    MantelHaenszelDifference d = MantelHaenszelDifference.of(EXAMPLE);
    assertThat(d.difference()).isCloseTo(13.0 / 160, within(1e-12));
    assertThat(d.variance()).isCloseTo(76227.0 / 8192000, within(1e-12));
    assertThat(d.low()).isCloseTo(-0.1078169, within(1e-7));
    assertThat(d.high()).isCloseTo(0.2703169, within(1e-7));
    assertThat(d.significant()).isFalse();
    // The crude difference of the same counts points the other way.
    ProportionDifference crude = ProportionDifference.of(22, 40, 44, 70);
    assertThat(crude.difference()).isCloseTo(0.55 - 44.0 / 70, within(1e-12)).isNegative();
  }

  @Test
  @DisplayName("one stratum: the plain difference, and Sato's variance reduces to the Wald variance p_a·q_a/n_a + p_b·q_b/n_b")
  void oneStratum() {
    // 8/10 against 30/40: d = 0.05; P = −1.52, Q = 1.4, w = 8 (above):
    // Var = (0.05·(−1.52) + 1.4)/64 = 1.324/64 = 0.0206875 = 0.8·0.2/10 + 0.75·0.25/40 = 0.016 + 0.0046875.
    MantelHaenszelDifference d = MantelHaenszelDifference.of(List.of(new Stratum(8, 10, 30, 40)));
    assertThat(d.difference()).isCloseTo(0.05, within(1e-12));
    assertThat(d.variance()).isCloseTo(0.0206875, within(1e-12));
  }

  @Test
  @DisplayName("strata with an empty group carry no weight; none with both groups gives no difference")
  void emptyGroups() {
    MantelHaenszelDifference withEmpty = MantelHaenszelDifference.of(List.of(
        new Stratum(8, 10, 30, 40), new Stratum(0, 0, 7, 9), new Stratum(3, 5, 0, 0), new Stratum(6, 10, 12, 20),
        new Stratum(8, 20, 2, 10)));
    MantelHaenszelDifference plain = MantelHaenszelDifference.of(EXAMPLE);
    assertThat(withEmpty.difference()).isCloseTo(plain.difference(), within(1e-12));
    assertThat(withEmpty.variance()).isCloseTo(plain.variance(), within(1e-12));

    MantelHaenszelDifference none = MantelHaenszelDifference.of(List.of(new Stratum(3, 5, 0, 0), new Stratum(0, 0, 1, 2)));
    assertThat(none.difference()).isNull();
    assertThat(none.low()).isNull();
    assertThat(none.significant()).isFalse();
    assertThatThrownBy(() -> new Stratum(3, 2, 0, 1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @DisplayName("a large effect in every stratum is significant: 40/50 against 20/50 in each of three strata")
  void significant() {
    // Each stratum: d = 0.4, w = 25. P = (2500·20 − 2500·40 + 0)/10000 = −5, Q = (40·30 + 20·10)/200 = 7.
    // Var = (0.4·(−15) + 21)/75² = 15/5625 = 1/375; SE = 0.05164; interval 0.4 ± 0.1012 = [0.2988, 0.5012].
    Stratum s = new Stratum(40, 50, 20, 50);
    MantelHaenszelDifference d = MantelHaenszelDifference.of(List.of(s, s, s));
    assertThat(d.difference()).isCloseTo(0.4, within(1e-12));
    assertThat(d.variance()).isCloseTo(1.0 / 375, within(1e-12));
    assertThat(d.low()).isCloseTo(0.4 - 1.96 * Math.sqrt(1.0 / 375), within(1e-12));
    assertThat(d.significant()).isTrue();
  }
}
