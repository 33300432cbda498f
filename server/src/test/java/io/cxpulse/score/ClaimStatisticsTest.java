package io.cxpulse.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The intervals and exact tests behind the product's claims, against hand computations and
 * printed tables (every expected number here was computed outside this code: t quantiles from a
 * table, hypergeometric tails and Wilson bounds by hand from their definitions).
 */
@DisplayName("Claim statistics: widened NPS intervals, t intervals of means, exact conditional tests, stratified Newcombe")
class ClaimStatisticsTest {

  static MantelHaenszelDifference.Stratum s(long ka, long na, long kb, long nb) {
    return new MantelHaenszelDifference.Stratum(ka, na, kb, nb);
  }

  @Test
  @DisplayName("Student's t quantiles match the printed table")
  void studentQuantiles() {
    assertThat(Distributions.studentQuantile(0.975, 1)).isCloseTo(12.7062047, within(1e-6));
    assertThat(Distributions.studentQuantile(0.975, 2)).isCloseTo(4.3026527, within(1e-6));
    assertThat(Distributions.studentQuantile(0.975, 4)).isCloseTo(2.7764451, within(1e-6));
    assertThat(Distributions.studentQuantile(0.975, 9)).isCloseTo(2.2621572, within(1e-6));
    assertThat(Distributions.studentQuantile(0.975, 29)).isCloseTo(2.0452296, within(1e-6));
    assertThat(Distributions.studentQuantile(0.975, 1000)).isCloseTo(1.9623391, within(1e-6));
    assertThat(MeanInterval.t975(29)).isCloseTo(2.0452296, within(1e-6));
  }

  @Test
  @DisplayName("NPS: one response of 10 has score 100 and interval [−48.5, 100], widened to the score; five promoters [17.5, 100]")
  void npsIntervalContainsScore() {
    long[] one = new long[11];
    one[10] = 1;
    NpsScore n1 = NpsScore.of(one, 30);
    // n' = 4, p' = 1.75/4, d' = 0.75/4, centre 25, v' = 0.625 − 0.0625 = 0.5625, MoE = 196·√(0.5625/4) = 73.5:
    // the adjusted interval [−48.5, 98.5] leaves out 100, so the upper end is widened to it.
    assertThat(n1.score()).isEqualTo(100.0);
    assertThat(n1.moe()).isCloseTo(73.5, within(1e-9));
    assertThat(n1.ciLow()).isCloseTo(-48.5, within(1e-9));
    assertThat(n1.ciHigh()).isEqualTo(100.0);
    assertThat(n1.ciSymmetric()).isFalse();
    long[] five = new long[11];
    five[9] = 5;
    NpsScore n5 = NpsScore.of(five, 30);
    // n' = 8, centre 62.5, v' = 0.8125 − 0.390625 = 0.421875, MoE = 196·√(0.421875/8) = 45.01: [17.49, 100].
    assertThat(n5.ciLow()).isCloseTo(62.5 - 196 * Math.sqrt(0.421875 / 8), within(1e-9));
    assertThat(n5.ciHigh()).isEqualTo(100.0);
    assertThat(n5.ciSymmetric()).isFalse();
    // 310 responses, 170 promoters, 60 detractors: score 35.48, centre 100·110/313 = 35.14, so each
    // end is 0.34 from score ∓ MoE: "35 ± 8.7" describes the interval.
    long[] big = new long[11];
    big[10] = 170;
    big[7] = 80;
    big[2] = 60;
    assertThat(NpsScore.of(big, 30).ciSymmetric()).isTrue();
    assertThat(NpsScore.of(new long[11], 30).ciSymmetric()).isNull();
  }

  @Test
  @DisplayName("a mean's t interval: mean ± t(0.975, n − 1)·s/√n, clipped to the scale; none below 2 ratings")
  void meanInterval() {
    // Ratings 3, 4, 4, 5, 5: mean 4.2, s² = (1.44 + 0.04 + 0.04 + 0.64 + 0.64)/4 = 0.7,
    // half = 2.7764451·√0.7/√5 = 1.038848: [3.161152, 5.238848] clipped to [3.161152, 5].
    MeanInterval m = MeanInterval.of(new long[] {0, 0, 1, 2, 2}, 1);
    assertThat(m.mean()).isCloseTo(4.2, within(1e-12));
    assertThat(m.sd()).isCloseTo(Math.sqrt(0.7), within(1e-12));
    assertThat(m.low()).isCloseTo(4.2 - 2.7764451 * Math.sqrt(0.7 / 5), within(1e-6));
    assertThat(m.high()).isEqualTo(5.0);
    assertThat(MeanInterval.of(new long[] {0, 0, 0, 1, 0}, 1).low()).isNull();
    MeanInterval same = MeanInterval.of(new long[] {0, 0, 0, 7, 0}, 1);
    assertThat(same.low()).isEqualTo(4.0);
    assertThat(same.high()).isEqualTo(4.0);
    // CSAT carries both: the mean's t interval and the top-2 share's Wilson interval (4 of 5 → [0.3755, 0.9638]).
    CsatScore csat = CsatScore.of(new long[] {0, 0, 1, 2, 2});
    assertThat(csat.meanInterval()).isEqualTo(m);
    assertThat(csat.top2Share().low()).isCloseTo(0.375528, within(1e-6));
    assertThat(csat.top2Share().high()).isCloseTo(0.963777, within(1e-6));
  }

  @Test
  @DisplayName("3-point CSAT: Wilson intervals of its shares, the NPS interval of its net")
  void csat3Intervals() {
    // 5 very dissatisfied, 15 neutral, 30 very satisfied: satisfied 30/50, Wilson [0.461812, 0.723918];
    // dissatisfied 5/50, [0.043475, 0.213605]; net 50 with n' = 53, centre 100·25/53 = 47.17,
    // MoE 18.38: [28.79, 65.55].
    Csat3Score c = Csat3Score.of(new long[] {5, 15, 30});
    assertThat(c.satisfiedShare().low()).isCloseTo(0.461812, within(1e-6));
    assertThat(c.satisfiedShare().high()).isCloseTo(0.723918, within(1e-6));
    assertThat(c.dissatisfiedShare().low()).isCloseTo(0.043475, within(1e-6));
    assertThat(c.netScore().score()).isEqualTo(c.net());
    assertThat(c.netScore().ciLow()).isCloseTo(28.787716, within(1e-5));
    assertThat(c.netScore().ciHigh()).isCloseTo(65.551907, within(1e-5));
  }

  @Test
  @DisplayName("the RATER index interval is conservative: the weighted mean of the dimensions' standard errors")
  void raterIndexInterval() {
    long[][] hist = new long[5][5];
    hist[0] = new long[] {0, 0, 1, 2, 2};   // reliability: mean 4.2, s = √0.7, index 80, se(index) = 25·√(0.7/5)
    hist[1] = new long[] {0, 1, 1, 1, 2};   // assurance: 2,3,4,5,5: mean 3.8, s² = (3.24+0.64+0.04+1.44+1.44)/4 = 1.7
    RaterScore r = RaterScore.of(hist, null);
    double se = (25 * Math.sqrt(0.7 / 5) + 25 * Math.sqrt(1.7 / 5)) / 2;
    double index = (80.0 + 70.0) / 2;
    assertThat(r.index()).isCloseTo(index, within(1e-9));
    assertThat(r.indexLow()).isCloseTo(index - 2.7764451 * se, within(1e-5));
    // 75 + 33.2 is past the scale: clipped to 100.
    assertThat(index + 2.7764451 * se).isGreaterThan(100);
    assertThat(r.indexHigh()).isEqualTo(100.0);
    // One rating in a weighted dimension: no standard error, no interval.
    hist[2] = new long[] {0, 0, 0, 0, 1};
    assertThat(RaterScore.of(hist, null).indexLow()).isNull();
  }

  @Test
  @DisplayName("exact conditional test: the issue's 5 vs 300 customers is not significant either way (hypergeometric tails by hand)")
  void exactTestOfTheIssue() {
    // "w": not raised 180 of 300 repurchase, raised 1 of 5. Given 181 repurchases among 305, the
    // raised group's count X is hypergeometric: P(X ≤ 1) = [C(124,5) + 181·C(124,4)] / C(305,5)
    // = 0.0903663; doubled: p = 0.180733.
    ExactConditionalTest w = ExactConditionalTest.of(List.of(s(180, 300, 1, 5)));
    assertThat(w.pUpper()).isCloseTo(0.0903663, within(1e-6));
    assertThat(w.p()).isCloseTo(0.180733, within(1e-5));
    assertThat(w.significant()).isFalse();
    // "z": raised 6 of 6: P(X = 6) = C(186,6)/C(306,6) = 0.0488419 one-sided; doubled 0.0976838.
    ExactConditionalTest z = ExactConditionalTest.of(List.of(s(180, 300, 6, 6)));
    assertThat(z.pLower()).isCloseTo(0.0488419, within(1e-6));
    assertThat(z.p()).isCloseTo(0.0976838, within(1e-6));
    assertThat(z.significant()).isFalse();
    // Newcombe's interval for z alone excludes 0 ([−45.6, −0.6] points): the exact test is what
    // keeps it from being listed as a significant gain.
    ProportionDifference newcombe = ProportionDifference.of(180, 300, 6, 6);
    assertThat(newcombe.high()).isCloseTo(-0.00596196, within(1e-7));
    assertThat(StratifiedDifference.of(List.of(s(180, 300, 6, 6))).significant()).isFalse();
  }

  @Test
  @DisplayName("exact conditional test over strata: the convolution of the strata's hypergeometric distributions")
  void exactTestOverStrata() {
    // Stratum 1: 2/3 vs 0/3, two successes among 6: P(X1 = 0, 1, 2) = 1/5, 3/5, 1/5.
    // Stratum 2: 3/3 vs 1/3, four among 6: P(X2 = 1, 2, 3) = 1/5, 3/5, 1/5.
    // T = X1 + X2 observed 5 (the maximum): P(T ≥ 5) = 1/5 · 1/5 = 0.04, doubled 0.08.
    ExactConditionalTest t = ExactConditionalTest.of(List.of(s(2, 3, 0, 3), s(3, 3, 1, 3)));
    assertThat(t.pUpper()).isCloseTo(0.04, within(1e-12));
    assertThat(t.pLower()).isCloseTo(1.0, within(1e-12));
    assertThat(t.p()).isCloseTo(0.08, within(1e-12));
    // A stratum whose margins allow one table only (no successes) or with an empty group adds nothing.
    assertThat(ExactConditionalTest.of(List.of(s(2, 3, 0, 3), s(0, 5, 0, 5), s(3, 3, 0, 0))).p())
        .isCloseTo(2 * 0.2, within(1e-12));
    assertThat(ExactConditionalTest.of(List.of(s(0, 5, 0, 5))).p()).isEqualTo(1.0);
  }

  @Test
  @DisplayName("exact test on large strata: the same p as an independent implementation, without walking a million-wide support")
  void exactTestOnLargeStrata() {
    // 1,000,000 customers: 600,000 not raising an item (300,000 repurchase), 400,000 raising it
    // (199,300): a difference of 0.175 points; and a second stratum of 100,000.
    List<MantelHaenszelDifference.Stratum> strata = List.of(s(300_000, 600_000, 199_300, 400_000), s(30_000, 50_000, 29_700, 50_000));
    long started = System.nanoTime();
    ExactConditionalTest t = ExactConditionalTest.of(strata);
    long micros = (System.nanoTime() - started) / 1000;
    double[] ref = io.cxpulse.testing.Reference.exactP(strata.stream()
        .map(x -> new io.cxpulse.testing.Reference.Table(x.ka(), x.na(), x.kb(), x.nb())).toList());
    assertThat(t.pLower()).isCloseTo(ref[0], within(1e-9));
    assertThat(t.pUpper()).isCloseTo(ref[1], within(1e-9));
    assertThat(t.p()).isCloseTo(ref[2], within(1e-9));
    System.out.println("exact test over 1.1 million customers: " + micros + " µs");
  }

  @Test
  @DisplayName("stratified Newcombe: one stratum is Newcombe's method 10; two strata use MH weights and Wilson at the effective n")
  void stratifiedNewcombe() {
    StratifiedDifference one = StratifiedDifference.of(List.of(s(180, 300, 1, 5)));
    ProportionDifference newcombe = ProportionDifference.of(180, 300, 1, 5);
    assertThat(one.difference()).isCloseTo(0.4, within(1e-12));
    assertThat(one.low()).isCloseTo(newcombe.low(), within(1e-12));
    assertThat(one.high()).isCloseTo(newcombe.high(), within(1e-12));
    // By hand: [0.6 − √((0.6 − 0.5434)² + (0.6245 − 0.2)²), …] = [−0.028198, 0.572398].
    assertThat(one.low()).isCloseTo(-0.0281976, within(1e-6));
    assertThat(one.high()).isCloseTo(0.5723982, within(1e-6));
    assertThat(one.significant()).isFalse();

    // Strata 30/50 vs 20/50 and 10/40 vs 5/60: weights 25 and 24 (of 49); p_a = (25·0.6 + 24·0.25)/49
    // = 0.428571, p_b = (25·0.4 + 24·0.083333)/49 = 0.244898; n_eff,a = 1/Σ(w²/n_a) = 89.2565,
    // n_eff,b = 108.6425; Wilson at those n and Newcombe's combination: [0.051801, 0.309332].
    // Exact: P(T ≥ 40) = 0.0027384, p = 0.0054767.
    StratifiedDifference two = StratifiedDifference.of(List.of(s(30, 50, 20, 50), s(10, 40, 5, 60)));
    assertThat(two.difference()).isCloseTo(0.18367347, within(1e-8));
    assertThat(two.low()).isCloseTo(0.0518008, within(1e-6));
    assertThat(two.high()).isCloseTo(0.3093318, within(1e-6));
    assertThat(two.test().p()).isCloseTo(0.0054767, within(1e-6));
    assertThat(two.significant()).isTrue();
    assertThat(StratifiedDifference.of(List.of(s(3, 3, 0, 0))).difference()).isNull();
  }
}
