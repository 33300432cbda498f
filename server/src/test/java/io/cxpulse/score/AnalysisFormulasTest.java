package io.cxpulse.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("Analysis formulas: NPS change, target status, segment ranking")
class AnalysisFormulasTest {

  /** A histogram with P promoters (10), Pa passives (8), D detractors (0). */
  private static long[] hist(long promoters, long passives, long detractors) {
    long[] h = new long[11];
    h[10] = promoters;
    h[8] = passives;
    h[0] = detractors;
    return h;
  }

  @Nested
  @DisplayName("NpsChange")
  class Change {
    @Test
    @DisplayName("60/20/20 (n=100) against 40/20/40 (n=100): delta 40, z by hand 3.2939, significant")
    void significant() {
      // Pooled score test: p = 100/200 = 0.5, d = 60/200 = 0.3, v = 0.8 − 0.04 = 0.76;
      // z = (0.4 − 0) / sqrt(0.76 · 200/199 · (1/100 + 1/100)) = 0.4 / 0.123596 = 3.23631
      NpsChange c = NpsChange.of(NpsScore.of(hist(60, 20, 20), 30), NpsScore.of(hist(40, 20, 40), 30), 30);
      assertThat(c.delta()).isCloseTo(40.0, within(1e-9));
      assertThat(c.z()).isCloseTo(3.23631, within(1e-4));
      assertThat(c.significant()).isTrue();
      assertThat(c.insufficientN()).isFalse();
    }

    @Test
    @DisplayName("a small difference is not significant: 45/30/25 vs 40/30/30, z = 0.8508")
    void notSignificant() {
      // p = 85/200 = 0.425, d = 55/200 = 0.275, v = 0.7 − 0.0225 = 0.6775;
      // z = (0.2 − 0.1) / sqrt(0.6775 · 200/199 · 0.02) = 0.1 / 0.116697 = 0.85692
      NpsChange c = NpsChange.of(NpsScore.of(hist(45, 30, 25), 30), NpsScore.of(hist(40, 30, 30), 30), 30);
      assertThat(c.delta()).isCloseTo(10.0, within(1e-9));
      assertThat(c.z()).isCloseTo(0.85692, within(1e-4));
      assertThat(c.significant()).isFalse();
    }

    @Test
    @DisplayName("below the minimum n no significance is claimed even for a large z, and it says why")
    void insufficientN() {
      // All 20 promoters vs all 20 detractors: z is large, but n = 20 < 30.
      NpsChange c = NpsChange.of(NpsScore.of(hist(20, 0, 0), 30), NpsScore.of(hist(0, 0, 20), 30), 30);
      assertThat(c.delta()).isEqualTo(200.0);
      assertThat(Math.abs(c.z())).isGreaterThan(1.96);
      assertThat(c.significant()).isFalse();
      assertThat(c.insufficientN()).isTrue();
    }

    @Test
    @DisplayName("n = 0 in either period: delta and z undefined, not significant")
    void empty() {
      NpsChange c = NpsChange.of(NpsScore.of(new long[11], 30), NpsScore.of(hist(1, 0, 0), 30), 30);
      assertThat(c.delta()).isNull();
      assertThat(c.z()).isNull();
      assertThat(c.significant()).isFalse();
      assertThat(c.insufficientN()).isTrue();
    }

    @Test
    @DisplayName("one response each, both promoters: delta 0, z 0")
    void oneResponse() {
      NpsChange c = NpsChange.of(NpsScore.of(hist(1, 0, 0), 1), NpsScore.of(hist(1, 0, 0), 1), 1);
      assertThat(c.delta()).isEqualTo(0.0);
      assertThat(c.z()).isEqualTo(0.0);
      assertThat(c.significant()).isFalse();
      assertThat(c.insufficientN()).isFalse();
    }
  }

  @Nested
  @DisplayName("TargetStatus")
  class Targets {
    @Test
    @DisplayName("at or above target is green, exactly at target too")
    void green() {
      assertThat(TargetStatus.of(40.0, 48.0, 40.0)).isEqualTo(TargetStatus.GREEN);
      assertThat(TargetStatus.of(55.0, null, 40.0)).isEqualTo(TargetStatus.GREEN);
    }

    @Test
    @DisplayName("red needs both: more than 5 points below, and the interval's upper end below the target")
    void amberAndRed() {
      assertThat(TargetStatus.of(35.0, 37.0, 40.0)).isEqualTo(TargetStatus.AMBER);   // 5 below: a small miss
      assertThat(TargetStatus.of(34.9, 36.9, 40.0)).isEqualTo(TargetStatus.RED);     // 5.1 below, interval below
      assertThat(TargetStatus.of(32.0, 40.5, 40.0)).isEqualTo(TargetStatus.AMBER);   // 8 below, interval reaches 40.5
      assertThat(TargetStatus.of(31.0, 39.5, 40.0)).isEqualTo(TargetStatus.RED);     // 9 below, interval ends at 39.5
      assertThat(TargetStatus.of(80.0, null, 85.0)).isEqualTo(TargetStatus.AMBER);   // no interval: never red
    }

    @Test
    @DisplayName("NPS: the upper end is the larger of the interval's and score + MoE; CSAT: the exact binomial test")
    void typed() {
      // 30 responses, 12 promoters, 6 detractors: score 20; n' = 33, p' = 12.75/33, d' = 6.75/33,
      // p' = 0.386364, d' = 0.204545, v' = 0.590909 − 0.033058 = 0.557851; MoE = 196·√(0.557851/33) = 25.483;
      // centre 100·6/33 = 18.182, interval [−7.30, 43.66]; score + MoE = 45.48 is the upper end used.
      long[] h = new long[11];
      h[10] = 12;
      h[8] = 12;
      h[0] = 6;
      NpsScore nps = NpsScore.of(h, 30);
      assertThat(TargetStatus.judge(nps, 45.0, 30)).isEqualTo(TargetStatus.AMBER);   // 45 < 45.48
      assertThat(TargetStatus.judge(nps, 46.0, 30)).isEqualTo(TargetStatus.RED);
      assertThat(TargetStatus.judge(nps, 46.0, 31)).isEqualTo(TargetStatus.INSUFFICIENT);
      assertThat(TargetStatus.judge(nps, null, 30)).isEqualTo(TargetStatus.NONE);
      // CSAT 30 ratings, 21 of them 4–5: top-2 70%. P(X ≤ 21 | 30, 0.85) = 0.02778 is not below
      // 0.025; P(X ≤ 21 | 30, 0.86) = 0.01838 is (the Clopper–Pearson upper end is 85.27%), although
      // Wilson's upper end, 83.34%, is below both targets.
      CsatScore csat = CsatScore.of(new long[] {3, 3, 3, 10, 11});
      assertThat(TargetStatus.judge(csat, 85.0, 30)).isEqualTo(TargetStatus.AMBER);
      assertThat(TargetStatus.judge(csat, 86.0, 30)).isEqualTo(TargetStatus.RED);
    }

    @Test
    @DisplayName("no score (n = 0) or no target: none")
    void none() {
      assertThat(TargetStatus.of(null, null, 40.0)).isEqualTo(TargetStatus.NONE);
      assertThat(TargetStatus.of(50.0, 53.0, null)).isEqualTo(TargetStatus.NONE);
    }
  }

  @Nested
  @DisplayName("SegmentRanking")
  class Ranking {
    @Test
    @DisplayName("ranks by score, equal scores share a rank and the larger n goes first; below the privacy minimum is hidden")
    void ranks() {
      Map<String, long[]> h = new LinkedHashMap<>();
      h.put("s1", hist(10, 0, 0));  // 100, n 10
      h.put("s2", hist(5, 5, 0));   // 50, n 10
      h.put("s3", hist(10, 10, 0)); // 50, n 20
      h.put("s4", hist(0, 0, 6));   // -100, n 6
      h.put("s5", hist(4, 0, 0));   // n 4 < 5: hidden
      h.put("s6", new long[11]);    // nobody: neither listed nor counted as hidden
      SegmentRanking r = SegmentRanking.of(h, 30, 5);
      assertThat(r.hidden()).isEqualTo(1);
      assertThat(r.entries()).extracting(SegmentRanking.Entry::value).containsExactly("s1", "s3", "s2", "s4");
      assertThat(r.entries()).extracting(SegmentRanking.Entry::rank).containsExactly(1, 2, 2, 4);
      assertThat(r.entries().get(0).nps().lowConfidence()).isTrue();
      assertThat(r.entries().get(3).nps().score()).isEqualTo(-100.0);
    }

    @Test
    @DisplayName("exactly the privacy minimum is shown; nothing at all gives an empty board")
    void edges() {
      assertThat(SegmentRanking.of(Map.of("a", hist(5, 0, 0)), 30, 5).entries()).hasSize(1);
      SegmentRanking empty = SegmentRanking.of(Map.of(), 30, 5);
      assertThat(empty.entries()).isEmpty();
      assertThat(empty.hidden()).isZero();
    }
  }
}
