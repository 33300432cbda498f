package io.cxpulse.analysis;

import io.cxpulse.counters.Grain;
import io.cxpulse.counters.WindowPlan;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits [from, to) into trend steps in the tenant's time zone, each one range of buckets:
 * minutes from minute buckets (kept 6 h), local hours from quarter-hour buckets (kept 8 d; every
 * time zone offset is a multiple of 15 minutes), local days and ISO weeks (Monday first) from day
 * buckets. The first step starts at the step boundary at or before {@code from}, the last ends at
 * the boundary at or after {@code to}. A span the kept buckets cannot serve is refused, not
 * served with silently missing points. Plain Java.
 */
public final class TrendSteps {
  public static final int MAX_POINTS = 1000;

  public enum Step {
    MINUTE, HOUR, DAY, WEEK;

    public String code() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Step of(String code) {
      for (Step s : values()) if (s.code().equals(code)) return s;
      return null;
    }
  }

  /** One point of a series: its instants and its buckets. */
  public record Point(Instant from, Instant to, WindowPlan.Range range) {}

  /** Why a span cannot be served with a step; the message is for the API error detail. */
  public static final class Refused extends RuntimeException {
    public Refused(String message) {
      super(message, null, false, false);
    }
  }

  private TrendSteps() {}

  public static List<Point> plan(Step step, Instant from, Instant to, ZoneId zone, Instant now,
      Duration minuteRetention, Duration quarterRetention) {
    List<Point> out = new ArrayList<>();
    switch (step) {
      case MINUTE -> {
        long first = Grain.MINUTE.bucketOf(from, zone);
        long end = Math.floorDiv(to.getEpochSecond() + 59 + (to.getNano() > 0 ? 1 : 0), 60);
        if (first < Grain.MINUTE.firstBucketFrom(now.minus(minuteRetention))) {
          throw new Refused("minute steps reach back " + hours(minuteRetention) + " (minute buckets are kept that long); "
              + "use step=hour or a later from");
        }
        check(end - first);
        for (long b = first; b < end; b++) {
          out.add(new Point(Instant.ofEpochSecond(b * 60), Instant.ofEpochSecond((b + 1) * 60),
              new WindowPlan.Range(Grain.MINUTE, b, b + 1)));
        }
      }
      case HOUR -> {
        ZonedDateTime cur = from.atZone(zone).truncatedTo(ChronoUnit.HOURS);
        if (cur.toInstant().isBefore(now.minus(quarterRetention))) {
          throw new Refused("hour steps reach back " + quarterRetention.toDays() + " days (quarter-hour buckets are kept "
              + "that long); use step=day or a later from");
        }
        check(Duration.between(cur.toInstant(), to).toHours() + 1);
        while (cur.toInstant().isBefore(to)) {
          ZonedDateTime next = cur.plusHours(1);
          Instant s = cur.toInstant(), e = next.toInstant();
          out.add(new Point(s, e, new WindowPlan.Range(Grain.QUARTER, s.getEpochSecond() / 60, e.getEpochSecond() / 60)));
          cur = next;
        }
      }
      case DAY, WEEK -> {
        LocalDate day = LocalDate.ofInstant(from, zone);
        if (step == Step.WEEK) day = day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
        int length = step == Step.WEEK ? 7 : 1;
        check(Duration.between(day.atStartOfDay(zone).toInstant(), to).toDays() / length + 1);
        while (day.atStartOfDay(zone).toInstant().isBefore(to)) {
          LocalDate next = day.plusDays(length);
          out.add(new Point(day.atStartOfDay(zone).toInstant(), next.atStartOfDay(zone).toInstant(),
              new WindowPlan.Range(Grain.DAY, day.toEpochDay(), next.toEpochDay())));
          day = next;
        }
      }
      default -> throw new IllegalStateException();
    }
    return out;
  }

  private static void check(long points) {
    if (points > MAX_POINTS) {
      throw new Refused("at most " + MAX_POINTS + " points per series (this span has " + points + "); use a larger step");
    }
  }

  private static String hours(Duration d) {
    return d.toMinutes() % 60 == 0 ? d.toHours() + " hours" : d.toMinutes() + " minutes";
  }

  /** The default step of a named window: minutes for the short ones, hours for a day, days beyond. */
  public static Step defaultStep(String window, Instant from, Instant to) {
    if (window != null) {
      return switch (window) {
        case "15m", "1h" -> Step.MINUTE;
        case "24h", "today" -> Step.HOUR;
        default -> Step.DAY;
      };
    }
    Duration span = Duration.between(from, to);
    return span.compareTo(Duration.ofHours(2)) <= 0 ? Step.MINUTE
        : span.compareTo(Duration.ofDays(2)) <= 0 ? Step.HOUR : Step.DAY;
  }
}
