package io.cxpulse.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cxpulse.counters.Grain;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Trend steps in the tenant's time zone, from the buckets that are kept")
class TrendStepsTest {
  private static final Duration SIX_HOURS = Duration.ofHours(6);
  private static final Duration EIGHT_DAYS = Duration.ofDays(8);
  private static final Instant NOW = Instant.parse("2026-03-11T10:07:30Z");

  @Test
  @DisplayName("minutes: one minute bucket each, from the minute holding from to the minute after to")
  void minutes() {
    List<TrendSteps.Point> p = TrendSteps.plan(TrendSteps.Step.MINUTE, Instant.parse("2026-03-11T09:58:10Z"),
        Instant.parse("2026-03-11T10:01:00Z"), ZoneId.of("Asia/Shanghai"), NOW, SIX_HOURS, EIGHT_DAYS);
    assertThat(p).hasSize(3);
    assertThat(p.get(0).from()).isEqualTo(Instant.parse("2026-03-11T09:58:00Z"));
    assertThat(p.get(2).to()).isEqualTo(Instant.parse("2026-03-11T10:01:00Z"));
    long first = Instant.parse("2026-03-11T09:58:00Z").getEpochSecond() / 60;
    assertThat(p.get(0).range().grain()).isEqualTo(Grain.MINUTE);
    assertThat(p.get(0).range().fromBucket()).isEqualTo(first);
    assertThat(p.get(0).range().toBucket()).isEqualTo(first + 1);
  }

  @Test
  @DisplayName("minutes beyond the 6 hours kept are refused with the reason")
  void minutesTooOld() {
    assertThatThrownBy(() -> TrendSteps.plan(TrendSteps.Step.MINUTE, NOW.minus(Duration.ofHours(7)), NOW,
        ZoneId.of("UTC"), NOW, SIX_HOURS, EIGHT_DAYS))
        .isInstanceOf(TrendSteps.Refused.class).hasMessageContaining("minute steps reach back 6 hours");
  }

  @Test
  @DisplayName("hours in Asia/Kathmandu (+05:45) start at :15 UTC and are four quarter buckets each")
  void hoursWithOddOffset() {
    ZoneId ktm = ZoneId.of("Asia/Kathmandu");
    List<TrendSteps.Point> p = TrendSteps.plan(TrendSteps.Step.HOUR, Instant.parse("2026-03-11T08:20:00Z"),
        Instant.parse("2026-03-11T10:00:00Z"), ktm, NOW, SIX_HOURS, EIGHT_DAYS);
    // 08:20Z = 14:05 local → the local hour 14:00 = 08:15Z; to 10:00Z = 15:45 local → last hour 15:00-16:00 local.
    assertThat(p).hasSize(2);
    assertThat(p.get(0).from()).isEqualTo(Instant.parse("2026-03-11T08:15:00Z"));
    assertThat(p.get(1).to()).isEqualTo(Instant.parse("2026-03-11T10:15:00Z"));
    assertThat(p.get(0).range().grain()).isEqualTo(Grain.QUARTER);
    assertThat(p.get(0).range().toBucket() - p.get(0).range().fromBucket()).isEqualTo(60);
    assertThat(p.get(0).range().fromBucket() % 15).isZero();
  }

  @Test
  @DisplayName("hours older than the 8 days of quarter buckets are refused")
  void hoursTooOld() {
    assertThatThrownBy(() -> TrendSteps.plan(TrendSteps.Step.HOUR, NOW.minus(Duration.ofDays(9)), NOW,
        ZoneId.of("UTC"), NOW, SIX_HOURS, EIGHT_DAYS)).hasMessageContaining("hour steps reach back 8 days");
  }

  @Test
  @DisplayName("days are local days; ISO weeks start on Monday")
  void daysAndWeeks() {
    ZoneId sh = ZoneId.of("Asia/Shanghai");
    // 2026-03-11 is a Wednesday.
    List<TrendSteps.Point> days = TrendSteps.plan(TrendSteps.Step.DAY, Instant.parse("2026-03-08T17:00:00Z"),
        Instant.parse("2026-03-11T16:00:00Z"), sh, NOW, SIX_HOURS, EIGHT_DAYS);
    // 2026-03-08T17:00Z is 03-09 01:00 local; to is 03-12 00:00 local: days 9, 10, 11.
    assertThat(days).extracting(p -> LocalDate.ofEpochDay(p.range().fromBucket()))
        .containsExactly(LocalDate.of(2026, 3, 9), LocalDate.of(2026, 3, 10), LocalDate.of(2026, 3, 11));
    List<TrendSteps.Point> weeks = TrendSteps.plan(TrendSteps.Step.WEEK, Instant.parse("2026-03-04T00:00:00Z"),
        Instant.parse("2026-03-11T16:00:00Z"), sh, NOW, SIX_HOURS, EIGHT_DAYS);
    assertThat(weeks).hasSize(2);
    assertThat(LocalDate.ofEpochDay(weeks.get(0).range().fromBucket())).isEqualTo(LocalDate.of(2026, 3, 2));
    assertThat(weeks.get(0).range().toBucket() - weeks.get(0).range().fromBucket()).isEqualTo(7);
    assertThat(weeks.get(0).from()).isEqualTo(Instant.parse("2026-03-01T16:00:00Z"));
  }

  @Test
  @DisplayName("more than 1000 points is refused")
  void tooManyPoints() {
    assertThatThrownBy(() -> TrendSteps.plan(TrendSteps.Step.DAY, NOW.minus(Duration.ofDays(1200)), NOW,
        ZoneId.of("UTC"), NOW, SIX_HOURS, EIGHT_DAYS)).hasMessageContaining("at most 1000 points");
  }

  @Test
  @DisplayName("ILIKE wildcards in a search are taken literally")
  void escape() {
    assertThat(VerbatimStore.escapeLike("100%_a\\b")).isEqualTo("100\\%\\_a\\\\b");
  }
}
