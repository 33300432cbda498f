package io.cxpulse.score;

/**
 * The change of NPS from a previous period to the current one, as a manager reads it: the delta,
 * the pooled score z of {@link NpsComparison}, and whether it is significant at 95%. Below the
 * low-confidence minimum n (in either period) no significance is claimed, whatever z says.
 *
 * @param delta         current minus previous score in NPS points; null when either n = 0
 * @param z             null when either n = 0
 * @param significant   {@code |z| > 1.98} and both periods have at least the minimum n
 * @param insufficientN either period has fewer than the minimum n responses
 */
public record NpsChange(Double delta, Double z, boolean significant, boolean insufficientN) {

  /** What a page says of the change: {@code insufficient}, {@code up}, {@code down} or {@code flat} (not significant). */
  public String verdict() {
    if (insufficientN || delta == null) return "insufficient";
    if (!significant) return "flat";
    return delta > 0 ? "up" : "down";
  }

  public static NpsChange of(NpsScore current, NpsScore previous, int minN) {
    boolean insufficient = current.n() < minN || previous.n() < minN;
    NpsComparison c = NpsComparison.of(current, previous);
    if (c == null) return new NpsChange(null, null, false, insufficient);
    return new NpsChange(c.delta(), c.z(), c.significant() && !insufficient, insufficient);
  }
}
