package io.cxpulse.score;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxpulse.testing.Reference;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.commons.math3.distribution.BinomialDistribution;
import org.apache.commons.math3.special.Gamma;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Every label the product emits, simulated many times in-process with the same {@code score}
 * classes the server uses, on data with no real effect: its false-positive rate must be at most
 * the nominal 5% plus the Monte Carlo tolerance. And on data with a stated real effect the label
 * must appear (power). Seeded and deterministic; the whole class runs in a few seconds.
 *
 * <p><b>Tolerance.</b> Each setting runs {@value #SIMS} replications. If a label's true
 * false-positive rate were exactly 5%, the measured rate would have standard error
 * √(0.05·0.95/{@value #SIMS}) = 0.345 points; the test allows 3 of them, so the bound is 6.03%.
 * A label that truly held 5% fails it with probability 0.13%; one whose true rate is 7% passes it
 * with probability under 1%, and the 9–15% of the Wald ranking would never pass. The
 * simulations are seeded, so the outcome is the same on every run.
 *
 * <p>The labels are also recomputed on the first replications of each setting by the independent
 * implementation of {@link Reference}: the simulated label is the rule the documentation states.
 *
 * <p>The measured table is written to {@code target/null-simulation.md}.
 */
@DisplayName("Null simulation: each label's false-positive rate ≤ 5% + tolerance at small and large n, and power for a stated effect")
class NullSimulationTest {
  static final int SIMS = 4000;
  static final double NOMINAL = 0.05;
  static final double BOUND = NOMINAL + 3 * Math.sqrt(NOMINAL * (1 - NOMINAL) / SIMS);
  /** Replications per setting also checked against the independent implementation. */
  static final int CROSS_CHECKED = 200;
  static final int MIN_N = 30;

  record Row(String label, String setting, long sims, long hits, String kind) {
    double rate() {
      return (double) hits / sims;
    }
  }

  static final List<Row> TABLE = new ArrayList<>();

  static double record(String label, String setting, long sims, long hits, String kind) {
    TABLE.add(new Row(label, setting, sims, hits, kind));
    return (double) hits / sims;
  }

  @AfterAll
  static void writeTable() {
    StringBuilder out = new StringBuilder("| label | nominal | setting | kind | rate | sims |\n|---|---|---|---|---|---|\n");
    for (Row r : TABLE) {
      out.append(String.format(Locale.ROOT, "| %s | 5%% | %s | %s | %.2f%% (%d) | %d |%n", r.label(), r.setting(), r.kind(),
          100 * r.rate(), r.hits(), r.sims()));
    }
    System.out.println(out);
    try {
      Path target = Path.of("target");
      Files.createDirectories(target);
      Files.writeString(target.resolve("null-simulation.md"), out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---- sampling

  static int binomial(SplittableRandom random, int n, double p) {
    int k = 0;
    for (int i = 0; i < n; i++) if (random.nextDouble() < p) k++;
    return k;
  }

  /** {promoters, passives, detractors} of n respondents. */
  static long[] categories(SplittableRandom random, int n, double promoters, double detractors) {
    long p = 0, d = 0;
    for (int i = 0; i < n; i++) {
      double u = random.nextDouble();
      if (u < promoters) p++;
      else if (u < promoters + detractors) d++;
    }
    return new long[] {p, n - p - d, d};
  }

  static NpsScore nps(long[] c) {
    return NpsScore.ofCategories(c[0], c[1], c[2], MIN_N);
  }

  // ---- NPS change

  @Test
  @DisplayName("NPS change 'significant' (compare=previous): ≤ 5% at NPS −85 to +88 and n 30 to 1000; near 5% at NPS 88, n 30; power 20 points at n 300")
  void npsChange() {
    double[][] shares = {{0.9, 0.02}, {0.5, 0.2}, {0.3, 0.3}, {0.05, 0.9}};
    int[][] sizes = {{30, 30}, {100, 100}, {1000, 1000}, {30, 300}};
    SplittableRandom random = new SplittableRandom(14_001);
    for (double[] s : shares) {
      for (int[] n : sizes) {
        long hits = 0;
        for (int i = 0; i < SIMS; i++) {
          long[] a = categories(random, n[0], s[0], s[1]), b = categories(random, n[1], s[0], s[1]);
          NpsChange change = NpsChange.of(nps(a), nps(b), MIN_N);
          if (change.significant()) hits++;
          if (i < CROSS_CHECKED) {
            double z = Reference.npsChangeZ(a[0], a[2], n[0], b[0], b[2], n[1]);
            assertThat(change.significant()).isEqualTo(Math.abs(z) > Reference.CHANGE_CRITICAL);
          }
        }
        String setting = String.format(Locale.ROOT, "NPS %.0f, n %d vs %d", 100 * (s[0] - s[1]), n[0], n[1]);
        double rate = record("NPS change significant", setting, SIMS, hits, "null");
        assertThat(rate).as(setting).isLessThanOrEqualTo(BOUND);
        if (s[0] == 0.9 && n[0] == 30 && n[1] == 30) {
          // The finding: the adjusted-Wald z gave 0.5% here; the pooled test is not over-cautious.
          assertThat(rate).as(setting).isGreaterThan(0.03);
        }
      }
    }
    long hits = 0;
    for (int i = 0; i < SIMS; i++) {
      if (NpsChange.of(nps(categories(random, 300, 0.6, 0.1)), nps(categories(random, 300, 0.5, 0.2)), MIN_N).significant()) {
        hits++;
      }
    }
    // Expected power: SE = √((0.45 + 0.61)/300) = 0.0594, z = 0.2/0.0594 = 3.37: about 92%.
    assertThat(record("NPS change significant", "NPS 30 → 50, n 300 vs 300", SIMS, hits, "power")).isGreaterThan(0.85);
  }

  @Test
  @DisplayName("NPS change: the exact level at n 30 vs 30, enumerated over every pair of outcomes, is at most 5% for shares on a 0.1 grid")
  void npsChangeExactLevel() {
    int n = 30;
    // Every outcome (P, D) of one period with its multinomial log-probability's constant part.
    List<long[]> outcomes = new ArrayList<>();
    for (int p = 0; p <= n; p++) for (int d = 0; p + d <= n; d++) outcomes.add(new long[] {p, n - p - d, d});
    boolean[][] significant = new boolean[outcomes.size()][outcomes.size()];
    for (int i = 0; i < outcomes.size(); i++) {
      for (int j = 0; j < outcomes.size(); j++) {
        significant[i][j] = NpsChange.of(nps(outcomes.get(i)), nps(outcomes.get(j)), MIN_N).significant();
      }
    }
    double worst = 0;
    String at = null;
    for (int a = 1; a <= 9; a++) {
      for (int b = 1; a + b <= 9; b++) {
        double pp = a / 10.0, pd = b / 10.0;
        double[] w = new double[outcomes.size()];
        for (int i = 0; i < w.length; i++) {
          long[] c = outcomes.get(i);
          w[i] = Math.exp(Gamma.logGamma(n + 1) - Gamma.logGamma(c[0] + 1) - Gamma.logGamma(c[1] + 1) - Gamma.logGamma(c[2] + 1)
              + c[0] * Math.log(pp) + c[2] * Math.log(pd) + c[1] * Math.log(1 - pp - pd));
        }
        double level = 0;
        for (int i = 0; i < w.length; i++) for (int j = 0; j < w.length; j++) if (significant[i][j]) level += w[i] * w[j];
        if (level > worst) {
          worst = level;
          at = String.format(Locale.ROOT, "promoters %.1f, detractors %.1f", pp, pd);
        }
      }
    }
    TABLE.add(new Row("NPS change significant", "exact level, n 30 vs 30, worst of a 0.1 grid (" + at + ")", 1_000_000,
        Math.round(worst * 1_000_000), "exact"));
    assertThat(worst).as(at).isLessThanOrEqualTo(NOMINAL);
  }

  // ---- target status

  @Test
  @DisplayName("target 'red' (significantly below): ≤ 5% when the true score equals the target, for NPS and CSAT top-2; power 20 points below at n 200")
  void targetRed() {
    SplittableRandom random = new SplittableRandom(14_002);
    // {0.3, 0.05}: the worst case of an exact enumeration over shares in steps of 0.05 and n from
    // 30 to 150 (4.15% at n = 30).
    double[][] shares = {{0.9, 0.02}, {0.5, 0.2}, {0.3, 0.05}, {0.3, 0.3}, {0.05, 0.9}};
    int[] sizes = {30, 100, 1000};
    for (double[] s : shares) {
      double target = 100 * (s[0] - s[1]);
      for (int n : sizes) {
        long hits = 0;
        for (int i = 0; i < SIMS; i++) {
          long[] c = categories(random, n, s[0], s[1]);
          TargetStatus status = TargetStatus.judge(nps(c), target, MIN_N);
          if (status == TargetStatus.RED) hits++;
          if (i < CROSS_CHECKED) {
            double[] r = Reference.nps(c[0], c[1], c[2]);
            boolean red = target - r[0] > 5 && Math.max(r[3], r[0] + r[1]) < target;
            assertThat(status == TargetStatus.RED).isEqualTo(red);
          }
        }
        String setting = String.format(Locale.ROOT, "NPS true = target = %.0f, n %d", target, n);
        assertThat(record("target red (NPS)", setting, SIMS, hits, "null")).as(setting).isLessThanOrEqualTo(BOUND);
      }
    }
    // 95% on 30 ratings: Wilson's upper end as the test gave 6.1% (exact); now the exact binomial test.
    for (double q : new double[] {0.5, 0.85, 0.95}) {
      for (int n : sizes) {
        long hits = 0;
        for (int i = 0; i < SIMS; i++) {
          int top2 = binomial(random, n, q);
          CsatScore csat = CsatScore.of(new long[] {n - top2, 0, 0, 0, top2});
          TargetStatus status = TargetStatus.judge(csat, 100 * q, MIN_N);
          if (status == TargetStatus.RED) hits++;
          if (i < CROSS_CHECKED) {
            double tail = new BinomialDistribution(null, n, q).cumulativeProbability(top2);
            assertThat(status == TargetStatus.RED).isEqualTo(100 * q - 100.0 * top2 / n > 5 && tail < 0.025);
          }
        }
        String setting = String.format(Locale.ROOT, "CSAT top-2 true = target = %.0f%%, n %d", 100 * q, n);
        assertThat(record("target red (CSAT)", setting, SIMS, hits, "null")).as(setting).isLessThanOrEqualTo(BOUND);
      }
    }
    long nps = 0, csat = 0;
    for (int i = 0; i < SIMS; i++) {
      // True NPS 20 (0.4 − 0.2) against a target of 40; true top-2 65% against 85%.
      if (TargetStatus.judge(nps(categories(random, 200, 0.4, 0.2)), 40.0, MIN_N) == TargetStatus.RED) nps++;
      int top2 = binomial(random, 200, 0.65);
      if (TargetStatus.judge(CsatScore.of(new long[] {200 - top2, 0, 0, 0, top2}), 85.0, MIN_N) == TargetStatus.RED) csat++;
    }
    assertThat(record("target red (NPS)", "true NPS 20, target 40, n 200", SIMS, nps, "power")).isGreaterThan(0.8);
    assertThat(record("target red (CSAT)", "true top-2 65%, target 85%, n 200", SIMS, csat, "power")).isGreaterThan(0.95);
  }

  // ---- quadrants and the live alert

  /** One chart: item j chosen by each respondent of category c with probability choose[j][c]. */
  static List<ReasonInput> chart(SplittableRandom random, long[] respondents, double[][] choose) {
    List<ReasonInput> items = new ArrayList<>();
    for (int j = 0; j < choose.length; j++) {
      items.add(new ReasonInput("r" + j, null, binomial(random, (int) respondents[0], choose[j][0]),
          binomial(random, (int) respondents[1], choose[j][1]), binomial(random, (int) respondents[2], choose[j][2])));
    }
    return items;
  }

  static double[][] same(int items, double q) {
    double[][] out = new double[items][];
    for (int j = 0; j < items; j++) out[j] = new double[] {q, q, q};
    return out;
  }

  @Test
  @DisplayName("quadrant labels (REST, /best) and the live fix-first alert: ≤ 5% per item when items do not differ, from 6 to 1000 respondents; power for a real weakness")
  void quadrants() {
    SplittableRandom random = new SplittableRandom(14_003);
    int[] sizes = {6, 30, 100, 1000};
    // Full null: every item chosen with the same probability whatever the score. Partial null:
    // item 0 is really chosen more often (0.6 against 0.2) but scores like the others, so any
    // claim about its sub-NPS side (fix-first, keep) and any side claim of the others is false.
    record Setting(String name, double[][] choose) {}
    List<Setting> settings = List.of(new Setting("2 equal items", same(2, 0.3)), new Setting("5 equal items", same(5, 0.3)),
        new Setting("item 0 chosen 3× as often, equal sub-NPS", new double[][] {{0.6, 0.6, 0.6}, {0.2, 0.2, 0.2},
            {0.2, 0.2, 0.2}, {0.2, 0.2, 0.2}}));
    for (Setting setting : settings) {
      for (int n : sizes) {
        long items = 0, fixFirst = 0, anyPlaced = 0, alerts = 0, alertItems = 0;
        boolean partial = setting.name().startsWith("item 0");
        for (int i = 0; i < SIMS; i++) {
          long[] respondents = categories(random, n, 0.4, 0.3);
          List<ReasonInput> chart = chart(random, respondents, setting.choose());
          List<ReasonScore> scores = ReasonAnalysis.analyse(n, chart);
          for (int j = 0; j < scores.size(); j++) {
            ReasonScore s = scores.get(j);
            if (s.quadrant() == null) continue;
            items++;
            // In the partial null only the attention side of item 0 is real: a quadrant claims a
            // sub-NPS side too, so every placed quadrant is false there as well.
            if (s.quadrant() == Quadrant.FIX_FIRST) fixFirst++;
            if (s.quadrant() != Quadrant.UNCERTAIN) anyPlaced++;
            // The live alert: QuadrantWatch's gates (30 respondents, 10 for the item), then fix-first.
            if (n >= MIN_N && s.n() >= 10) {
              alertItems++;
              if (s.quadrant() == Quadrant.FIX_FIRST) alerts++;
            }
          }
          if (i < CROSS_CHECKED) {
            List<Reference.Item> ref = chart.stream().map(r -> new Reference.Item(r.code(), false, r.promoters(),
                r.passives(), r.detractors())).toList();
            assertThat(scores.stream().map(s -> s.quadrant() == null ? null : s.quadrant().code()).toList())
                .isEqualTo(Reference.quadrants(n, ref));
          }
        }
        String name = setting.name() + ", " + n + " respondents";
        assertThat(record("fix-first quadrant", name, items, fixFirst, "null")).as(name).isLessThanOrEqualTo(BOUND);
        assertThat(record("any quadrant (keep, polish, fix-first, watch)", name, items, anyPlaced, "null")).as(name)
            .isLessThanOrEqualTo(BOUND);
        if (alertItems > 0) {
          assertThat(record("live fix-first alert", name, alertItems, alerts, "null")).as(name).isLessThanOrEqualTo(BOUND);
        }
        if (partial) assertThat(items).isGreaterThan(0);
      }
    }
    // Power: 300 respondents (NPS 10), "r0" chosen by 80% of detractors and 30% of the others (a
    // weakness many raise: attention 0.45, sub-NPS about −27), three more items chosen by 20% of
    // everyone (attention 0.2, sub-NPS 10).
    long fixFirst = 0;
    for (int i = 0; i < SIMS; i++) {
      long[] respondents = categories(random, 300, 0.4, 0.3);
      double[][] choose = {{0.3, 0.3, 0.8}, {0.2, 0.2, 0.2}, {0.2, 0.2, 0.2}, {0.2, 0.2, 0.2}};
      if (ReasonAnalysis.analyse(300, chart(random, respondents, choose)).get(0).quadrant() == Quadrant.FIX_FIRST) fixFirst++;
    }
    String power = "300 respondents; item chosen by 80% of detractors, 30% of others; 3 items at 20%";
    assertThat(record("fix-first quadrant / live alert", power, SIMS, fixFirst, "power")).isGreaterThan(0.8);
  }

  // ---- revenue at risk

  /**
   * Customers of two touchpoints with different outcome rates; in each, {@code raised[t]} raise the
   * item and {@code others[t]} do not; each customer is a promoter, passive or detractor (0.4, 0.3,
   * 0.3) and has the outcome with probability rate[t][category] − (raised ? effect : 0).
   * Returns the strata {touchpoint} and {touchpoint × category} in the loss's orientation (group a
   * = not raised).
   */
  static List<List<MantelHaenszelDifference.Stratum>> customers(SplittableRandom random, int[] raised, int[] others,
      double[][] rate, double effect) {
    List<MantelHaenszelDifference.Stratum> byTouchpoint = new ArrayList<>(), byCategory = new ArrayList<>();
    for (int t = 0; t < raised.length; t++) {
      long[][] counts = new long[3][4];   // category → {n not raised, k not raised, n raised, k raised}
      for (int group = 0; group < 2; group++) {
        int size = group == 0 ? others[t] : raised[t];
        for (int i = 0; i < size; i++) {
          double u = random.nextDouble();
          int c = u < 0.4 ? 0 : u < 0.7 ? 1 : 2;
          counts[c][2 * group]++;
          if (random.nextDouble() < rate[t][c] - (group == 1 ? effect : 0)) counts[c][2 * group + 1]++;
        }
      }
      long na = 0, ka = 0, nb = 0, kb = 0;
      for (long[] c : counts) {
        byCategory.add(new MantelHaenszelDifference.Stratum(c[1], c[0], c[3], c[2]));
        na += c[0];
        ka += c[1];
        nb += c[2];
        kb += c[3];
      }
      byTouchpoint.add(new MantelHaenszelDifference.Stratum(ka, na, kb, nb));
    }
    return List.of(byTouchpoint, byCategory);
  }

  static List<Reference.Table> tables(List<MantelHaenszelDifference.Stratum> strata) {
    return strata.stream().map(s -> new Reference.Table(s.ka(), s.na(), s.kb(), s.nb())).toList();
  }

  @Test
  @DisplayName("revenue at risk: rank (significant loss), significant gain, direct and crude: ≤ 5% with 5 to 300 affected customers; power for a 20-point loss")
  void revenueAtRisk() {
    SplittableRandom random = new SplittableRandom(14_004);
    int[][] raisedSizes = {{3, 2}, {8, 4}, {30, 20}, {150, 150}};
    // Outcome rates by touchpoint and NPS category (promoter, passive, detractor).
    double[][][] rates = {
        {{0.8, 0.6, 0.35}, {0.5, 0.3, 0.15}},
        {{0.98, 0.95, 0.9}, {0.95, 0.9, 0.8}},
        {{0.1, 0.05, 0.02}, {0.2, 0.1, 0.05}}};
    for (double[][] rate : rates) {
      for (int[] raised : raisedSizes) {
        long rank = 0, gain = 0, direct = 0, crude = 0;
        for (int i = 0; i < SIMS; i++) {
          List<List<MantelHaenszelDifference.Stratum>> strata = customers(random, raised, new int[] {150, 150}, rate, 0);
          StratifiedDifference total = StratifiedDifference.of(strata.get(0));
          // The server ranks a significant loss and lists a significant gain (ValueAnalysis); groups
          // of 5 or more (MIN_GROUP) are always met here.
          if (total.significant() && total.difference() > 0) rank++;
          if (total.significant() && total.difference() < 0) gain++;
          if (StratifiedDifference.of(strata.get(1)).significant()) direct++;
          long ka = 0, na = 0, kb = 0, nb = 0;
          for (MantelHaenszelDifference.Stratum s : strata.get(0)) {
            ka += s.ka();
            na += s.na();
            kb += s.kb();
            nb += s.nb();
          }
          ProportionDifference c = ProportionDifference.of(ka, na, kb, nb);
          ExactConditionalTest exact = ExactConditionalTest.of(List.of(new MantelHaenszelDifference.Stratum(ka, na, kb, nb)));
          if (c.significant() && exact.significant()) crude++;
          if (i < CROSS_CHECKED) {
            double[] d = Reference.newcombe(tables(strata.get(0)));
            double[] p = Reference.exactP(tables(strata.get(0)));
            boolean significant = (d[1] > 0 || d[2] < 0) && p[2] < 0.05;
            assertThat(total.significant()).isEqualTo(significant);
            assertThat(total.test().p()).isCloseTo(p[2], org.assertj.core.api.Assertions.within(1e-9));
          }
        }
        String setting = String.format(Locale.ROOT, "%d raised vs 300, rates %.2f–%.2f", raised[0] + raised[1],
            rate[1][2], rate[0][0]);
        assertThat(record("revenue-at-risk rank (total loss)", setting, SIMS, rank, "null")).as(setting).isLessThanOrEqualTo(BOUND);
        assertThat(record("significant gain", setting, SIMS, gain, "null")).as(setting).isLessThanOrEqualTo(BOUND);
        assertThat(record("direct effect significant", setting, SIMS, direct, "null")).as(setting).isLessThanOrEqualTo(BOUND);
        assertThat(record("crude difference significant", setting, SIMS, crude, "null")).as(setting).isLessThanOrEqualTo(BOUND);
      }
    }
    long rank = 0, gain = 0;
    for (int i = 0; i < SIMS; i++) {
      List<List<MantelHaenszelDifference.Stratum>> loss = customers(random, new int[] {50, 50}, new int[] {150, 150}, rates[0], 0.2);
      StratifiedDifference total = StratifiedDifference.of(loss.get(0));
      if (total.significant() && total.difference() > 0) rank++;
      List<List<MantelHaenszelDifference.Stratum>> better = customers(random, new int[] {50, 50}, new int[] {150, 150}, rates[0], -0.2);
      StratifiedDifference t2 = StratifiedDifference.of(better.get(0));
      if (t2.significant() && t2.difference() < 0) gain++;
    }
    assertThat(record("revenue-at-risk rank (total loss)", "100 raised vs 300, 20 points fewer repurchases", SIMS, rank, "power"))
        .isGreaterThan(0.8);
    assertThat(record("significant gain", "100 raised vs 300, 20 points more repurchases", SIMS, gain, "power"))
        .isGreaterThan(0.8);
  }
}
