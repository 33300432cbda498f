package io.cxpulse.score;

/**
 * A share k/n with its 95% Wilson score interval (Wilson 1927; Newcombe, Statistics in Medicine
 * 17, 1998), which keeps its coverage near 0 and 1 and at small n where the Wald interval
 * collapses to a point. Fractions 0..1; with n = 0 the rate and interval are null, never 0.
 */
public record Proportion(long k, long n, Double rate, Double low, Double high) {
  static final double Z95 = 1.96;

  public static Proportion of(long k, long n) {
    if (k < 0 || n < 0 || k > n) throw new IllegalArgumentException("need 0 <= k <= n, got k=" + k + " n=" + n);
    if (n == 0) return new Proportion(0, 0, null, null, null);
    double p = (double) k / n;
    double z2 = Z95 * Z95;
    double denom = 1 + z2 / n;
    double centre = (p + z2 / (2.0 * n)) / denom;
    double half = Z95 * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / denom;
    // Exact bounds at the edges: rounding must not put 0 outside an interval for k = 0.
    double low = k == 0 ? 0 : Math.max(0, centre - half);
    double high = k == n ? 1 : Math.min(1, centre + half);
    return new Proportion(k, n, p, low, high);
  }
}
