package io.cxpulse.counters;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Turns a window name or a custom range into bucket ranges.
 * <ul>
 *   <li>{@code 15m}, {@code 1h}: rolling, exact to the minute: the current minute and the
 *       previous 14 (59) minutes;</li>
 *   <li>{@code 24h}: rolling, the current minute back 24 hours;</li>
 *   <li>{@code today}, {@code 7d}, {@code 30d}: whole local days in the tenant's time zone, the
 *       current day included (so 7d = today and the 6 days before);</li>
 *   <li>a custom [from, to): the coarsest buckets that fit, minute-exact where minute buckets are
 *       still kept, rounded out to quarter hours or days beyond that.</li>
 * </ul>
 */
public final class Windows {
  public static final Set<String> NAMES = Set.of("15m", "1h", "24h", "today", "7d", "30d");

  private final Duration minuteRetention;
  private final Duration quarterRetention;

  public Windows(Duration minuteRetention, Duration quarterRetention) {
    this.minuteRetention = minuteRetention;
    this.quarterRetention = quarterRetention;
  }

  public WindowPlan named(String name, ZoneId zone, Instant now) {
    Instant minuteEnd = now.truncatedTo(ChronoUnit.MINUTES).plus(1, ChronoUnit.MINUTES);
    LocalDate today = LocalDate.ofInstant(now, zone);
    long todayBucket = today.toEpochDay();
    return switch (name) {
      case "15m" -> rolling(name, minuteEnd, 15, zone, now);
      case "1h" -> rolling(name, minuteEnd, 60, zone, now);
      case "24h" -> range(name, minuteEnd.minus(24, ChronoUnit.HOURS), minuteEnd, zone, now);
      case "today" -> days(name, todayBucket, 1, zone);
      case "7d" -> days(name, todayBucket, 7, zone);
      case "30d" -> days(name, todayBucket, 30, zone);
      default -> throw new IllegalArgumentException("unknown window " + name);
    };
  }

  private WindowPlan rolling(String name, Instant minuteEnd, int minutes, ZoneId zone, Instant now) {
    return range(name, minuteEnd.minus(minutes, ChronoUnit.MINUTES), minuteEnd, zone, now);
  }

  private static WindowPlan days(String name, long lastDay, int count, ZoneId zone) {
    long first = lastDay - count + 1;
    return new WindowPlan(name, Grain.DAY.startOf(first, zone), Grain.DAY.startOf(lastDay + 1, zone),
        List.of(new WindowPlan.Range(Grain.DAY, first, lastDay + 1)));
  }

  /** A custom window [from, to), using whole local days, then quarters, then minutes where each is kept. */
  public WindowPlan range(String name, Instant from, Instant to, ZoneId zone, Instant now) {
    Instant minuteCutoff = now.minus(minuteRetention);
    Instant quarterCutoff = now.minus(quarterRetention);
    Instant cur = from.truncatedTo(ChronoUnit.MINUTES);
    Instant start = null;
    List<WindowPlan.Range> ranges = new ArrayList<>();
    while (cur.isBefore(to)) {
      Grain grain;
      long bucket;
      long day = Grain.DAY.bucketOf(cur, zone);
      Instant dayStart = Grain.DAY.startOf(day, zone);
      Instant nextDay = Grain.DAY.startOf(day + 1, zone);
      long quarter = Grain.QUARTER.bucketOf(cur, zone);
      Instant quarterStart = Grain.QUARTER.startOf(quarter, zone);
      if (dayStart.equals(cur) && !nextDay.isAfter(to)) {
        grain = Grain.DAY;
        bucket = day;
      } else if (quarterStart.equals(cur) && !cur.plus(15, ChronoUnit.MINUTES).isAfter(to)
          && !cur.isBefore(quarterCutoff)) {
        grain = Grain.QUARTER;
        bucket = quarter;
      } else if (!cur.isBefore(minuteCutoff)) {
        grain = Grain.MINUTE;
        bucket = Grain.MINUTE.bucketOf(cur, zone);
      } else if (!quarterStart.isBefore(quarterCutoff)) {
        grain = Grain.QUARTER;
        bucket = quarter;
      } else {
        grain = Grain.DAY;
        bucket = day;
      }
      Instant bucketStart = grain.startOf(bucket, zone);
      if (start == null) start = bucketStart;
      append(ranges, grain, bucket);
      cur = grain.startOf(grain.next(bucket), zone);
    }
    if (start == null) start = from;
    return new WindowPlan(name, start, cur.isAfter(to) ? cur : to, List.copyOf(ranges));
  }

  /** The period of the same length that ends where {@code plan} starts (for compare=previous). */
  public WindowPlan previous(WindowPlan plan, ZoneId zone, Instant now) {
    Instant from = plan.from();
    return range("previous", from.minus(Duration.between(from, plan.to())), from, zone, now);
  }

  private static void append(List<WindowPlan.Range> ranges, Grain grain, long bucket) {
    if (!ranges.isEmpty()) {
      WindowPlan.Range last = ranges.get(ranges.size() - 1);
      if (last.grain() == grain && last.toBucket() == bucket) {
        ranges.set(ranges.size() - 1, new WindowPlan.Range(grain, last.fromBucket(), grain.next(bucket)));
        return;
      }
    }
    ranges.add(new WindowPlan.Range(grain, bucket, grain.next(bucket)));
  }
}
