package io.cxpulse.score;

/**
 * A score against its target (BEST's E), judged here and only here: pages show what they are
 * told. Green: at or above the target. Amber: below it, but by no more than the larger of the
 * margin of error and {@link #AMBER_POINTS} points, so a miss that may be noise, or a small one,
 * is not shown as red. Red: further below (significantly below). Insufficient: fewer responses
 * than the minimum n, which is neither green nor red. None: no target.
 */
public enum TargetStatus {
  GREEN("green"), AMBER("amber"), RED("red"), INSUFFICIENT("insufficient"), NONE("none");

  public static final double AMBER_POINTS = 5.0;

  private final String code;

  TargetStatus(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }

  /**
   * The status a screen shows: none without a target, insufficient below {@code minN}
   * responses (n = 0 included), else {@link #of}.
   */
  public static TargetStatus judge(Double score, Double target, Double moe, long n, int minN) {
    if (target == null) return NONE;
    if (n < minN || score == null) return INSUFFICIENT;
    return of(score, target, moe);
  }

  /** The band rule alone. @param moe the score's margin of error in the same points, or null when it has none */
  public static TargetStatus of(Double score, Double target, Double moe) {
    if (score == null || target == null) return NONE;
    if (score >= target) return GREEN;
    double band = Math.max(AMBER_POINTS, moe == null ? 0 : moe);
    return target - score <= band ? AMBER : RED;
  }
}
