package io.cxpulse.score;

/**
 * Shared arithmetic over rating histograms, where index i counts the rating
 * {@code firstRating + i}. Ratios are computed here and only here from counts, so every
 * scale reports "undefined" the same way: null when nothing was counted.
 */
final class Histograms {

  private Histograms() {
  }

  /**
   * Rejects a histogram of the wrong scale: a tally of another question passed by mistake
   * would otherwise give a plausible but meaningless score.
   */
  static void check(long[] histogram, int size, String scale) {
    if (histogram == null || histogram.length != size) {
      throw new IllegalArgumentException(scale + " histogram must have " + size + " counts, got "
          + (histogram == null ? "null" : histogram.length));
    }
    for (long count : histogram) {
      if (count < 0) {
        throw new IllegalArgumentException(scale + " histogram has a negative count: " + count);
      }
    }
  }

  /** Sum of the counts at indices {@code from} (inclusive) to {@code to} (exclusive). */
  static long sum(long[] histogram, int from, int to) {
    long sum = 0;
    for (int i = from; i < to; i++) {
      sum += histogram[i];
    }
    return sum;
  }

  static long total(long[] histogram) {
    return sum(histogram, 0, histogram.length);
  }

  static Double mean(long[] histogram, int firstRating, long n) {
    if (n == 0) {
      return null;
    }
    long weighted = 0;
    for (int i = 0; i < histogram.length; i++) {
      weighted += (firstRating + i) * histogram[i];
    }
    // One division of exact integers, so a mean like 153/40 is the double nearest 3.825.
    return (double) weighted / n;
  }

  static Double percent(long part, long n) {
    return n == 0 ? null : 100.0 * part / n;
  }
}
