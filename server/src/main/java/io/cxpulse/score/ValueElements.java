package io.cxpulse.score;

/** Whether a value element is delivered: at least 50% of its 0–10 ratings above 7. */
public final class ValueElements {

  private ValueElements() {
  }

  /** @param hist11 counts for the ratings 0..10 */
  public static ValueElementScore of(String code, long[] hist11) {
    Histograms.check(hist11, 11, "value element");
    long n = Histograms.total(hist11);
    if (n == 0) {
      return new ValueElementScore(code, 0, null, null);
    }
    long above7 = Histograms.sum(hist11, 8, 11);
    // Decided on the counts, so that exactly half is delivered whatever the share rounds to.
    return new ValueElementScore(code, n, Histograms.percent(above7, n), 2 * above7 >= n);
  }
}
