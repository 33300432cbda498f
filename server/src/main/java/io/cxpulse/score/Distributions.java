package io.cxpulse.score;

/**
 * The few distribution functions the intervals and exact tests need, in plain Java: the log of
 * the gamma function (Lanczos, g = 7, n = 9: about 15 significant digits), the regularized
 * incomplete beta function (continued fraction, modified Lentz), Student's t quantile, and the
 * hypergeometric probabilities of a 2×2 table with fixed margins.
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

  static double logChoose(long n, long k) {
    return logGamma(n + 1.0) - logGamma(k + 1.0) - logGamma(n - k + 1.0);
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

  /**
   * The distribution of x, the successes of group a in a 2×2 table with margins fixed: group a
   * of size {@code na}, {@code successes} in all, {@code total} in all. Index i holds P(x = lo + i),
   * lo = max(0, na + successes − total).
   */
  static double[] hypergeometric(long na, long successes, long total) {
    long lo = Math.max(0, na + successes - total);
    long hi = Math.min(na, successes);
    double[] p = new double[(int) (hi - lo + 1)];
    double logDenominator = logChoose(total, na);
    double max = Double.NEGATIVE_INFINITY;
    for (long x = lo; x <= hi; x++) {
      double l = logChoose(successes, x) + logChoose(total - successes, na - x) - logDenominator;
      p[(int) (x - lo)] = l;
      max = Math.max(max, l);
    }
    // Normalised so that rounding in the log-gamma function cannot leave a total off 1.
    double sum = 0;
    for (int i = 0; i < p.length; i++) {
      p[i] = Math.exp(p[i] - max);
      sum += p[i];
    }
    for (int i = 0; i < p.length; i++) p[i] /= sum;
    return p;
  }
}
