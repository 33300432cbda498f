package io.cxpulse.score;

/**
 * The few distribution functions the intervals and exact tests need, in plain Java: the log of
 * the gamma function (Lanczos, g = 7, n = 9: about 15 significant digits), the regularized
 * incomplete beta function (continued fraction, modified Lentz), Student's t quantile, the
 * binomial distribution function, and the hypergeometric probabilities of a 2×2 table with fixed
 * margins.
 */
final class Distributions {
  private static final double[] LANCZOS = {
      0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
      -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
      1.5056327351493116e-7};

  private Distributions() {}

  static double logGamma(double x) {
    if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
    x -= 1;
    double a = LANCZOS[0];
    double t = x + 7.5;
    for (int i = 1; i < 9; i++) a += LANCZOS[i] / (x + i);
    return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
  }

  /** I_x(a, b), the regularized incomplete beta function. */
  static double regularizedBeta(double x, double a, double b) {
    if (x <= 0) return 0;
    if (x >= 1) return 1;
    double front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x));
    // The continued fraction converges fast for x < (a + 1)/(a + b + 2); use the symmetry otherwise.
    if (x < (a + 1) / (a + b + 2)) return front * betaFraction(x, a, b) / a;
    return 1 - front * betaFraction(1 - x, b, a) / b;
  }

  private static double betaFraction(double x, double a, double b) {
    final double tiny = 1e-300;
    double c = 1, d = 1 - (a + b) * x / (a + 1);
    if (Math.abs(d) < tiny) d = tiny;
    d = 1 / d;
    double h = d;
    for (int m = 1; m <= 500; m++) {
      double aa = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m));
      d = 1 + aa * d;
      if (Math.abs(d) < tiny) d = tiny;
      c = 1 + aa / c;
      if (Math.abs(c) < tiny) c = tiny;
      d = 1 / d;
      h *= d * c;
      aa = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1));
      d = 1 + aa * d;
      if (Math.abs(d) < tiny) d = tiny;
      c = 1 + aa / c;
      if (Math.abs(c) < tiny) c = tiny;
      d = 1 / d;
      double del = d * c;
      h *= del;
      if (Math.abs(del - 1) < 1e-15) break;
    }
    return h;
  }

  /** P(X ≤ k) for X binomial(n, p): I_{1−p}(n − k, k + 1). */
  static double binomialCdf(long k, long n, double p) {
    if (k < 0) return 0;
    if (k >= n) return 1;
    return regularizedBeta(1 - p, n - k, k + 1.0);
  }

  /** P(T ≤ t) for Student's t with {@code df} degrees of freedom. */
  static double studentCdf(double t, double df) {
    double tail = 0.5 * regularizedBeta(df / (df + t * t), df / 2, 0.5);
    return t >= 0 ? 1 - tail : tail;
  }

  /** The t with P(T ≤ t) = p, 0.5 ≤ p < 1, by bisection on the distribution function (to 1e-12). */
  static double studentQuantile(double p, double df) {
    if (p < 0.5 || p >= 1) throw new IllegalArgumentException("need 0.5 <= p < 1, got " + p);
    double low = 0, high = 1;
    while (studentCdf(high, df) < p) high *= 2;
    for (int i = 0; i < 200 && high - low > 1e-12; i++) {
      double mid = (low + high) / 2;
      if (studentCdf(mid, df) < p) low = mid;
      else high = mid;
    }
    return (low + high) / 2;
  }

  /** Probabilities p[i] = P(x = lo + i) over the part of the support that carries any mass. */
  record Support(long lo, double[] p) {}

  /**
   * The distribution of x, the successes of group a in a 2×2 table with margins fixed: group a
   * of size {@code na}, {@code successes} in all, {@code total} in all. Computed from the mode
   * outwards by the ratio P(x + 1)/P(x) = (K − x)(n_a − x) / ((x + 1)(N − K − n_a + x + 1)) and cut
   * where a probability falls below e^−50 of the mode's (10^−21: no p-value changes), so a stratum
   * of a million customers costs a few thousand steps, not a million, and the convolution of
   * strata stays small.
   */
  static Support hypergeometric(long na, long successes, long total) {
    long lo = Math.max(0, na + successes - total);
    long hi = Math.min(na, successes);
    long mode = Math.min(hi, Math.max(lo, (long) Math.floor((na + 1.0) * (successes + 1.0) / (total + 2.0))));
    final double cut = Math.exp(-50);
    double[] up = new double[16], down = new double[16];
    int nUp = 0, nDown = 0;
    double q = 1;
    for (long x = mode; x < hi; x++) {
      q *= (double) (successes - x) * (na - x) / ((x + 1.0) * (total - successes - na + x + 1.0));
      if (q < cut) break;
      if (nUp == up.length) up = java.util.Arrays.copyOf(up, 2 * nUp);
      up[nUp++] = q;
    }
    q = 1;
    for (long x = mode; x > lo; x--) {
      // P(x − 1)/P(x) is the inverse ratio taken at x − 1.
      q /= (double) (successes - x + 1) * (na - x + 1) / ((double) x * (total - successes - na + x));
      if (q < cut) break;
      if (nDown == down.length) down = java.util.Arrays.copyOf(down, 2 * nDown);
      down[nDown++] = q;
    }
    double[] p = new double[nDown + 1 + nUp];
    double sum = 0;
    for (int i = 0; i < nDown; i++) p[nDown - 1 - i] = down[i];
    p[nDown] = 1;
    for (int i = 0; i < nUp; i++) p[nDown + 1 + i] = up[i];
    for (double v : p) sum += v;
    for (int i = 0; i < p.length; i++) p[i] /= sum;
    return new Support(mode - nDown, p);
  }
}
