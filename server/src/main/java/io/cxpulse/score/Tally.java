package io.cxpulse.score;

import java.util.Map;
import java.util.TreeMap;

/**
 * Mergeable sums for one scope (a bucket, a window, a group of touchpoints): histograms and
 * counts only, never a ratio, so that any union of scopes is the sum of its tallies.
 * Arrays returned by the accessors are the live state: read them, do not change them.
 */
public final class Tally {
  /** Reason slots: the NPS category of the respondent who chose it, or none. */
  public static final int DETRACTOR = 0;
  public static final int PASSIVE = 1;
  public static final int PROMOTER = 2;
  public static final int NO_NPS = 3;

  private long responses;
  private long comments;
  private final long[] nps = new long[11];
  private final long[] csat = new long[5];
  private final long[] csat3 = new long[3];
  private final long[] ces = new long[7];
  private final long[][] rater = new long[5][5];
  private final Map<String, long[]> reasons = new TreeMap<>();
  private final Map<String, long[]> values = new TreeMap<>();

  public static int category(int nps) {
    return nps >= 9 ? PROMOTER : nps >= 7 ? PASSIVE : DETRACTOR;
  }

  /**
   * Adds one counter row. {@code idx} is the stored index: the score itself for nps (0..10),
   * csat (1..5), csat3 (1..3), ces (1..7), rater (1..5) and value (0..10); the category slot for
   * reason. Unknown metrics are ignored so that an older server can read a newer table.
   */
  public void add(String metric, String key, int idx, long count) {
    switch (metric) {
      case "responses" -> responses += count;
      case "comment" -> comments += count;
      case "nps" -> nps[idx] += count;
      case "csat" -> csat[idx - 1] += count;
      case "csat3" -> csat3[idx - 1] += count;
      case "ces" -> ces[idx - 1] += count;
      case "rater" -> {
        RaterDimension d = RaterDimension.fromCode(key);
        if (d != null) rater[d.ordinal()][idx - 1] += count;
      }
      case "reason" -> reasons.computeIfAbsent(key, k -> new long[4])[idx] += count;
      case "value" -> values.computeIfAbsent(key, k -> new long[11])[idx] += count;
      default -> { }
    }
  }

  public void addAll(Tally other) {
    responses += other.responses;
    comments += other.comments;
    addInto(nps, other.nps);
    addInto(csat, other.csat);
    addInto(csat3, other.csat3);
    addInto(ces, other.ces);
    for (int d = 0; d < rater.length; d++) addInto(rater[d], other.rater[d]);
    other.reasons.forEach((k, v) -> addInto(reasons.computeIfAbsent(k, x -> new long[4]), v));
    other.values.forEach((k, v) -> addInto(values.computeIfAbsent(k, x -> new long[11]), v));
  }

  private static void addInto(long[] target, long[] source) {
    for (int i = 0; i < target.length; i++) target[i] += source[i];
  }

  public long responses() { return responses; }
  public long comments() { return comments; }
  public long[] nps() { return nps; }
  public long[] csat() { return csat; }
  public long[] csat3() { return csat3; }
  public long[] ces() { return ces; }
  public long[][] rater() { return rater; }
  /** Reason code → counts by {@link #DETRACTOR}, {@link #PASSIVE}, {@link #PROMOTER}, {@link #NO_NPS}. */
  public Map<String, long[]> reasons() { return reasons; }
  /** Value element → 0..10 histogram. */
  public Map<String, long[]> values() { return values; }

  public boolean isEmpty() {
    return responses == 0;
  }
}
