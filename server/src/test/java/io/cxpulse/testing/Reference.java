package io.cxpulse.testing;

import java.util.List;
import org.apache.commons.math3.distribution.HypergeometricDistribution;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * The statistics behind the product's claims, implemented again for the tests from their
 * published definitions, with Apache Commons Math for the distributions: the expected values of
 * tests and the labels of the null simulations never come from the code under test
 * ({@code io.cxpulse.score}). Fractions 0..1 unless said otherwise.
 */
public final class Reference {
  public static final double Z = 1.96;

  private Reference() {}

  /** Wilson's score interval for k of n (n may be an effective, fractional size). */
  public static double[] wilson(double k, double n) {
    double p = k / n, z2 = Z * Z;
    double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
    double half = Z * Math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n);
    return new double[] {p <= 0 ? 0 : centre - half, p >= 1 ? 1 : centre + half};
  }

  /** NPS points: {score, moe, low, high}, the adjusted-Wald interval (Rocks 2016) widened to contain the score. */
  public static double[] nps(long promoters, long passives, long detractors) {
    double n = promoters + passives + detractors, n3 = n + 3;
    double p = (promoters + 0.75) / n3, d = (detractors + 0.75) / n3;
    double moe = 100 * Z * Math.sqrt((p + d - (p - d) * (p - d)) / n3);
    double score = 100 * (promoters - detractors) / n, centre = 100 * (p - d);
    return new double[] {score, moe, Math.min(score, Math.max(-100, centre - moe)),
        Math.max(score, Math.min(100, centre + moe))};
  }

  /**
   * The critical |z| of the NPS change test: 1.98, not 1.96, because the test is discrete. Its
   * exact size, enumerated over every pair of outcomes for n from 30 to 100 and shares on a 0.05
   * grid, is at most 4.86% at 1.98 but 5.07% at 1.97 and 5.13% at 1.96.
   */
  public static final double CHANGE_CRITICAL = 1.98;

  /** The pooled two-sample z of an NPS change with the N − 1 correction. */
  public static double npsChangeZ(long p1, long d1, long n1, long p2, long d2, long n2) {
    double total = n1 + n2, p = (p1 + p2) / total, d = (d1 + d2) / total;
    double v = (p + d - (p - d) * (p - d)) * total / (total - 1);
    double diff = (double) (p1 - d1) / n1 - (double) (p2 - d2) / n2;
    return v <= 0 ? 0 : diff / Math.sqrt(v * (1.0 / n1 + 1.0 / n2));
  }

  /** One stratum: k_a of n_a against k_b of n_b. */
  public record Table(long ka, long na, long kb, long nb) {}

  /** {difference, low, high}: MH-weighted difference a − b with the stratified Newcombe interval (Yan and Su 2010). */
  public static double[] newcombe(List<Table> strata) {
    double total = 0;
    for (Table t : strata) if (t.na() > 0 && t.nb() > 0) total += (double) t.na() * t.nb() / (t.na() + t.nb());
    double pa = 0, pb = 0, sa = 0, sb = 0;
    for (Table t : strata) {
      if (t.na() == 0 || t.nb() == 0) continue;
      double w = (double) t.na() * t.nb() / (t.na() + t.nb()) / total;
      pa += w * t.ka() / t.na();
      pb += w * t.kb() / t.nb();
      sa += w * w / t.na();
      sb += w * w / t.nb();
    }
    double neA = 1 / sa, neB = 1 / sb;
    double[] a = wilson(pa * neA, neA), b = wilson(pb * neB, neB);
    double d = pa - pb;
    return new double[] {d, d - Math.hypot(pa - a[0], b[1] - pb), d + Math.hypot(a[1] - pa, pb - b[0])};
  }

  /** {P(T ≤ t), P(T ≥ t), two-sided p by doubling}: the exact conditional test, T = Σ k_a given the margins. */
  public static double[] exactP(List<Table> strata) {
    double[] dist = {1};
    int offset = 0, observed = 0;
    for (Table t : strata) {
      if (t.na() == 0 || t.nb() == 0) continue;
      int n = (int) (t.na() + t.nb()), successes = (int) (t.ka() + t.kb()), na = (int) t.na();
      HypergeometricDistribution h = new HypergeometricDistribution(null, n, successes, na);
      int lo = h.getSupportLowerBound(), hi = h.getSupportUpperBound();
      double[] p = new double[hi - lo + 1];
      double max = 0;
      for (int x = lo; x <= hi; x++) max = Math.max(max, p[x - lo] = h.probability(x));
      // Only the part of the support with any mass (≥ 1e−22 of the mode) enters the convolution.
      int from = 0, to = p.length - 1;
      while (p[from] < 1e-22 * max) from++;
      while (p[to] < 1e-22 * max) to--;
      double[] next = new double[dist.length + to - from];
      for (int i = 0; i < dist.length; i++) {
        for (int x = from; x <= to; x++) next[i + x - from] += dist[i] * p[x];
      }
      lo += from;
      dist = next;
      offset += lo;
      observed += (int) t.ka();
    }
    double lower = 0, upper = 0;
    for (int i = 0; i < dist.length; i++) {
      if (i + offset <= observed) lower += dist[i];
      if (i + offset >= observed) upper += dist[i];
    }
    return new double[] {lower, upper, Math.min(1, 2 * Math.min(lower, upper))};
  }

  /** {mean, low, high}: Student's t interval of a rating mean from its histogram (index 0 = rating 1), clipped. */
  public static double[] tInterval(long[] histogram) {
    double n = 0, sum = 0;
    for (int i = 0; i < histogram.length; i++) {
      n += histogram[i];
      sum += (i + 1) * histogram[i];
    }
    double mean = sum / n, squares = 0;
    for (int i = 0; i < histogram.length; i++) squares += histogram[i] * (i + 1 - mean) * (i + 1 - mean);
    double half = new TDistribution(null, n - 1).inverseCumulativeProbability(0.975) * Math.sqrt(squares / (n - 1) / n);
    return new double[] {mean, Math.max(1, mean - half), Math.min(histogram.length, mean + half)};
  }

  /** One reason item's counts for {@link #quadrants}. */
  public record Item(String code, boolean levelTwo, long promoters, long passives, long detractors) {
    long n() {
      return promoters + passives + detractors;
    }
  }

  /**
   * The quadrant each item is placed in, or "uncertain" (null for an item nobody chose): split at
   * the mean attention and mean sub-NPS of the chosen items of its level; placed only when the
   * Wilson interval of its attention and the (widened) adjusted-Wald interval of its sub-NPS both
   * lie off the splits.
   */
  public static List<String> quadrants(long respondents, List<Item> items) {
    double[][] sums = new double[2][3];
    for (Item i : items) {
      if (i.n() == 0 || respondents == 0) continue;
      double[] s = sums[i.levelTwo() ? 1 : 0];
      s[0] += (double) i.n() / respondents;
      s[1] += nps(i.promoters(), i.passives(), i.detractors())[0];
      s[2]++;
    }
    List<String> out = new java.util.ArrayList<>();
    for (Item i : items) {
      if (i.n() == 0 || respondents == 0) {
        out.add(null);
        continue;
      }
      double[] s = sums[i.levelTwo() ? 1 : 0];
      double attentionSplit = s[0] / s[2], subNpsSplit = s[1] / s[2];
      double attention = (double) i.n() / respondents;
      double[] w = wilson(i.n(), respondents);
      double[] sub = nps(i.promoters(), i.passives(), i.detractors());
      boolean high = attention >= attentionSplit - 1e-9, good = sub[0] >= subNpsSplit - 1e-9;
      boolean placed = (w[0] > attentionSplit || w[1] < attentionSplit) && (sub[2] > subNpsSplit || sub[3] < subNpsSplit);
      out.add(!placed ? "uncertain" : high ? (good ? "keep" : "fix-first") : (good ? "polish" : "watch"));
    }
    return out;
  }
}
