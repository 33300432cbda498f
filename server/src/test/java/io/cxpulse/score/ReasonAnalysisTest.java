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
            ReasonScore::attention, ReasonScore::subNps, ReasonScore::quadrant)
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
    assertThat(scores).extracting(ReasonScore::quadrant)
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
  }
}
