package io.cxpulse.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ProportionTest {
  @Test
  @DisplayName("Wilson interval of 8/10 and 81/263 match the published values")
  void wilson() {
    Proportion p = Proportion.of(8, 10);
    assertThat(p.rate()).isEqualTo(0.8);
    // Hand computation: centre (0.8 + 1.96²/20)/(1 + 1.96²/10), half 1.96·sqrt(0.016 + 1.96²/400)/(1 + 1.96²/10).
    assertThat(p.low()).isCloseTo(0.4902, within(1e-4));
    assertThat(p.high()).isCloseTo(0.9433, within(1e-4));
    // Newcombe (1998), Table I: 81/263 → 0.2553 to 0.3662.
    Proportion q = Proportion.of(81, 263);
    assertThat(q.low()).isCloseTo(0.2553, within(1e-4));
    assertThat(q.high()).isCloseTo(0.3662, within(1e-4));
  }

  @Test
  @DisplayName("Wilson interval keeps 0/n and n/n inside [0, 1], and n = 0 has no rate")
  void edges() {
    Proportion none = Proportion.of(0, 10);
    assertThat(none.low()).isEqualTo(0.0);
    assertThat(none.high()).isCloseTo(0.2775, within(1e-4));
    Proportion all = Proportion.of(10, 10);
    assertThat(all.high()).isEqualTo(1.0);
    assertThat(all.low()).isCloseTo(0.7225, within(1e-4));
    Proportion empty = Proportion.of(0, 0);
    assertThat(empty.rate()).isNull();
    assertThat(empty.low()).isNull();
    assertThatThrownBy(() -> Proportion.of(3, 2)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @DisplayName("Newcombe's hybrid score interval for a difference matches his published examples")
  void newcombe() {
    // Newcombe (1998), Table II, method 10: 56/70 − 48/80 → 0.0524 to 0.3339; 9/10 − 3/10 → 0.1705 to 0.8090.
    ProportionDifference d = ProportionDifference.of(56, 70, 48, 80);
    assertThat(d.difference()).isCloseTo(0.2, within(1e-12));
    assertThat(d.low()).isCloseTo(0.0524, within(1e-4));
    assertThat(d.high()).isCloseTo(0.3339, within(1e-4));
    assertThat(d.significant()).isTrue();
    ProportionDifference e = ProportionDifference.of(9, 10, 3, 10);
    assertThat(e.low()).isCloseTo(0.1705, within(1e-4));
    assertThat(e.high()).isCloseTo(0.8090, within(1e-4));
    ProportionDifference f = ProportionDifference.of(5, 10, 6, 10);
    assertThat(f.significant()).isFalse();
    assertThat(f.low()).isNegative();
    assertThat(f.high()).isPositive();
    assertThat(ProportionDifference.of(0, 0, 3, 10).difference()).isNull();
  }

  @Test
  @DisplayName("Revenue at risk is loss × the affected customers' own monthly spend, and noise never outranks a significant item")
  void revenueAtRisk() {
    // A customer with 12 orders of 50 over a year (365 days to the end of the horizon): 600 × 30/365.
    assertThat(RevenueAtRisk.monthlySpend(600, 365, 90)).isCloseTo(600 * 30 / 365.0, within(1e-9));
    // One order of 80 five days before answering: history 95 days with a 90-day horizon.
    assertThat(RevenueAtRisk.monthlySpend(80, 95, 90)).isCloseTo(80 * 30 / 95.0, within(1e-9));
    // A history shorter than the horizon counts as one horizon: no week-old buyer at an order a week.
    assertThat(RevenueAtRisk.monthlySpend(80, 7, 90)).isCloseTo(80 * 30 / 90.0, within(1e-9));
    assertThat(RevenueAtRisk.monthlySpend(0, 400, 90)).isZero();
    assertThat(RevenueAtRisk.perMonth(0.15, 600 * 30 / 365.0 + 80 * 30 / 95.0))
        .isCloseTo(0.15 * (49.3150684931507 + 25.2631578947368), within(1e-9));
    assertThat(RevenueAtRisk.perMonth(null, 80.0)).isNull();
    var ranked = RevenueAtRisk.rank(List.of(
        new RevenueAtRisk.Item<>("noise", false, 9_000.0, 900),
        new RevenueAtRisk.Item<>("small", true, 100.0, 50),
        new RevenueAtRisk.Item<>("big", true, 800.0, 40),
        new RevenueAtRisk.Item<>("rare", false, null, 3)));
    assertThat(ranked).extracting(RevenueAtRisk.Item::value).containsExactly("big", "small", "noise", "rare");
  }

  @Test
  @DisplayName("Earned growth of a hand-computed example: NRR 90%, ENC 20%, earned growth 10%")
  void earnedGrowth() {
    // Period 0: a 100, b 100, c 50 (250). Period 1: a 120, b 0 (gone), c 105 → retained 225;
    // d new and referred 50; e new, not referred, 30; revenue 305.
    // NRR = 225/250 = 90%, ENC = 50/250 = 20%, earned growth = 90 + 20 − 100 = 10%.
    var p0 = Map.of("a", new EarnedGrowth.CustomerPeriod(100, true, false),
        "b", new EarnedGrowth.CustomerPeriod(100, true, false),
        "c", new EarnedGrowth.CustomerPeriod(50, false, false));
    var p1 = Map.of("a", new EarnedGrowth.CustomerPeriod(120, false, false),
        "c", new EarnedGrowth.CustomerPeriod(105, false, false),
        "d", new EarnedGrowth.CustomerPeriod(50, true, true),
        "e", new EarnedGrowth.CustomerPeriod(30, true, false));
    var p2 = Map.<String, EarnedGrowth.CustomerPeriod>of();
    List<EarnedGrowth.Period> out = EarnedGrowth.compute(List.of(p0, p1, p2));
    assertThat(out).hasSize(2);
    EarnedGrowth.Period one = out.get(0);
    assertThat(one.revenue()).isEqualTo(305.0);
    assertThat(one.nrr()).isCloseTo(90.0, within(1e-9));
    assertThat(one.enc()).isCloseTo(20.0, within(1e-9));
    assertThat(one.earnedGrowth()).isCloseTo(10.0, within(1e-9));
    assertThat(one.retainedCustomers()).isEqualTo(2);
    assertThat(one.earnedNewCustomers()).isEqualTo(1);
    assertThat(one.newCustomers()).isEqualTo(2);
    // Nothing in period 2: NRR 0%, ENC 0%, earned growth −100%.
    assertThat(out.get(1).nrr()).isEqualTo(0.0);
    assertThat(out.get(1).earnedGrowth()).isEqualTo(-100.0);
    // No previous revenue: undefined, not 0.
    assertThat(EarnedGrowth.compute(List.of(p2, p1)).get(0).nrr()).isNull();
  }
}
