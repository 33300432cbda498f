package io.cxpulse.score;

/**
 * A score against its target (BEST's E), judged here and only here: pages show what they are
 * told. Green: at or above the target. Red: significantly below it, and by more than
 * {@link #AMBER_POINTS} points: the upper end of the score's 95% interval is below the target
 * (a one-sided test at 2.5%), so a shortfall that may be noise is never red. Amber: below the
 * target but not red. Insufficient: fewer responses than the minimum n, which is neither green
 * nor red. None: no target.
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
   * None without a target, insufficient below {@code minN} responses (n = 0 included), else
   * {@link #of}. Callers use the typed overloads, which know which end of which interval to pass.
   *
   * @param upper the upper end of the score's 95% interval, in the score's points
   */
  private static TargetStatus judge(Double score, Double upper, Double target, long n, int minN) {
    if (target == null) return NONE;
    if (n < minN || score == null) return INSUFFICIENT;
    return of(score, upper, target);
  }

  /** The band rule alone. @param upper the upper end of the score's 95% interval; null when it has none (never red then) */
  public static TargetStatus of(Double score, Double upper, Double target) {
    if (score == null || target == null) return NONE;
    if (score >= target) return GREEN;
    boolean significantlyBelow = upper != null && upper < target;
    return significantlyBelow && target - score > AMBER_POINTS ? RED : AMBER;
  }

  /** The status of an NPS: its interval's upper end, and never closer to the score than its margin of error. */
  public static TargetStatus judge(NpsScore nps, Double target, int minN) {
    Double upper = nps.score() == null ? null : Math.max(nps.ciHigh(), nps.score() + nps.moe());
    return judge(nps.score(), upper, target, nps.n(), minN);
  }

  /**
   * The status of a CSAT top-2-box share (in %). Significantly below by the exact binomial test
   * (one-sided, 2.5%: P(X ≤ k | n, target) < 0.025, the same as the Clopper–Pearson upper bound
   * below the target), not by the Wilson interval the page shows: near 100% Wilson's upper end is
   * too low on one side, and the null simulation measured 6.1% red at a true 95% on 30 ratings.
   */
  public static TargetStatus judge(CsatScore csat, Double target, int minN) {
    if (target == null) return NONE;
    if (csat.n() < minN || csat.top2() == null) return INSUFFICIENT;
    if (csat.top2() >= target) return GREEN;
    long k = csat.top2Share().k();
    boolean significantlyBelow = target >= 100 || Distributions.binomialCdf(k, csat.n(), target / 100) < 0.025;
    return significantlyBelow && target - csat.top2() > AMBER_POINTS ? RED : AMBER;
  }
}
