package io.cxpulse.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ReasonAnalysisTest {

  @Test
  @DisplayName("items fall into the four quadrants split at the means of their own level, in input order")
  void quadrantsPerLevel() {
    List<ReasonInput> items = List.of(
        new ReasonInput("staff", null, 80, 10, 10),
        new ReasonInput("wait.queue", "wait", 2, 8, 50),
        new ReasonInput("price", null, 40, 10, 10),
        new ReasonInput("wait", null, 10, 20, 70),
        new ReasonInput("wifi", null, 0, 0, 0),
        new ReasonInput("parking", null, 5, 5, 10),
        new ReasonInput("wait.callback", "wait", 6, 4, 10));

    List<ReasonScore> scores = ReasonAnalysis.analyse(200, items);

    // N = 200. Level 1, the items anyone selected:
    //   staff   n=100, attention 100/200 = 0.5, sub-NPS 100*(80-10)/100 = 70
    //   price   n=60,  attention  60/200 = 0.3, sub-NPS 100*(40-10)/60  = 50
    //   wait    n=100, attention 100/200 = 0.5, sub-NPS 100*(10-70)/100 = -60
    //   parking n=20,  attention  20/200 = 0.1, sub-NPS 100*(5-10)/20   = -25
    //   means: attention 1.4/4 = 0.35, sub-NPS (70+50-60-25)/4 = 8.75
    //   (were wifi counted as 0, the mean attention 1.4/5 = 0.28 would put price in keep)
    // Level 2:
    //   wait.queue    n=60, attention 0.3, sub-NPS 100*(2-50)/60 = -80
    //   wait.callback n=20, attention 0.1, sub-NPS 100*(6-10)/20 = -20
    //   means: attention 0.4/2 = 0.2, sub-NPS -100/2 = -50
    //   (among all six items the means would be 0.3 and -65/6 = -10.83, which would put
    //   callback in watch and price in keep)
    assertThat(scores).extracting(ReasonScore::code, ReasonScore::parent, ReasonScore::n,
            ReasonScore::attention, ReasonScore::subNps, ReasonScore::pointQuadrant)
        .containsExactly(
            tuple("staff", null, 100L, 0.5, 70.0, Quadrant.KEEP),
            tuple("wait.queue", "wait", 60L, 0.3, -80.0, Quadrant.FIX_FIRST),
            tuple("price", null, 60L, 0.3, 50.0, Quadrant.POLISH),
            tuple("wait", null, 100L, 0.5, -60.0, Quadrant.FIX_FIRST),
            tuple("wifi", null, 0L, null, null, null),
            tuple("parking", null, 20L, 0.1, -25.0, Quadrant.WATCH),
            tuple("wait.callback", "wait", 20L, 0.1, -20.0, Quadrant.POLISH));
    assertThat(scores.get(0)).extracting(ReasonScore::promoters, ReasonScore::passives, ReasonScore::detractors)
        .containsExactly(80L, 10L, 10L);

    // The quadrant the data support: both intervals clear of the level's splits, else uncertain.
    //   staff    attention Wilson(100/200) = [0.431, 0.569] > 0.35; sub-NPS 70, adjusted Wald
    //            n' = 103, centre 100·70/103 = 67.96, MoE 12.61: [55.35, 80.57] > 8.75     → keep
    //   price    attention Wilson(60/200) = [0.241, 0.367] contains 0.35                    → uncertain
    //   wait     attention [0.431, 0.569] > 0.35; sub-NPS −60 on 100: far below 8.75         → fix-first
    //   parking  attention Wilson(20/200) = [0.066, 0.149] < 0.35; sub-NPS −25 on 20:
    //            n' = 23, centre −21.74, MoE 33.46: [−55.20, 11.72] contains 8.75           → uncertain
    //   wait.queue    attention [0.241, 0.367] > 0.2; sub-NPS −80 on 60: n' = 63, centre
    //                 −76.19, MoE 12.80: [−88.99, −63.39] < −50                              → fix-first
    //   wait.callback attention [0.066, 0.149] < 0.2; sub-NPS −20 on 20: [−52.32, 17.54]
    //                 contains −50                                                           → uncertain
    assertThat(scores).extracting(ReasonScore::quadrant).containsExactly(Quadrant.KEEP, Quadrant.FIX_FIRST,
        Quadrant.UNCERTAIN, Quadrant.FIX_FIRST, null, Quadrant.UNCERTAIN, Quadrant.UNCERTAIN);
  }

  @Test
  @DisplayName("two level-2 items 3 respondents apart are both uncertain, not one 'polish'; 2 people of 6 are not 'fix first'")
  void thinDataIsUncertain() {
    // The reproduction: parent "wait" refined by "wait.queue" (10 respondents) and
    // "wait.phone" (7), N = 100. Point estimates split them (queue above both means, phone below
    // both), but attention Wilson(10/100) = [0.055, 0.174] and Wilson(7/100) = [0.034, 0.138] both
    // contain the mean 0.085, so neither side of the split is supported.
    List<ReasonScore> level2 = ReasonAnalysis.analyse(100, List.of(
        new ReasonInput("wait", null, 10, 10, 20),
        new ReasonInput("wait.queue", "wait", 4, 3, 3),
        new ReasonInput("wait.phone", "wait", 2, 2, 3)));
    // Level-2 means: attention (0.10 + 0.07)/2 = 0.085, sub-NPS (10 − 14.29)/2 = −2.14. "wait" is
    // alone on level 1: at its own means (keep by the point rule), and necessarily uncertain.
    assertThat(level2).extracting(ReasonScore::pointQuadrant).containsExactly(Quadrant.KEEP, Quadrant.KEEP, Quadrant.WATCH);
    assertThat(level2).extracting(ReasonScore::quadrant).containsExactly(Quadrant.UNCERTAIN, Quadrant.UNCERTAIN,
        Quadrant.UNCERTAIN);

    // N = 6: "price" chosen by 2 detractors, "staff" by 1 promoter, "speed" by 1 passive.
    // Point estimates put price in fix-first (attention 1/3 above the mean 2/9, sub-NPS −100
    // below the mean −33.3), but Wilson(2/6) = [0.097, 0.700] contains 2/9.
    List<ReasonScore> six = ReasonAnalysis.analyse(6, List.of(
        new ReasonInput("price", null, 0, 0, 2),
        new ReasonInput("staff", null, 1, 0, 0),
        new ReasonInput("speed", null, 0, 1, 0)));
    assertThat(six.get(0).pointQuadrant()).isEqualTo(Quadrant.FIX_FIRST);
    assertThat(six.get(0).quadrant()).isEqualTo(Quadrant.UNCERTAIN);
  }

  @Test
  @DisplayName("an item exactly at the mean attention and mean sub-NPS counts as high on both")
  void atTheMeanIsHigh() {
    List<ReasonInput> items = List.of(
        new ReasonInput("a", null, 3, 5, 2),
        new ReasonInput("b", null, 6, 12, 2),
        new ReasonInput("c", null, 12, 15, 3));

    List<ReasonScore> scores = ReasonAnalysis.analyse(100, items);

    // attention 10/100 = 0.1, 20/100 = 0.2, 30/100 = 0.3: mean 0.6/3 = 0.2 (0.20000000000000004
    // when summed in doubles); sub-NPS 100*1/10 = 10, 100*4/20 = 20, 100*9/30 = 30: mean 20
    assertThat(scores).extracting(ReasonScore::pointQuadrant)
        .containsExactly(Quadrant.WATCH, Quadrant.KEEP, Quadrant.KEEP);
  }

  @Test
  @DisplayName("without NPS respondents attention and quadrant are null but the sub-NPS is still given")
  void noRespondents() {
    List<ReasonScore> scores = ReasonAnalysis.analyse(0, List.of(new ReasonInput("staff", null, 3, 1, 1)));

    // 100*(3-1)/5 = 40
    assertThat(scores).extracting(ReasonScore::n, ReasonScore::attention, ReasonScore::subNps,
        ReasonScore::quadrant).containsExactly(tuple(5L, null, 40.0, null));
  }

  @Test
  @DisplayName("quadrant codes are the JSON names")
  void quadrantCodes() {
    assertThat(Quadrant.KEEP.code()).isEqualTo("keep");
    assertThat(Quadrant.POLISH.code()).isEqualTo("polish");
    assertThat(Quadrant.FIX_FIRST.code()).isEqualTo("fix-first");
    assertThat(Quadrant.WATCH.code()).isEqualTo("watch");
    assertThat(Quadrant.UNCERTAIN.code()).isEqualTo("uncertain");
  }
}
