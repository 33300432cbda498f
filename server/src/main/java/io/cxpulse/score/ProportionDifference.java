package io.cxpulse.score;

/**
 * The difference a − b of two independent proportions with its 95% interval by Newcombe's hybrid
 * score method (method 10 in Newcombe, Statistics in Medicine 17, 1998), built from the two
 * Wilson intervals. It keeps its coverage with small groups and rates near 0 or 1, where the
 * Wald interval for a difference is too narrow. {@code significant} when the interval excludes 0.
 * Null difference and interval when either group is empty.
 */
public record ProportionDifference(Proportion a, Proportion b, Double difference, Double low, Double high,
                                   boolean significant) {

  public static ProportionDifference of(long ka, long na, long kb, long nb) {
    Proportion a = Proportion.of(ka, na);
    Proportion b = Proportion.of(kb, nb);
    if (na == 0 || nb == 0) return new ProportionDifference(a, b, null, null, null, false);
    double d = a.rate() - b.rate();
    double low = d - Math.sqrt(square(a.rate() - a.low()) + square(b.high() - b.rate()));
    double high = d + Math.sqrt(square(a.high() - a.rate()) + square(b.rate() - b.low()));
    return new ProportionDifference(a, b, d, low, high, low > 0 || high < 0);
  }

  private static double square(double x) {
    return x * x;
  }
}
