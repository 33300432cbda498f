package io.cxpulse.score;

/**
 * Where a reason item falls on the MNA chart of attention (x) against sub-NPS (y), split at
 * the means of its level.
 */
public enum Quadrant {
  /** High attention, high sub-NPS: a strength many customers notice (稳定保持区). */
  KEEP("keep"),
  /** Low attention, high sub-NPS: a strength few notice yet (锦上添花区). */
  POLISH("polish"),
  /** High attention, low sub-NPS: a weakness many customers raise (亟须改善区). */
  FIX_FIRST("fix-first"),
  /** Low attention, low sub-NPS: a weakness few raise, for now (长期关注区). */
  WATCH("watch");

  private final String code;

  Quadrant(String code) {
    this.code = code;
  }

  /** The name used in JSON. */
  public String code() {
    return code;
  }
}
