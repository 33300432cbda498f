package io.cxpulse.counters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cxpulse.counters.WindowPlan.Range;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Buckets and windows, with hand-computed bucket numbers.
 *
 * <p>Reference points used throughout (epoch day 0 = 1970-01-01):
 * 2024-01-01 is epoch day 19723; Jan 31 + Feb 29 + Mar 31 + Apr 30 + May 31 = 152 days, so
 * 2024-06-01 = 19875 and 2024-06-12 = 19886. Epoch minute of 2024-06-12T00:00Z = 19886 · 1440 =
 * 28,635,840; of 2024-06-11T00:00Z = 28,634,400; of 2024-06-10T00:00Z = 28,632,960.
 */
class WindowsTest {

  private static final ZoneId UTC = ZoneOffset.UTC;
  private static final ZoneId KATHMANDU = ZoneId.of("Asia/Kathmandu");
  private static final ZoneId KOLKATA = ZoneId.of("Asia/Kolkata");
  private static final ZoneId ADELAIDE = ZoneId.of("Australia/Adelaide");
  private static final ZoneId ST_JOHNS = ZoneId.of("America/St_Johns");
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  /** The defaults of Config: MINUTE_RETENTION_MINUTES = 360, QUARTER_RETENTION_DAYS = 8. */
  private static final Windows DEFAULT = new Windows(Duration.ofHours(6), Duration.ofDays(8));

  private static final Duration NANO = Duration.ofNanos(1);

  private static Instant at(String iso) {
    return Instant.parse(iso);
  }

  private static Range minutes(long from, long to) {
    return new Range(Grain.MINUTE, from, to);
  }

  private static Range quarters(long from, long to) {
    return new Range(Grain.QUARTER, from, to);
  }

  private static Range dayRange(long from, long to) {
    return new Range(Grain.DAY, from, to);
  }

  @Nested
  class MinuteGrain {
    @Test
    @DisplayName("a minute bucket is the epoch minute: exactly on the boundary it is the new minute, one nanosecond before the old one")
    void bucketOfOnBoundary() {
      // 2024-06-12T10:37Z = 28,635,840 + 10·60 + 37 = 28,636,477
      Instant boundary = at("2024-06-12T10:37:00Z");
      assertThat(Grain.MINUTE.bucketOf(boundary, UTC)).isEqualTo(28_636_477L);
      assertThat(Grain.MINUTE.bucketOf(boundary.plus(NANO), UTC)).isEqualTo(28_636_477L);
      assertThat(Grain.MINUTE.bucketOf(boundary.minus(NANO), UTC)).isEqualTo(28_636_476L);
      assertThat(Grain.MINUTE.bucketOf(at("2024-06-12T10:37:59.999999999Z"), UTC)).isEqualTo(28_636_477L);
    }

    @Test
    @DisplayName("minute buckets ignore the zone: they are UTC minutes, also in a +05:45 zone")
    void bucketOfIgnoresZone() {
      Instant t = at("2024-06-12T10:37:42.5Z");
      assertThat(Grain.MINUTE.bucketOf(t, KATHMANDU)).isEqualTo(28_636_477L);
      assertThat(Grain.MINUTE.bucketOf(t, ST_JOHNS)).isEqualTo(28_636_477L);
    }

    @Test
    @DisplayName("the epoch instant itself is minute 0 and its first nanosecond stays in minute 0")
    void epoch() {
      assertThat(Grain.MINUTE.bucketOf(Instant.EPOCH, UTC)).isZero();
      assertThat(Grain.MINUTE.bucketOf(Instant.EPOCH.plus(NANO), UTC)).isZero();
      assertThat(Grain.MINUTE.startOf(0, UTC)).isEqualTo(Instant.EPOCH);
    }

    @Test
    @DisplayName("a minute bucket starts at bucket·60 seconds and the next bucket is one higher")
    void startAndNext() {
      assertThat(Grain.MINUTE.startOf(28_636_477L, KATHMANDU)).isEqualTo(at("2024-06-12T10:37:00Z"));
      assertThat(Grain.MINUTE.next(28_636_477L)).isEqualTo(28_636_478L);
      assertThat(Grain.MINUTE.startOf(Grain.MINUTE.next(28_636_477L), UTC)).isEqualTo(at("2024-06-12T10:38:00Z"));
    }

    @Test
    @DisplayName("the first minute from an instant is that minute on a boundary and the following one a nanosecond after")
    void firstBucketFrom() {
      assertThat(Grain.MINUTE.firstBucketFrom(at("2024-06-12T10:37:00Z"))).isEqualTo(28_636_477L);
      assertThat(Grain.MINUTE.firstBucketFrom(at("2024-06-12T10:37:00.000000001Z"))).isEqualTo(28_636_478L);
      // 10:36:59.999999999 → the minute that starts at or after it is 10:37
      assertThat(Grain.MINUTE.firstBucketFrom(at("2024-06-12T10:36:59.999999999Z"))).isEqualTo(28_636_477L);
      // 10:36:30 → 10:37
      assertThat(Grain.MINUTE.firstBucketFrom(at("2024-06-12T10:36:30Z"))).isEqualTo(28_636_477L);
      assertThat(Grain.MINUTE.firstBucketFrom(Instant.EPOCH)).isZero();
    }
  }

  @Nested
  class QuarterGrain {
    @Test
    @DisplayName("a quarter bucket is the epoch minute of the quarter start: on the boundary the new quarter, a nanosecond before the old one")
    void bucketOfOnBoundary() {
      // 2024-06-12T10:30Z = 28,635,840 + 630 = 28,636,470 (a multiple of 15: 15 · 1,909,098)
      Instant boundary = at("2024-06-12T10:30:00Z");
      assertThat(Grain.QUARTER.bucketOf(boundary, UTC)).isEqualTo(28_636_470L);
      assertThat(Grain.QUARTER.bucketOf(boundary.plus(NANO), UTC)).isEqualTo(28_636_470L);
      // 10:29:59.999999999 is in the quarter of 10:15 = 28,636,470 − 15 = 28,636,455
      assertThat(Grain.QUARTER.bucketOf(boundary.minus(NANO), UTC)).isEqualTo(28_636_455L);
      assertThat(Grain.QUARTER.bucketOf(at("2024-06-12T10:44:59.999999999Z"), UTC)).isEqualTo(28_636_470L);
      assertThat(Grain.QUARTER.bucketOf(at("2024-06-12T10:37:42.5Z"), KATHMANDU)).isEqualTo(28_636_470L);
    }

    @Test
    @DisplayName("a quarter bucket starts at its epoch minute and the next quarter is 15 higher")
    void startAndNext() {
      assertThat(Grain.QUARTER.startOf(28_636_470L, UTC)).isEqualTo(at("2024-06-12T10:30:00Z"));
      assertThat(Grain.QUARTER.next(28_636_470L)).isEqualTo(28_636_485L);
      assertThat(Grain.QUARTER.startOf(28_636_485L, UTC)).isEqualTo(at("2024-06-12T10:45:00Z"));
      assertThat(Grain.QUARTER.bucketOf(Instant.EPOCH.plus(NANO), UTC)).isZero();
      assertThat(Grain.QUARTER.bucketOf(at("1970-01-01T00:15:00Z"), UTC)).isEqualTo(15L);
    }

    @Test
    @DisplayName("the first quarter from an instant is that quarter on a boundary and the following one a nanosecond after")
    void firstBucketFrom() {
      assertThat(Grain.QUARTER.firstBucketFrom(at("2024-06-12T10:30:00Z"))).isEqualTo(28_636_470L);
      assertThat(Grain.QUARTER.firstBucketFrom(at("2024-06-12T10:30:00.000000001Z"))).isEqualTo(28_636_485L);
      assertThat(Grain.QUARTER.firstBucketFrom(at("2024-06-12T10:29:59.999999999Z"))).isEqualTo(28_636_470L);
      // 10:16 → 10:30; 10:44:59 → 10:45
      assertThat(Grain.QUARTER.firstBucketFrom(at("2024-06-12T10:16:00Z"))).isEqualTo(28_636_470L);
      assertThat(Grain.QUARTER.firstBucketFrom(at("2024-06-12T10:44:59Z"))).isEqualTo(28_636_485L);
      assertThat(Grain.QUARTER.firstBucketFrom(Instant.EPOCH)).isZero();
      assertThat(Grain.QUARTER.firstBucketFrom(Instant.EPOCH.plus(NANO))).isEqualTo(15L);
    }
  }

  @Nested
  class DayGrain {
    @Test
    @DisplayName("in UTC a day bucket is the epoch day: midnight opens the new day, a nanosecond before is the old day")
    void utcDays() {
      Instant midnight = at("2024-06-12T00:00:00Z");
      assertThat(Grain.DAY.bucketOf(midnight, UTC)).isEqualTo(19_886L);
      assertThat(Grain.DAY.bucketOf(midnight.plus(NANO), UTC)).isEqualTo(19_886L);
      assertThat(Grain.DAY.bucketOf(midnight.minus(NANO), UTC)).isEqualTo(19_885L);
      assertThat(Grain.DAY.startOf(19_886L, UTC)).isEqualTo(midnight);
      assertThat(Grain.DAY.next(19_886L)).isEqualTo(19_887L);
      assertThat(Grain.DAY.bucketOf(Instant.EPOCH, UTC)).isZero();
    }

    @Test
    @DisplayName("days are never pruned, so there is no first day bucket from a cut")
    void noDayCut() {
      assertThatThrownBy(() -> Grain.DAY.firstBucketFrom(Instant.EPOCH)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("grain codes round-trip and an unknown code is rejected")
    void codes() {
      for (Grain g : Grain.values()) assertThat(Grain.of(g.code())).isEqualTo(g);
      assertThat(Grain.MINUTE.code()).isEqualTo('m');
      assertThat(Grain.QUARTER.code()).isEqualTo('q');
      assertThat(Grain.DAY.code()).isEqualTo('d');
      assertThatThrownBy(() -> Grain.of('x')).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("Asia/Kathmandu (+05:45): local midnight of 2024-06-12 is 2024-06-11T18:15Z")
    void kathmandu() {
      // 00:00 local − 5:45 = 18:15Z the day before
      Instant midnight = at("2024-06-11T18:15:00Z");
      assertThat(Grain.DAY.bucketOf(midnight.minus(NANO), KATHMANDU)).isEqualTo(19_885L);
      assertThat(Grain.DAY.bucketOf(midnight, KATHMANDU)).isEqualTo(19_886L);
      assertThat(Grain.DAY.bucketOf(midnight.plus(NANO), KATHMANDU)).isEqualTo(19_886L);
      assertThat(Grain.DAY.startOf(19_886L, KATHMANDU)).isEqualTo(midnight);
      assertThat(Grain.DAY.startOf(19_887L, KATHMANDU)).isEqualTo(at("2024-06-12T18:15:00Z"));
      // the local midnight is also a quarter boundary: 2024-06-11T18:15Z = 28,634,400 + 1095 = 28,635,495
      assertThat(Grain.QUARTER.bucketOf(midnight, KATHMANDU)).isEqualTo(28_635_495L);
      assertThat(Grain.QUARTER.startOf(28_635_495L, KATHMANDU)).isEqualTo(midnight);
    }

    @Test
    @DisplayName("Asia/Kolkata (+05:30): local midnight of 2024-06-12 is 2024-06-11T18:30Z")
    void kolkata() {
      Instant midnight = at("2024-06-11T18:30:00Z");
      assertThat(Grain.DAY.bucketOf(midnight.minus(NANO), KOLKATA)).isEqualTo(19_885L);
      assertThat(Grain.DAY.bucketOf(midnight, KOLKATA)).isEqualTo(19_886L);
      assertThat(Grain.DAY.bucketOf(midnight.plus(NANO), KOLKATA)).isEqualTo(19_886L);
      assertThat(Grain.DAY.startOf(19_886L, KOLKATA)).isEqualTo(midnight);
      // 18:15Z is 23:45 local on June 11, 18:45Z is 00:15 local on June 12
      assertThat(Grain.DAY.bucketOf(at("2024-06-11T18:15:00Z"), KOLKATA)).isEqualTo(19_885L);
      assertThat(Grain.DAY.bucketOf(at("2024-06-11T18:45:00Z"), KOLKATA)).isEqualTo(19_886L);
    }

    @Test
    @DisplayName("Australia/Adelaide: +10:30 in January, +09:30 in June, and a 25-hour day when daylight saving ends")
    void adelaide() {
      // 2024-01-15 00:00 ACDT (+10:30) = 2024-01-14T13:30Z; 2024-01-15 = 19723 + 14 = 19737
      Instant summerMidnight = at("2024-01-14T13:30:00Z");
      assertThat(Grain.DAY.bucketOf(summerMidnight.minus(NANO), ADELAIDE)).isEqualTo(19_736L);
      assertThat(Grain.DAY.bucketOf(summerMidnight, ADELAIDE)).isEqualTo(19_737L);
      assertThat(Grain.DAY.bucketOf(summerMidnight.plus(NANO), ADELAIDE)).isEqualTo(19_737L);
      assertThat(Grain.DAY.startOf(19_737L, ADELAIDE)).isEqualTo(summerMidnight);

      // 2024-06-12 00:00 ACST (+09:30) = 2024-06-11T14:30Z
      Instant winterMidnight = at("2024-06-11T14:30:00Z");
      assertThat(Grain.DAY.bucketOf(winterMidnight.minus(NANO), ADELAIDE)).isEqualTo(19_885L);
      assertThat(Grain.DAY.bucketOf(winterMidnight, ADELAIDE)).isEqualTo(19_886L);
      assertThat(Grain.DAY.startOf(19_886L, ADELAIDE)).isEqualTo(winterMidnight);

      // DST ends on 2024-04-07 (03:00 ACDT → 02:00 ACST); 2024-04-07 = 19723 + 31 + 29 + 31 + 6 = 19820.
      // It starts 00:00 +10:30 = 2024-04-06T13:30Z and ends 00:00 +09:30 = 2024-04-07T14:30Z: 25 hours.
      assertThat(Grain.DAY.startOf(19_820L, ADELAIDE)).isEqualTo(at("2024-04-06T13:30:00Z"));
      assertThat(Grain.DAY.startOf(19_821L, ADELAIDE)).isEqualTo(at("2024-04-07T14:30:00Z"));
      assertThat(Grain.DAY.bucketOf(at("2024-04-07T14:29:59.999999999Z"), ADELAIDE)).isEqualTo(19_820L);
      assertThat(Grain.DAY.bucketOf(at("2024-04-07T14:30:00Z"), ADELAIDE)).isEqualTo(19_821L);
    }

    @Test
    @DisplayName("America/St_Johns: −03:30 in January, −02:30 in June")
    void stJohns() {
      // 2024-01-15 00:00 NST (−03:30) = 2024-01-15T03:30Z
      Instant winterMidnight = at("2024-01-15T03:30:00Z");
      assertThat(Grain.DAY.bucketOf(winterMidnight.minus(NANO), ST_JOHNS)).isEqualTo(19_736L);
      assertThat(Grain.DAY.bucketOf(winterMidnight, ST_JOHNS)).isEqualTo(19_737L);
      assertThat(Grain.DAY.bucketOf(winterMidnight.plus(NANO), ST_JOHNS)).isEqualTo(19_737L);
      assertThat(Grain.DAY.startOf(19_737L, ST_JOHNS)).isEqualTo(winterMidnight);

      // 2024-06-12 00:00 NDT (−02:30) = 2024-06-12T02:30Z; UTC midnight is still June 11 local
      Instant summerMidnight = at("2024-06-12T02:30:00Z");
      assertThat(Grain.DAY.bucketOf(at("2024-06-12T00:00:00Z"), ST_JOHNS)).isEqualTo(19_885L);
      assertThat(Grain.DAY.bucketOf(summerMidnight.minus(NANO), ST_JOHNS)).isEqualTo(19_885L);
      assertThat(Grain.DAY.bucketOf(summerMidnight, ST_JOHNS)).isEqualTo(19_886L);
      assertThat(Grain.DAY.startOf(19_886L, ST_JOHNS)).isEqualTo(summerMidnight);
    }

    @Test
    @DisplayName("Europe/Berlin: 2024-03-31 has 23 hours and 2024-10-27 has 25")
    void berlinDstDays() {
      // 2024-03-31 = 19723 + 31 + 29 + 30 = 19813: starts 00:00 CET (+01) = 2024-03-30T23:00Z,
      // ends 00:00 CEST (+02) on April 1 = 2024-03-31T22:00Z → 23 hours
      Instant springStart = at("2024-03-30T23:00:00Z");
      Instant springEnd = at("2024-03-31T22:00:00Z");
      assertThat(Grain.DAY.startOf(19_813L, BERLIN)).isEqualTo(springStart);
      assertThat(Grain.DAY.startOf(19_814L, BERLIN)).isEqualTo(springEnd);
      assertThat(Duration.between(springStart, springEnd)).isEqualTo(Duration.ofHours(23));
      assertThat(Grain.DAY.bucketOf(springStart.minus(NANO), BERLIN)).isEqualTo(19_812L);
      assertThat(Grain.DAY.bucketOf(springStart, BERLIN)).isEqualTo(19_813L);
      assertThat(Grain.DAY.bucketOf(springEnd.minus(NANO), BERLIN)).isEqualTo(19_813L);
      assertThat(Grain.DAY.bucketOf(springEnd, BERLIN)).isEqualTo(19_814L);

      // 2024-10-27 = 19723 + 274 + 26 = 20023: starts 00:00 CEST = 2024-10-26T22:00Z,
      // ends 00:00 CET on October 28 = 2024-10-27T23:00Z → 25 hours
      Instant autumnStart = at("2024-10-26T22:00:00Z");
      Instant autumnEnd = at("2024-10-27T23:00:00Z");
      assertThat(Grain.DAY.startOf(20_023L, BERLIN)).isEqualTo(autumnStart);
      assertThat(Grain.DAY.startOf(20_024L, BERLIN)).isEqualTo(autumnEnd);
      assertThat(Duration.between(autumnStart, autumnEnd)).isEqualTo(Duration.ofHours(25));
      assertThat(Grain.DAY.bucketOf(autumnStart.minus(NANO), BERLIN)).isEqualTo(20_022L);
      assertThat(Grain.DAY.bucketOf(autumnStart, BERLIN)).isEqualTo(20_023L);
      assertThat(Grain.DAY.bucketOf(autumnEnd.minus(NANO), BERLIN)).isEqualTo(20_023L);
      assertThat(Grain.DAY.bucketOf(autumnEnd, BERLIN)).isEqualTo(20_024L);
    }
  }

  @Nested
  class NamedWindowsInUtc {
    // now = 2024-06-12T10:37:42.5Z: the current minute is 10:37 = 28,636,477, it ends at 10:38 = 28,636,478
    private final Instant now = at("2024-06-12T10:37:42.5Z");

    @Test
    @DisplayName("15m is the current minute and the 14 before it: minutes [10:23, 10:38)")
    void fifteenMinutes() {
      WindowPlan plan = DEFAULT.named("15m", UTC, now);
      // 28,636,478 − 15 = 28,636,463 = 10:23. 10:23..10:29 and 10:30..10:37 are all minutes (the quarter
      // 10:30–10:45 does not fit) and merge into one range.
      assertThat(plan.name()).isEqualTo("15m");
      assertThat(plan.from()).isEqualTo(at("2024-06-12T10:23:00Z"));
      assertThat(plan.to()).isEqualTo(at("2024-06-12T10:38:00Z"));
      assertThat(plan.ranges()).containsExactly(minutes(28_636_463L, 28_636_478L));
    }

    @Test
    @DisplayName("15m exactly on a minute boundary still ends after the current minute")
    void fifteenMinutesOnBoundary() {
      WindowPlan plan = DEFAULT.named("15m", UTC, at("2024-06-12T10:37:00Z"));
      assertThat(plan.from()).isEqualTo(at("2024-06-12T10:23:00Z"));
      assertThat(plan.to()).isEqualTo(at("2024-06-12T10:38:00Z"));
      assertThat(plan.ranges()).containsExactly(minutes(28_636_463L, 28_636_478L));
    }

    @Test
    @DisplayName("1h is [09:38, 10:38): minutes up to the first quarter, whole quarters, then minutes")
    void oneHour() {
      WindowPlan plan = DEFAULT.named("1h", UTC, now);
      // 09:38 = 28,636,418; 09:45 = 28,636,425; 10:30 = 28,636,470; 10:38 = 28,636,478
      assertThat(plan.from()).isEqualTo(at("2024-06-12T09:38:00Z"));
      assertThat(plan.to()).isEqualTo(at("2024-06-12T10:38:00Z"));
      assertThat(plan.ranges()).containsExactly(
          minutes(28_636_418L, 28_636_425L),
          quarters(28_636_425L, 28_636_470L),
          minutes(28_636_470L, 28_636_478L));
    }

    @Test
    @DisplayName("24h starts beyond the 6-hour minute retention, so its start widens to the quarter 2024-06-11T10:30Z")
    void twentyFourHours() {
      WindowPlan plan = DEFAULT.named("24h", UTC, now);
      // asked [2024-06-11T10:38Z, 10:38Z); minute cutoff 04:37:42.5Z, so 10:38 yesterday falls back to
      // its quarter 10:30 = 28,634,400 + 630 = 28,635,030; quarters up to 10:30 today = 28,636,470;
      // the UTC midnight between is no whole day inside the window; then minutes 10:30..10:37.
      assertThat(plan.from()).isEqualTo(at("2024-06-11T10:30:00Z"));
      assertThat(plan.to()).isEqualTo(at("2024-06-12T10:38:00Z"));
      assertThat(plan.ranges()).containsExactly(
          quarters(28_635_030L, 28_636_470L),
          minutes(28_636_470L, 28_636_478L));
    }

    @Test
    @DisplayName("today, 7d and 30d are whole UTC days including today")
    void days() {
      WindowPlan today = DEFAULT.named("today", UTC, now);
      assertThat(today.from()).isEqualTo(at("2024-06-12T00:00:00Z"));
      assertThat(today.to()).isEqualTo(at("2024-06-13T00:00:00Z"));
      assertThat(today.ranges()).containsExactly(dayRange(19_886L, 19_887L));

      // 7d: 19887 − 7 = 19880 = 2024-06-06
      WindowPlan week = DEFAULT.named("7d", UTC, now);
      assertThat(week.from()).isEqualTo(at("2024-06-06T00:00:00Z"));
      assertThat(week.to()).isEqualTo(at("2024-06-13T00:00:00Z"));
      assertThat(week.ranges()).containsExactly(dayRange(19_880L, 19_887L));

      // 30d: 19887 − 30 = 19857 = 2024-05-14
      WindowPlan month = DEFAULT.named("30d", UTC, now);
      assertThat(month.from()).isEqualTo(at("2024-05-14T00:00:00Z"));
      assertThat(month.to()).isEqualTo(at("2024-06-13T00:00:00Z"));
      assertThat(month.ranges()).containsExactly(dayRange(19_857L, 19_887L));
    }

    @Test
    @DisplayName("an unknown window name is rejected")
    void unknown() {
      assertThatThrownBy(() -> DEFAULT.named("2w", UTC, now)).isInstanceOf(IllegalArgumentException.class);
      assertThat(Windows.NAMES).containsExactlyInAnyOrder("15m", "1h", "24h", "today", "7d", "30d");
    }
  }

  @Nested
  class NamedWindowsInKathmandu {
    // now = 2024-06-12T18:37:42.5Z = 2024-06-13 00:22:42.5 local (+05:45): local today is June 13 = 19887,
    // although the UTC date is still June 12. Current minute 18:37 = 28,635,840 + 1117 = 28,636,957.
    private final Instant now = at("2024-06-12T18:37:42.5Z");

    @Test
    @DisplayName("15m in Kathmandu is the same UTC minutes [18:23, 18:38)")
    void fifteenMinutes() {
      WindowPlan plan = DEFAULT.named("15m", KATHMANDU, now);
      // 18:38 = 28,636,958; − 15 = 28,636,943
      assertThat(plan.from()).isEqualTo(at("2024-06-12T18:23:00Z"));
      assertThat(plan.to()).isEqualTo(at("2024-06-12T18:38:00Z"));
      assertThat(plan.ranges()).containsExactly(minutes(28_636_943L, 28_636_958L));
    }

    @Test
    @DisplayName("1h in Kathmandu crosses local midnight 18:15Z with quarters, not with a day")
    void oneHour() {
      WindowPlan plan = DEFAULT.named("1h", KATHMANDU, now);
      // [17:38, 18:38): 17:38 = 28,636,898, 17:45 = 28,636,905, 18:30 = 28,636,950, 18:38 = 28,636,958
      assertThat(plan.from()).isEqualTo(at("2024-06-12T17:38:00Z"));
      assertThat(plan.to()).isEqualTo(at("2024-06-12T18:38:00Z"));
      assertThat(plan.ranges()).containsExactly(
          minutes(28_636_898L, 28_636_905L),
          quarters(28_636_905L, 28_636_950L),
          minutes(28_636_950L, 28_636_958L));
    }

    @Test
    @DisplayName("24h in Kathmandu widens its start to the quarter 2024-06-11T18:30Z")
    void twentyFourHours() {
      WindowPlan plan = DEFAULT.named("24h", KATHMANDU, now);
      // 2024-06-11T18:30Z = 28,634,400 + 1110 = 28,635,510
      assertThat(plan.from()).isEqualTo(at("2024-06-11T18:30:00Z"));
      assertThat(plan.to()).isEqualTo(at("2024-06-12T18:38:00Z"));
      assertThat(plan.ranges()).containsExactly(
          quarters(28_635_510L, 28_636_950L),
          minutes(28_636_950L, 28_636_958L));
    }

    @Test
    @DisplayName("today, 7d and 30d are whole Kathmandu days including the local today (June 13)")
    void days() {
      WindowPlan today = DEFAULT.named("today", KATHMANDU, now);
      assertThat(today.from()).isEqualTo(at("2024-06-12T18:15:00Z"));
      assertThat(today.to()).isEqualTo(at("2024-06-13T18:15:00Z"));
      assertThat(today.ranges()).containsExactly(dayRange(19_887L, 19_888L));

      // 19888 − 7 = 19881 = June 7 local, starting 2024-06-06T18:15Z
      WindowPlan week = DEFAULT.named("7d", KATHMANDU, now);
      assertThat(week.from()).isEqualTo(at("2024-06-06T18:15:00Z"));
      assertThat(week.to()).isEqualTo(at("2024-06-13T18:15:00Z"));
      assertThat(week.ranges()).containsExactly(dayRange(19_881L, 19_888L));

      // 19888 − 30 = 19858 = May 15 local, starting 2024-05-14T18:15Z
      WindowPlan month = DEFAULT.named("30d", KATHMANDU, now);
      assertThat(month.from()).isEqualTo(at("2024-05-14T18:15:00Z"));
      assertThat(month.to()).isEqualTo(at("2024-06-13T18:15:00Z"));
      assertThat(month.ranges()).containsExactly(dayRange(19_858L, 19_888L));
    }

    @Test
    @DisplayName("one nanosecond before local midnight, today is still the previous local day")
    void todayJustBeforeMidnight() {
      WindowPlan today = DEFAULT.named("today", KATHMANDU, at("2024-06-12T18:14:59.999999999Z"));
      assertThat(today.from()).isEqualTo(at("2024-06-11T18:15:00Z"));
      assertThat(today.to()).isEqualTo(at("2024-06-12T18:15:00Z"));
      assertThat(today.ranges()).containsExactly(dayRange(19_886L, 19_887L));
    }
  }

  @Nested
  class NamedWindowsAcrossDst {
    @Test
    @DisplayName("today on Berlin's 23-hour day covers exactly 23 hours")
    void berlinSpring() {
      WindowPlan today = DEFAULT.named("today", BERLIN, at("2024-03-31T12:00:00Z"));
      assertThat(today.from()).isEqualTo(at("2024-03-30T23:00:00Z"));
      assertThat(today.to()).isEqualTo(at("2024-03-31T22:00:00Z"));
      assertThat(today.ranges()).containsExactly(dayRange(19_813L, 19_814L));
    }

    @Test
    @DisplayName("7d in Adelaide across the end of daylight saving starts at +10:30 and ends at +09:30")
    void adelaideWeek() {
      // now 2024-04-08T03:00Z = 2024-04-08 12:30 ACST: today = 19821; 7d = [19815, 19822) = April 2..8 local.
      // April 2 00:00 ACDT = 2024-04-01T13:30Z; April 9 00:00 ACST = 2024-04-08T14:30Z
      WindowPlan week = DEFAULT.named("7d", ADELAIDE, at("2024-04-08T03:00:00Z"));
      assertThat(week.from()).isEqualTo(at("2024-04-01T13:30:00Z"));
      assertThat(week.to()).isEqualTo(at("2024-04-08T14:30:00Z"));
      assertThat(week.ranges()).containsExactly(dayRange(19_815L, 19_822L));
    }
  }

  @Nested
  class CustomRanges {
    // now = 2024-06-12T18:37:42.5Z (2024-06-13 00:22:42.5 in Kathmandu)
    private final Instant now = at("2024-06-12T18:37:42.5Z");

    @Test
    @DisplayName("inside the minute retention: minutes for the ragged start, quarters to local midnight, a whole day, quarters, minutes")
    void wholeDaysQuartersAndMinutes() {
      // Minute retention 3 days, so everything below is minute-exact.
      Windows windows = new Windows(Duration.ofDays(3), Duration.ofDays(8));
      // from 2024-06-10T16:22Z = June 10 22:07 local; to 2024-06-11T19:53Z = June 12 01:38 local.
      WindowPlan plan = windows.range("custom", at("2024-06-10T16:22:00Z"), at("2024-06-11T19:53:00Z"), KATHMANDU, now);
      assertThat(plan.name()).isEqualTo("custom");
      assertThat(plan.from()).isEqualTo(at("2024-06-10T16:22:00Z"));
      assertThat(plan.to()).isEqualTo(at("2024-06-11T19:53:00Z"));
      assertThat(plan.ranges()).containsExactly(
          // 16:22..16:29Z (22:07..22:14 local): 28,632,960 + 982 = 28,633,942 to + 990 = 28,633,950
          minutes(28_633_942L, 28_633_950L),
          // 16:30Z..18:15Z (22:15 local to midnight): 7 quarters, 28,633,950 to 28,632,960 + 1095 = 28,634,055
          quarters(28_633_950L, 28_634_055L),
          // the whole local day June 11 = 19885, [2024-06-10T18:15Z, 2024-06-11T18:15Z)
          dayRange(19_885L, 19_886L),
          // 18:15Z..19:45Z (00:00..01:30 local on June 12): 6 quarters, 28,634,400 + 1095 = 28,635,495 to + 1185 = 28,635,585
          quarters(28_635_495L, 28_635_585L),
          // 19:45..19:52Z: 28,635,585 to 28,634,400 + 1193 = 28,635,593
          minutes(28_635_585L, 28_635_593L));
    }

    @Test
    @DisplayName("a custom range that is exactly Berlin's 23-hour day is one day bucket, and one more quarter before it adds one quarter")
    void berlinDstDay() {
      Windows windows = new Windows(Duration.ofDays(3), Duration.ofDays(8));
      Instant nowAfter = at("2024-04-01T00:00:00Z");
      WindowPlan exact = windows.range("custom", at("2024-03-30T23:00:00Z"), at("2024-03-31T22:00:00Z"), BERLIN, nowAfter);
      assertThat(exact.ranges()).containsExactly(dayRange(19_813L, 19_814L));
      assertThat(exact.from()).isEqualTo(at("2024-03-30T23:00:00Z"));
      assertThat(exact.to()).isEqualTo(at("2024-03-31T22:00:00Z"));

      // 2024-03-30T22:45Z = 19812 · 1440 + 1365 = 28,529,280 + 1365 = 28,530,645; 23:00Z = 28,530,660
      WindowPlan wider = windows.range("custom", at("2024-03-30T22:45:00Z"), at("2024-03-31T22:00:00Z"), BERLIN, nowAfter);
      assertThat(wider.ranges()).containsExactly(quarters(28_530_645L, 28_530_660L), dayRange(19_813L, 19_814L));
    }

    @Test
    @DisplayName("seconds in a custom range inside the minute retention round out to whole minutes")
    void secondsRoundOutToMinutes() {
      // [12:40:30Z, 12:43:10Z) → minutes 12:40, 12:41, 12:42, 12:43; 12:40 = 28,635,840 + 760 = 28,636,600
      WindowPlan plan = DEFAULT.range("custom", at("2024-06-12T12:40:30Z"), at("2024-06-12T12:43:10Z"), KATHMANDU, now);
      assertThat(plan.from()).isEqualTo(at("2024-06-12T12:40:00Z"));
      assertThat(plan.to()).isEqualTo(at("2024-06-12T12:44:00Z"));
      assertThat(plan.ranges()).containsExactly(minutes(28_636_600L, 28_636_604L));
    }

    @Test
    @DisplayName("an empty custom range has no buckets")
    void empty() {
      Instant t = at("2024-06-12T12:40:00Z");
      WindowPlan plan = DEFAULT.range("custom", t, t, KATHMANDU, now);
      assertThat(plan.ranges()).isEmpty();
      assertThat(plan.from()).isEqualTo(t);
      assertThat(plan.to()).isEqualTo(t);
    }

    @Test
    @DisplayName("a ragged start beyond the minute retention falls back to its quarter and the reported from widens")
    void beyondMinuteRetention() {
      // minute cutoff = 18:37:42.5Z − 6 h = 12:37:42.5Z. from 10:07Z → quarter 10:00Z = 28,636,440;
      // quarters up to 13:00Z = 28,636,620; 13:00Z is after the minute cutoff: minutes to 13:07Z = 28,636,627.
      WindowPlan plan = DEFAULT.range("custom", at("2024-06-12T10:07:00Z"), at("2024-06-12T13:07:00Z"), KATHMANDU, now);
      assertThat(plan.from()).isEqualTo(at("2024-06-12T10:00:00Z"));
      assertThat(plan.to()).isEqualTo(at("2024-06-12T13:07:00Z"));
      assertThat(plan.ranges()).containsExactly(
          quarters(28_636_440L, 28_636_620L),
          minutes(28_636_620L, 28_636_627L));
    }

    @Test
    @DisplayName("a ragged end beyond the minute retention rounds up to the end of its quarter and the reported to widens")
    void raggedEndBeyondMinuteRetention() {
      // [10:07Z, 12:22Z): quarters 10:00 .. 12:15, the last one widened to 12:30Z = 28,636,590
      WindowPlan plan = DEFAULT.range("custom", at("2024-06-12T10:07:00Z"), at("2024-06-12T12:22:00Z"), KATHMANDU, now);
      assertThat(plan.from()).isEqualTo(at("2024-06-12T10:00:00Z"));
      assertThat(plan.to()).isEqualTo(at("2024-06-12T12:30:00Z"));
      assertThat(plan.ranges()).containsExactly(quarters(28_636_440L, 28_636_590L));
    }

    @Test
    @DisplayName("a start beyond the quarter retention falls back to its local day: days, then quarters, then minutes")
    void beyondQuarterRetention() {
      // quarter cutoff = 18:37:42.5Z − 8 days = 2024-06-04T18:37:42.5Z.
      // from 2024-06-02T09:05Z = June 2 14:50 local → day 19876, widened to its start 2024-06-01T18:15Z;
      // then whole local days June 3 .. June 11 (19877 .. 19885; local June 12 ends 2024-06-12T18:15Z, after to),
      // so days [19876, 19886) end at 2024-06-11T18:15Z = 28,634,400 + 1095 = 28,635,495, which is after the
      // quarter cutoff: quarters up to 13:00Z = 28,636,620, then minutes to 13:07Z = 28,636,627.
      WindowPlan plan = DEFAULT.range("custom", at("2024-06-02T09:05:00Z"), at("2024-06-12T13:07:00Z"), KATHMANDU, now);
      assertThat(plan.from()).isEqualTo(at("2024-06-01T18:15:00Z"));
      assertThat(plan.to()).isEqualTo(at("2024-06-12T13:07:00Z"));
      assertThat(plan.ranges()).containsExactly(
          dayRange(19_876L, 19_886L),
          quarters(28_635_495L, 28_636_620L),
          minutes(28_636_620L, 28_636_627L));
    }

    @Test
    @DisplayName("a start whose quarter began before the quarter cutoff falls back to the whole local day")
    void quarterStraddlingTheCutoff() {
      // from 2024-06-04T18:40Z: after the quarter cutoff 18:37:42.5Z, but its quarter 18:30Z starts before it
      // (and is pruned), so the local day June 5 = 19879 is used, from 2024-06-04T18:15Z; to = local June 6
      // 00:00 = 2024-06-05T18:15Z, exactly one day.
      WindowPlan plan = DEFAULT.range("custom", at("2024-06-04T18:40:00Z"), at("2024-06-05T18:15:00Z"), KATHMANDU, now);
      assertThat(plan.from()).isEqualTo(at("2024-06-04T18:15:00Z"));
      assertThat(plan.to()).isEqualTo(at("2024-06-05T18:15:00Z"));
      assertThat(plan.ranges()).containsExactly(dayRange(19_879L, 19_880L));
    }

    @Test
    @DisplayName("a quarter starting exactly at the quarter cutoff is still used")
    void quarterOnTheCutoff() {
      // now 2024-06-12T18:45Z → quarter cutoff 2024-06-04T18:45Z exactly.
      // 2024-06-04 = 19886 − 8 = 19878; 19878 · 1440 = 28,624,320; 18:45 → + 1125 = 28,625,445; 19:00 → 28,625,460
      Instant exactNow = at("2024-06-12T18:45:00Z");
      WindowPlan plan = DEFAULT.range("custom", at("2024-06-04T18:45:00Z"), at("2024-06-04T19:00:00Z"), KATHMANDU, exactNow);
      assertThat(plan.ranges()).containsExactly(quarters(28_625_445L, 28_625_460L));
      assertThat(plan.from()).isEqualTo(at("2024-06-04T18:45:00Z"));
      assertThat(plan.to()).isEqualTo(at("2024-06-04T19:00:00Z"));
    }

    @Test
    @DisplayName("an end beyond the quarter retention rounds up to the end of its local day")
    void raggedEndBeyondQuarterRetention() {
      // [2024-06-02T18:15Z, 2024-06-04T03:10Z): local June 3 whole (19877), then local June 4 from 2024-06-03T18:15Z
      // is not whole and is past both retentions → day 19878, to widened to 2024-06-04T18:15Z.
      WindowPlan plan = DEFAULT.range("custom", at("2024-06-02T18:15:00Z"), at("2024-06-04T03:10:00Z"), KATHMANDU, now);
      assertThat(plan.from()).isEqualTo(at("2024-06-02T18:15:00Z"));
      assertThat(plan.to()).isEqualTo(at("2024-06-04T18:15:00Z"));
      assertThat(plan.ranges()).containsExactly(dayRange(19_877L, 19_879L));
    }
  }
}
