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
          item.detractors(), attention, subNps, null));
    }
    List<ReasonScore> scores = new ArrayList<>(withoutQuadrant.size());
    for (ReasonScore score : withoutQuadrant) {
      Quadrant quadrant = score.attention() == null ? null
          : (score.parent() == null ? levelOne : levelTwo).quadrant(score.attention(), score.subNps());
      scores.add(new ReasonScore(score.code(), score.parent(), score.n(), score.promoters(), score.passives(),
          score.detractors(), score.attention(), score.subNps(), quadrant));
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
