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
      // Current: n'=103, p'=60.75/103, d'=20.75/103, p'-d' = 40/103 = 0.388350;
      //   v' = (81.5/103) - (40/103)^2 = 0.791262 - 0.150815 = 0.640447; v'/n' = 0.00621793.
      // Previous: p'-d' = 0; v' = 81.5/103 = 0.791262; v'/n' = 0.00768216.
      // z = 0.388350 / sqrt(0.01390009) = 0.388350 / 0.117899 = 3.29393
      NpsChange c = NpsChange.of(NpsScore.of(hist(60, 20, 20), 30), NpsScore.of(hist(40, 20, 40), 30), 30);
      assertThat(c.delta()).isCloseTo(40.0, within(1e-9));
      assertThat(c.z()).isCloseTo(3.29393, within(1e-4));
      assertThat(c.significant()).isTrue();
      assertThat(c.insufficientN()).isFalse();
    }

    @Test
    @DisplayName("a small difference is not significant: 45/30/25 vs 40/30/30, z = 0.8508")
    void notSignificant() {
      // p'-d' current 20/103 = 0.194175, v' = 71.5/103 - 0.037704 = 0.656475, /103 = 0.00637354
      // previous 10/103 = 0.097087, v' = 71.5/103 - 0.009426 = 0.684757, /103 = 0.00664813
      // z = 0.097087 / sqrt(0.01302167) = 0.097087 / 0.114113 = 0.85080
      NpsChange c = NpsChange.of(NpsScore.of(hist(45, 30, 25), 30), NpsScore.of(hist(40, 30, 30), 30), 30);
      assertThat(c.delta()).isCloseTo(10.0, within(1e-9));
      assertThat(c.z()).isCloseTo(0.85080, within(1e-4));
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
      assertThat(TargetStatus.of(40.0, 40.0, 8.0)).isEqualTo(TargetStatus.GREEN);
      assertThat(TargetStatus.of(55.0, 40.0, null)).isEqualTo(TargetStatus.GREEN);
    }

    @Test
    @DisplayName("below by at most max(MoE, 5) is amber; further below is red")
    void amberAndRed() {
      assertThat(TargetStatus.of(35.0, 40.0, 2.0)).isEqualTo(TargetStatus.AMBER);   // 5 below, band 5
      assertThat(TargetStatus.of(34.9, 40.0, 2.0)).isEqualTo(TargetStatus.RED);     // 5.1 below, band 5
      assertThat(TargetStatus.of(32.0, 40.0, 8.5)).isEqualTo(TargetStatus.AMBER);   // 8 below, band 8.5
      assertThat(TargetStatus.of(31.0, 40.0, 8.5)).isEqualTo(TargetStatus.RED);     // 9 below
      assertThat(TargetStatus.of(80.0, 85.0, null)).isEqualTo(TargetStatus.AMBER);  // CSAT: no MoE, band 5
    }

    @Test
    @DisplayName("no score (n = 0) or no target: none")
    void none() {
      assertThat(TargetStatus.of(null, 40.0, null)).isEqualTo(TargetStatus.NONE);
      assertThat(TargetStatus.of(50.0, null, 3.0)).isEqualTo(TargetStatus.NONE);
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
