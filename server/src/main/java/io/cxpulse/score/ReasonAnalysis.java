package io.cxpulse.score;

import java.util.ArrayList;
import java.util.List;

/**
 * The MNA method: per reason item its attention (how many customers raise it) and its
 * sub-NPS (how those customers score), and the quadrant that says what to do about it.
 */
public final class ReasonAnalysis {

  /*
   * Tolerance of the "at or above the mean" test: a sum of doubles is rounded, so an item
   * exactly at the mean (attentions 0.1, 0.2, 0.3 have mean 0.2) can compare a rounding
   * below it. Real differences are far larger: attention moves by 1/N, sub-NPS by 100/n.
   */
  private static final double TIE = 1e-9;

  private ReasonAnalysis() {
  }

  /**
   * Scores the items in input order. The quadrant splits at the mean attention and mean
   * sub-NPS of the items of the same level that anyone selected: a level-2 item refines its
   * parent and is selected by fewer people, so against level-1 means every refinement would
   * look like a low-attention item.
   *
   * <p>An item is placed only when the data place it: its attention's Wilson interval (n_r of N)
   * and its sub-NPS interval (adjusted Wald, widened to the score) must each lie entirely on one
   * side of its level's split; otherwise its quadrant is {@link Quadrant#UNCERTAIN}. Two level-2
   * items that differ by 3 respondents are both uncertain, not one "polish"; an item chosen by 2
   * of 6 people is not "fix first". Treating the split as fixed is conservative: the mean the
   * item is compared with contains the item itself, which moves with it.
   *
   * @param npsRespondents N, the NPS respondents in the same scope and window
   */
  public static List<ReasonScore> analyse(long npsRespondents, List<ReasonInput> items) {
    if (npsRespondents < 0) {
      throw new IllegalArgumentException("npsRespondents must not be negative: " + npsRespondents);
    }
    List<ReasonScore> withoutQuadrant = new ArrayList<>(items.size());
    Means levelOne = new Means();
    Means levelTwo = new Means();
    for (ReasonInput item : items) {
      long n = item.promoters() + item.passives() + item.detractors();
      Double attention = n == 0 || npsRespondents == 0 ? null : (double) n / npsRespondents;
      Double subNps = n == 0 ? null : 100.0 * (item.promoters() - item.detractors()) / n;
      if (attention != null) {
        (item.parent() == null ? levelOne : levelTwo).add(attention, subNps);
      }
      withoutQuadrant.add(new ReasonScore(item.code(), item.parent(), n, item.promoters(), item.passives(),
          item.detractors(), attention, subNps, null, null));
    }
    List<ReasonScore> scores = new ArrayList<>(withoutQuadrant.size());
    for (ReasonScore score : withoutQuadrant) {
      Quadrant quadrant = score.attention() == null ? null
          : (score.parent() == null ? levelOne : levelTwo).quadrant(score.attention(), score.subNps());
      scores.add(new ReasonScore(score.code(), score.parent(), score.n(), score.promoters(), score.passives(),
          score.detractors(), score.attention(), score.subNps(),
          quadrant == null ? null : (score.parent() == null ? levelOne : levelTwo).certain(score, npsRespondents, quadrant),
          quadrant));
    }
    return List.copyOf(scores);
  }

  private static final class Means {
    private double attentionSum;
    private double subNpsSum;
    private int count;

    void add(double attention, double subNps) {
      attentionSum += attention;
      subNpsSum += subNps;
      count++;
    }

    /** The quadrant, or uncertain when an interval of the item contains a split. */
    Quadrant certain(ReasonScore item, long npsRespondents, Quadrant quadrant) {
      Proportion attention = Proportion.of(item.n(), npsRespondents);
      NpsScore subNps = NpsScore.ofCategories(item.promoters(), item.passives(), item.detractors(), 0);
      double attentionSplit = attentionSum / count, subNpsSplit = subNpsSum / count;
      boolean attentionPlaced = attention.low() > attentionSplit + TIE || attention.high() < attentionSplit - TIE;
      boolean subNpsPlaced = subNps.ciLow() > subNpsSplit + TIE || subNps.ciHigh() < subNpsSplit - TIE;
      return attentionPlaced && subNpsPlaced ? quadrant : Quadrant.UNCERTAIN;
    }

    Quadrant quadrant(double attention, double subNps) {
      boolean highAttention = attention >= attentionSum / count - TIE;
      boolean highSubNps = subNps >= subNpsSum / count - TIE;
      if (highAttention) {
        return highSubNps ? Quadrant.KEEP : Quadrant.FIX_FIRST;
      }
      return highSubNps ? Quadrant.POLISH : Quadrant.WATCH;
    }
  }
}
