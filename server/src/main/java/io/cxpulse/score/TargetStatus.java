package io.cxpulse.score;

/**
 * Red, amber or green against a target (BEST's E). Green: at or above the target. Amber: below
 * it, but by no more than the larger of the margin of error and {@link #AMBER_POINTS} points, so
 * a miss that may be noise, or a small one, is not shown as red. Red: further below. None: no
 * target, or no score (n = 0).
 */
public enum TargetStatus {
  GREEN("green"), AMBER("amber"), RED("red"), NONE("none");

  public static final double AMBER_POINTS = 5.0;

  private final String code;

  TargetStatus(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }

  /** @param moe the score's margin of error in the same points, or null when it has none */
  public static TargetStatus of(Double score, Double target, Double moe) {
    if (score == null || target == null) return NONE;
    if (score >= target) return GREEN;
    double band = Math.max(AMBER_POINTS, moe == null ? 0 : moe);
    return target - score <= band ? AMBER : RED;
  }
}
