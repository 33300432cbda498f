package io.cxpulse.score;

/**
 * Where a reason item falls on the MNA chart of attention (x) against sub-NPS (y), split at
 * the means of its level, or {@link #UNCERTAIN} when the data cannot place it.
 */
public enum Quadrant {
  /** High attention, high sub-NPS: a strength many customers notice (稳定保持区). */
  KEEP("keep"),
  /** Low attention, high sub-NPS: a strength few notice yet (锦上添花区). */
  POLISH("polish"),
  /** High attention, low sub-NPS: a weakness many customers raise (亟须改善区). */
  FIX_FIRST("fix-first"),
  /** Low attention, low sub-NPS: a weakness few raise, for now (长期关注区). */
  WATCH("watch"),
  /**
   * The item's 95% interval of attention or of sub-NPS contains the split of its level: the data
   * cannot tell which side it is on, so no quadrant is claimed (its point estimate's quadrant is
   * still given for plotting).
   */
  UNCERTAIN("uncertain");

  private final String code;

  Quadrant(String code) {
    this.code = code;
  }

  /** The name used in JSON. */
  public String code() {
    return code;
  }
}
