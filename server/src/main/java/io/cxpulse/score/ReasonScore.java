package io.cxpulse.score;

/**
 * One reason item on the MNA chart. Attention, sub-NPS and quadrant are null when nobody
 * selected the item, since an item nobody chose has no NPS.
 *
 * @param n         respondents who selected the item
 * @param attention n over the NPS respondents of the scope, a fraction 0..1; null when there
 *                  were none
 * @param subNps    the NPS among the respondents who selected the item
 * @param quadrant  the quadrant the data support, {@link Quadrant#UNCERTAIN} when an interval of the
 *                  item crosses a split; null when attention or sub-NPS is
 * @param pointQuadrant the quadrant of the point estimates alone (where the chart plots the item),
 *                  never uncertain; null when attention or sub-NPS is
 */
public record ReasonScore(String code, String parent, long n, long promoters, long passives, long detractors,
    Double attention, Double subNps, Quadrant quadrant, Quadrant pointQuadrant) {
}
