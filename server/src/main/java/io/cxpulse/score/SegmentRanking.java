package io.cxpulse.score;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * A leaderboard of segment values (stores, agents) by NPS. A value with fewer than the privacy
 * minimum of responses is not listed at all (only counted in {@code hidden}): a score of two or
 * three people points at those people. The rest are ranked by score, then by n (more evidence
 * first), then by value, so that equal scores keep a stable order.
 */
public record SegmentRanking(List<Entry> entries, int hidden) {

  public record Entry(int rank, String value, NpsScore nps) {}

  /** @param histograms segment value → NPS 0..10 histogram */
  public static SegmentRanking of(Map<String, long[]> histograms, int minN, int privacyMinN) {
    List<Map.Entry<String, NpsScore>> shown = new ArrayList<>();
    int hidden = 0;
    for (Map.Entry<String, long[]> e : histograms.entrySet()) {
      NpsScore s = NpsScore.of(e.getValue(), minN);
      if (s.n() == 0) continue;
      if (s.n() < privacyMinN) hidden++;
      else shown.add(Map.entry(e.getKey(), s));
    }
    shown.sort(Comparator.<Map.Entry<String, NpsScore>>comparingDouble(e -> -e.getValue().score())
        .thenComparingLong(e -> -e.getValue().n())
        .thenComparing(Map.Entry::getKey));
    List<Entry> out = new ArrayList<>();
    for (int i = 0; i < shown.size(); i++) {
      Map.Entry<String, NpsScore> e = shown.get(i);
      // Equal scores share a rank (1, 2, 2, 4).
      int rank = i > 0 && e.getValue().score().equals(shown.get(i - 1).getValue().score()) ? out.get(i - 1).rank() : i + 1;
      out.add(new Entry(rank, e.getKey(), e.getValue()));
    }
    return new SegmentRanking(List.copyOf(out), hidden);
  }
}
