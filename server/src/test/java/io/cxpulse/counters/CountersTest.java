package io.cxpulse.counters;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxpulse.score.Tally;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Counters, their deltas and pruning, with hand-computed bucket numbers. Reference points:
 * 2024-06-12 is epoch day 19886, its 00:00Z is epoch minute 19886 · 1440 = 28,635,840.
 */
class CountersTest {

  private static final ZoneId UTC = ZoneOffset.UTC;
  private static final ZoneId KATHMANDU = ZoneId.of("Asia/Kathmandu");
  private static final Duration MINUTE_RETENTION = Duration.ofHours(6);
  private static final Duration QUARTER_RETENTION = Duration.ofDays(8);
  private static final Duration FOREVER = Duration.ofDays(3650);

  private static Instant at(String iso) {
    return Instant.parse(iso);
  }

  private static Feedback feedback(String touchpoint, Instant at, Integer nps) {
    return new Feedback("e-" + at, touchpoint, at, "web", null, nps, null, null, null, new int[5],
        List.of(), List.of(), Map.of(), null, false, Map.of());
  }

  private static CounterKey key(Grain grain, long bucket, String metric, String key, int idx) {
    return new CounterKey("acme", "branch", grain, bucket, metric, key, idx);
  }

  private static WindowPlan plan(Grain grain, long from, long to) {
    return new WindowPlan("test", Instant.EPOCH, Instant.EPOCH, List.of(new WindowPlan.Range(grain, from, to)));
  }

  @Nested
  class Deltas {
    // 2024-06-12T10:37:42.5Z: minute 28,635,840 + 637 = 28,636,477; quarter 10:30 = 28,636,470;
    // Kathmandu local time 16:22:42.5 on June 12 → day 19886
    private final Instant t = at("2024-06-12T10:37:42.5Z");
    private final Instant now = at("2024-06-12T11:00:00Z");

    private Feedback full(Integer nps) {
      Map<String, Integer> values = new LinkedHashMap<>();
      values.put("speed", 8);
      values.put("price", 3);
      return new Feedback("e1", "branch", t, "kiosk", "c-17", nps, 4, null, 6,
          new int[] {5, 0, 3, 0, 1}, // reliability 5, tangibles 3, responsiveness 1
          List.of("wait", "staff"), List.of("wait.queue"), values, "slow queue", true, Map.of());
    }

    @Test
    @DisplayName("one full feedback produces the same 13 counter keys at each of the three grains, each counted once")
    void oneFeedback() {
      CounterDeltas d = new CounterDeltas(now, MINUTE_RETENTION, QUARTER_RETENTION);
      d.add("acme", KATHMANDU, full(9));

      Map<CounterKey, Long> expected = new LinkedHashMap<>();
      for (Object[] g : new Object[][] {{Grain.MINUTE, 28_636_477L}, {Grain.QUARTER, 28_636_470L}, {Grain.DAY, 19_886L}}) {
        Grain grain = (Grain) g[0];
        long b = (Long) g[1];
        expected.put(key(grain, b, "responses", "", 0), 1L);
        expected.put(key(grain, b, "nps", "", 9), 1L);
        expected.put(key(grain, b, "csat", "", 4), 1L);
        expected.put(key(grain, b, "ces", "", 6), 1L);
        expected.put(key(grain, b, "rater", "reliability", 5), 1L);
        expected.put(key(grain, b, "rater", "tangibles", 3), 1L);
        expected.put(key(grain, b, "rater", "responsiveness", 1), 1L);
        // nps 9 is a promoter: slot 2
        expected.put(key(grain, b, "reason", "wait", Tally.PROMOTER), 1L);
        expected.put(key(grain, b, "reason", "staff", Tally.PROMOTER), 1L);
        expected.put(key(grain, b, "reason", "wait.queue", Tally.PROMOTER), 1L);
        expected.put(key(grain, b, "value", "speed", 8), 1L);
        expected.put(key(grain, b, "value", "price", 3), 1L);
        expected.put(key(grain, b, "comment", "", 0), 1L);
      }
      assertThat(d.isEmpty()).isFalse();
      assertThat(d.asMap()).containsExactlyInAnyOrderEntriesOf(expected);
      assertThat(d.asMap()).hasSize(39);
    }

    @Test
    @DisplayName("keys come out in primary-key order: day ('d') before minute ('m') before quarter ('q')")
    void sortedByKey() {
      CounterDeltas d = new CounterDeltas(now, MINUTE_RETENTION, QUARTER_RETENTION);
      d.add("acme", KATHMANDU, full(9));
      d.add("acme", KATHMANDU, feedback("atm", t, 3));
      List<CounterKey> keys = new ArrayList<>(d.asMap().keySet());
      assertThat(keys).isSorted();
      assertThat(keys.get(0).touchpoint()).isEqualTo("atm");
      assertThat(keys.get(0).grain()).isEqualTo(Grain.DAY);
      assertThat(keys.get(keys.size() - 1)).isEqualTo(key(Grain.QUARTER, 28_636_470L, "value", "speed", 8));
    }

    @Test
    @DisplayName("reason slots follow the NPS category: 0–6 detractor, 7–8 passive, 9–10 promoter, slot 3 without NPS")
    void reasonSlots() {
      Object[][] cases = {{0, 0}, {6, 0}, {7, 1}, {8, 1}, {9, 2}, {10, 2}, {null, 3}};
      for (Object[] c : cases) {
        Integer nps = (Integer) c[0];
        CounterDeltas d = new CounterDeltas(now, MINUTE_RETENTION, QUARTER_RETENTION);
        d.add("acme", KATHMANDU, full(nps));
        int slot = (Integer) c[1];
        assertThat(d.asMap())
            .as("nps %s", nps)
            .containsEntry(key(Grain.DAY, 19_886L, "reason", "wait", slot), 1L)
            .containsEntry(key(Grain.MINUTE, 28_636_477L, "reason", "wait.queue", slot), 1L);
        long reasonKeys = d.asMap().keySet().stream().filter(k -> k.metric().equals("reason")).count();
        assertThat(reasonKeys).as("nps %s", nps).isEqualTo(9); // 3 reasons × 3 grains, one slot each
        if (nps == null) {
          assertThat(d.asMap().keySet()).noneMatch(k -> k.metric().equals("nps"));
        } else {
          assertThat(d.asMap()).containsEntry(key(Grain.QUARTER, 28_636_470L, "nps", "", nps), 1L);
        }
      }
    }

    @Test
    @DisplayName("a minimal feedback counts only responses; csat3 is counted at its own index")
    void minimal() {
      CounterDeltas d = new CounterDeltas(now, MINUTE_RETENTION, QUARTER_RETENTION);
      d.add("acme", UTC, feedback("branch", t, null));
      // in UTC 10:37Z is still June 12 = 19886
      assertThat(d.asMap()).containsOnlyKeys(
          key(Grain.MINUTE, 28_636_477L, "responses", "", 0),
          key(Grain.QUARTER, 28_636_470L, "responses", "", 0),
          key(Grain.DAY, 19_886L, "responses", "", 0));

      CounterDeltas d3 = new CounterDeltas(now, MINUTE_RETENTION, QUARTER_RETENTION);
      d3.add("acme", UTC, new Feedback("e3", "branch", t, "web", null, null, null, 2, null, new int[5],
          List.of(), List.of(), Map.of(), null, false, Map.of()));
      assertThat(d3.asMap()).containsEntry(key(Grain.DAY, 19_886L, "csat3", "", 2), 1L).hasSize(6);
    }

    @Test
    @DisplayName("the day bucket is the tenant's local day: 18:20Z is already the next day in Kathmandu")
    void localDay() {
      // 2024-06-12T18:20Z = 2024-06-13 00:05 local (+05:45) → 19887; in UTC still 19886
      Instant late = at("2024-06-12T18:20:00Z");
      CounterDeltas k = new CounterDeltas(late, MINUTE_RETENTION, QUARTER_RETENTION);
      k.add("acme", KATHMANDU, feedback("branch", late, null));
      assertThat(k.asMap()).containsKey(key(Grain.DAY, 19_887L, "responses", "", 0));
      CounterDeltas u = new CounterDeltas(late, MINUTE_RETENTION, QUARTER_RETENTION);
      u.add("acme", UTC, feedback("branch", late, null));
      assertThat(u.asMap()).containsKey(key(Grain.DAY, 19_886L, "responses", "", 0));
    }

    @Test
    @DisplayName("deltas are pre-aggregated per key: the same feedback twice counts 2 on one key")
    void preAggregated() {
      CounterDeltas d = new CounterDeltas(now, MINUTE_RETENTION, QUARTER_RETENTION);
      d.add("acme", KATHMANDU, full(9));
      d.add("acme", KATHMANDU, full(9));
      assertThat(d.asMap()).hasSize(39).containsEntry(key(Grain.MINUTE, 28_636_477L, "responses", "", 0), 2L);
      assertThat(d.asMap().values()).containsOnly(2L);
    }

    @Test
    @DisplayName("an empty delta set is empty")
    void empty() {
      assertThat(new CounterDeltas(now, MINUTE_RETENTION, QUARTER_RETENTION).isEmpty()).isTrue();
    }

    @Test
    @DisplayName("minute buckets that start before the minute cutoff and quarters before the quarter cutoff are skipped; days never")
    void retention() {
      // now 2024-06-12T18:00Z: minute cutoff 12:00Z, quarter cutoff 2024-06-04T18:00Z
      Instant writeNow = at("2024-06-12T18:00:00Z");
      CounterDeltas d = new CounterDeltas(writeNow, MINUTE_RETENTION, QUARTER_RETENTION);
      // 11:59:59.999999999Z: minute 11:59 (28,635,840 + 719 = 28,636,559) skipped, quarter 11:45 (28,636,545) kept
      d.add("acme", UTC, feedback("a", at("2024-06-12T11:59:59.999999999Z"), null));
      // 12:00Z exactly: minute 28,636,560 kept
      d.add("acme", UTC, feedback("b", at("2024-06-12T12:00:00Z"), null));
      // 2024-06-04T17:59Z: quarter 17:45 (19878 · 1440 + 1065 = 28,625,385) skipped, day 19878 kept
      d.add("acme", UTC, feedback("c", at("2024-06-04T17:59:00Z"), null));
      // 2024-06-04T18:00Z exactly: quarter 28,625,400 kept
      d.add("acme", UTC, feedback("d", at("2024-06-04T18:00:00Z"), null));

      assertThat(d.asMap().keySet()).extracting(k -> k.touchpoint() + " " + k.grain().code() + k.bucket())
          .containsExactlyInAnyOrder(
              "a q28636545", "a d19886",
              "b m28636560", "b q28636560", "b d19886",
              "c d19878",
              "d q28625400", "d d19878");
    }

    @Test
    @DisplayName("with a cutoff inside a minute, that minute is skipped: it would be pruned, the first kept minute starts after the cutoff")
    void cutoffInsideAMinute() {
      // now 18:00:30Z → minute cutoff 12:00:30Z; an event at 12:00:45Z is in minute 12:00 (28,636,560), which starts
      // before the cutoff; the prune cut Grain.MINUTE.firstBucketFrom(12:00:30Z) is 12:01 = 28,636,561.
      CounterDeltas d = new CounterDeltas(at("2024-06-12T18:00:30Z"), MINUTE_RETENTION, QUARTER_RETENTION);
      d.add("acme", UTC, feedback("branch", at("2024-06-12T12:00:45Z"), null));
      assertThat(d.asMap().keySet()).noneMatch(k -> k.grain() == Grain.MINUTE);
      assertThat(Grain.MINUTE.firstBucketFrom(at("2024-06-12T12:00:30Z"))).isEqualTo(28_636_561L);
      d.add("acme", UTC, feedback("branch", at("2024-06-12T12:01:00Z"), null));
      assertThat(d.asMap()).containsKey(key(Grain.MINUTE, 28_636_561L, "responses", "", 0));
    }
  }

  @Nested
  class Pruning {
    private Counters sample() {
      Counters c = new Counters();
      // acme/branch minutes 10:36, 10:37, 10:38 = 28,636,476 .. 28,636,478 with 1, 2, 4 responses
      c.apply(key(Grain.MINUTE, 28_636_476L, "responses", "", 0), 1);
      c.apply(key(Grain.MINUTE, 28_636_477L, "responses", "", 0), 2);
      c.apply(key(Grain.MINUTE, 28_636_478L, "responses", "", 0), 4);
      // quarters 10:15 and 10:30 = 28,636,455 and 28,636,470 with 8 and 16
      c.apply(key(Grain.QUARTER, 28_636_455L, "responses", "", 0), 8);
      c.apply(key(Grain.QUARTER, 28_636_470L, "responses", "", 0), 16);
      // day 19886 with 32
      c.apply(key(Grain.DAY, 19_886L, "responses", "", 0), 32);
      // another tenant's minutes 10:35 and 10:38 with 64 and 128
      c.apply(new CounterKey("beta", "kiosk", Grain.MINUTE, 28_636_475L, "responses", "", 0), 64);
      c.apply(new CounterKey("beta", "kiosk", Grain.MINUTE, 28_636_478L, "responses", "", 0), 128);
      return c;
    }

    @Test
    @DisplayName("prune removes exactly the minute buckets before the cut, in every tenant, and leaves quarters and days alone")
    void pruneMinutes() {
      Counters c = sample();
      assertThat(c.bucketCount()).isEqualTo(8);
      // cut = first minute from 10:37:00.000000001Z = 10:38 = 28,636,478: removes 476, 477 and beta's 475
      long cut = Grain.MINUTE.firstBucketFrom(at("2024-06-12T10:37:00.000000001Z"));
      assertThat(cut).isEqualTo(28_636_478L);
      assertThat(c.prune(Grain.MINUTE, cut)).isEqualTo(3);
      assertThat(c.bucketCount()).isEqualTo(5);

      WindowPlan allMinutes = plan(Grain.MINUTE, 0, Long.MAX_VALUE);
      assertThat(c.sum("acme", "branch", allMinutes).responses()).isEqualTo(4);
      assertThat(c.sum("beta", "kiosk", allMinutes).responses()).isEqualTo(128);
      assertThat(c.sum("acme", "branch", plan(Grain.QUARTER, 0, Long.MAX_VALUE)).responses()).isEqualTo(24);
      assertThat(c.sum("acme", "branch", plan(Grain.DAY, 0, Long.MAX_VALUE)).responses()).isEqualTo(32);

      // pruning again at the same cut removes nothing; the bucket at the cut itself is kept
      assertThat(c.prune(Grain.MINUTE, cut)).isZero();
      assertThat(c.sum("acme", "branch", plan(Grain.MINUTE, 28_636_478L, 28_636_479L)).responses()).isEqualTo(4);
    }

    @Test
    @DisplayName("prune of quarters removes exactly the quarters before the cut and leaves minutes and days alone")
    void pruneQuarters() {
      Counters c = sample();
      // cut = first quarter from 10:15:00.5Z = 10:30 = 28,636,470
      long cut = Grain.QUARTER.firstBucketFrom(at("2024-06-12T10:15:00.5Z"));
      assertThat(cut).isEqualTo(28_636_470L);
      assertThat(c.prune(Grain.QUARTER, cut)).isEqualTo(1);
      assertThat(c.sum("acme", "branch", plan(Grain.QUARTER, 0, Long.MAX_VALUE)).responses()).isEqualTo(16);
      assertThat(c.sum("acme", "branch", plan(Grain.MINUTE, 0, Long.MAX_VALUE)).responses()).isEqualTo(7);
      assertThat(c.sum("beta", "kiosk", plan(Grain.MINUTE, 0, Long.MAX_VALUE)).responses()).isEqualTo(192);
      assertThat(c.sum("acme", "branch", plan(Grain.DAY, 0, Long.MAX_VALUE)).responses()).isEqualTo(32);
      assertThat(c.bucketCount()).isEqualTo(7);
    }

    @Test
    @DisplayName("a sum is over [fromBucket, toBucket) of each range, and unknown tenants or touchpoints sum to nothing")
    void sumBounds() {
      Counters c = sample();
      assertThat(c.sum("acme", "branch", plan(Grain.MINUTE, 28_636_476L, 28_636_478L)).responses()).isEqualTo(3);
      assertThat(c.sum("acme", "branch", plan(Grain.QUARTER, 28_636_455L, 28_636_470L)).responses()).isEqualTo(8);
      assertThat(c.sum("acme", "branch", new WindowPlan("x", Instant.EPOCH, Instant.EPOCH, List.of(
          new WindowPlan.Range(Grain.MINUTE, 28_636_478L, 28_636_479L),
          new WindowPlan.Range(Grain.DAY, 19_886L, 19_887L)))).responses()).isEqualTo(36);
      assertThat(c.sum("acme", List.of("branch", "nowhere"), plan(Grain.DAY, 19_886L, 19_887L)).responses()).isEqualTo(32);
      assertThat(c.sum("nobody", "branch", plan(Grain.DAY, 0, Long.MAX_VALUE)).isEmpty()).isTrue();
      assertThat(c.sum("acme", "nowhere", plan(Grain.DAY, 0, Long.MAX_VALUE)).isEmpty()).isTrue();
    }
  }

  @Nested
  class WindowsOverCounters {
    private record Event(String touchpoint, Instant at, Integer nps) {}

    // now = 2024-06-12T18:37:42.123456789Z unless a test crosses a DST change; events over the 10 days before
    private static final Instant JUNE = at("2024-06-12T18:37:42.123456789Z");
    private final Windows windows = new Windows(MINUTE_RETENTION, QUARTER_RETENTION);
    private final List<String> touchpoints = List.of("branch", "app");

    private List<Event> events(Random rnd, ZoneId zone, Instant now) {
      List<Event> out = new ArrayList<>();
      long span = Duration.ofDays(10).toNanos();
      for (int i = 0; i < 3000; i++) {
        Instant t;
        int shape = rnd.nextInt(10);
        long back = (long) (rnd.nextDouble() * span);
        t = now.minusNanos(back);
        // put some events exactly on minute, quarter and hour boundaries
        if (shape == 0) t = t.truncatedTo(ChronoUnit.MINUTES);
        if (shape == 1) t = t.truncatedTo(ChronoUnit.HOURS).plus(15L * rnd.nextInt(4), ChronoUnit.MINUTES);
        if (shape == 2) t = t.truncatedTo(ChronoUnit.HOURS).plus(45, ChronoUnit.MINUTES).minusNanos(1);
        Integer nps = rnd.nextInt(5) == 0 ? null : rnd.nextInt(11);
        out.add(new Event(touchpoints.get(rnd.nextInt(2)), t, nps));
      }
      // and events exactly at and just around every local midnight of the 10 days
      for (int day = 0; day < 10; day++) {
        Instant midnight = LocalDate.ofInstant(now, zone).minusDays(day).atStartOfDay(zone).toInstant();
        out.add(new Event("branch", midnight, 10));
        out.add(new Event("app", midnight.minusNanos(1), 0));
        out.add(new Event("branch", midnight.plusNanos(1), null));
      }
      return out;
    }

    private Instant randomInstant(Random rnd, ZoneId zone, Instant earliest, Instant latest) {
      long span = Duration.between(earliest, latest).toNanos();
      Instant t = earliest.plusNanos((long) (rnd.nextDouble() * span));
      return switch (rnd.nextInt(5)) {
        case 0 -> t.truncatedTo(ChronoUnit.MINUTES);
        case 1 -> Grain.QUARTER.startOf(Grain.QUARTER.bucketOf(t, zone), zone);
        case 2 -> Grain.DAY.startOf(Grain.DAY.bucketOf(t, zone), zone);
        default -> t;
      };
    }

    private void check(ZoneId zone, Counters counters, List<Event> events, WindowPlan plan, String what) {
      long responses = 0;
      long withNps = 0;
      long branch = 0;
      for (Event e : events) {
        if (e.at().isBefore(plan.from()) || !e.at().isBefore(plan.to())) continue;
        responses++;
        if (e.nps() != null) withNps++;
        if (e.touchpoint().equals("branch")) branch++;
      }
      Tally all = counters.sum("acme", touchpoints, plan);
      String desc = what + " in " + zone + ": " + plan;
      assertThat(all.responses()).as(desc).isEqualTo(responses);
      assertThat(java.util.Arrays.stream(all.nps()).sum()).as(desc).isEqualTo(withNps);
      assertThat(counters.sum("acme", "branch", plan).responses()).as(desc).isEqualTo(branch);
    }

    private void property(ZoneId zone, Instant now, long seed) {
      Random rnd = new Random(seed);
      List<Event> events = events(rnd, zone, now);

      // (a) all buckets written (cutoffs ten years back), then pruned as the verticle does
      CounterDeltas everything = new CounterDeltas(now, FOREVER, FOREVER);
      // (b) buckets written with the real retentions, never pruned
      CounterDeltas retained = new CounterDeltas(now, MINUTE_RETENTION, QUARTER_RETENTION);
      for (Event e : events) {
        Feedback f = feedback(e.touchpoint(), e.at(), e.nps());
        everything.add("acme", zone, f);
        retained.add("acme", zone, f);
      }
      Counters pruned = new Counters();
      pruned.applyAll(everything.asMap());
      Counters unpruned = new Counters();
      unpruned.applyAll(everything.asMap());
      pruned.prune(Grain.MINUTE, Grain.MINUTE.firstBucketFrom(now.minus(MINUTE_RETENTION)));
      pruned.prune(Grain.QUARTER, Grain.QUARTER.firstBucketFrom(now.minus(QUARTER_RETENTION)));
      Counters written = new Counters();
      written.applyAll(retained.asMap());

      List<WindowPlan> plans = new ArrayList<>();
      for (String name : Windows.NAMES) plans.add(windows.named(name, zone, now));
      Instant earliest = now.minus(QUARTER_RETENTION);
      for (int i = 0; i < 300; i++) {
        Instant from = randomInstant(rnd, zone, earliest, now);
        Instant to = rnd.nextInt(4) == 0
            ? from.plus(rnd.nextInt(120), ChronoUnit.MINUTES) // short windows
            : randomInstant(rnd, zone, from, now.plus(Duration.ofHours(2)));
        plans.add(windows.range("custom", from, to, zone, now));
      }
      // the plans really cover what they claim: from ≤ every bucket start, every bucket end ≤ to, no gaps
      for (WindowPlan plan : plans) {
        Instant cursor = plan.from();
        for (WindowPlan.Range r : plan.ranges()) {
          assertThat(r.grain().startOf(r.fromBucket(), zone)).as("contiguous %s", plan).isEqualTo(cursor);
          cursor = r.grain().startOf(r.toBucket(), zone);
        }
        if (!plan.ranges().isEmpty()) assertThat(cursor).as("ends at to %s", plan).isEqualTo(plan.to());
      }
      for (WindowPlan plan : plans) {
        check(zone, unpruned, events, plan, "all buckets");
        check(zone, pruned, events, plan, "pruned buckets");
        check(zone, written, events, plan, "retained buckets");
      }
    }

    @Test
    @DisplayName("for random events and windows, the counter sum equals the events inside [from, to), in Asia/Kathmandu (+05:45)")
    void kathmandu() {
      property(KATHMANDU, JUNE, 20240612L);
    }

    @Test
    @DisplayName("for random events and windows, the counter sum equals the events inside [from, to), in UTC")
    void utc() {
      property(UTC, JUNE, 42L);
    }

    @Test
    @DisplayName("for random events and windows, the counter sum equals the events inside [from, to), in America/St_Johns (−02:30)")
    void stJohns() {
      property(ZoneId.of("America/St_Johns"), JUNE, 7L);
    }

    @Test
    @DisplayName("for random events and windows across Berlin's 23-hour day (2024-03-31), the counter sum equals the events inside [from, to)")
    void berlinSpring() {
      property(ZoneId.of("Europe/Berlin"), at("2024-04-03T10:11:12.5Z"), 31L);
    }

    @Test
    @DisplayName("for random events and windows across Adelaide's 25-hour day (2024-04-07), the counter sum equals the events inside [from, to)")
    void adelaideAutumn() {
      property(ZoneId.of("Australia/Adelaide"), at("2024-04-10T01:02:03Z"), 74L);
    }
  }
}
