package io.cxpulse.counters;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;

/**
 * The three bucket sizes. Minutes make rolling live windows exact; quarter hours make every local
 * hour and day a union of buckets in any time zone (all offsets are multiples of 15 minutes);
 * local days keep long windows cheap and storage bounded after the finer grains are pruned.
 */
public enum Grain {
  MINUTE('m'), QUARTER('q'), DAY('d');

  private final char code;

  Grain(char code) {
    this.code = code;
  }

  public char code() {
    return code;
  }

  public static Grain of(char code) {
    return switch (code) {
      case 'm' -> MINUTE;
      case 'q' -> QUARTER;
      case 'd' -> DAY;
      default -> throw new IllegalArgumentException("unknown grain " + code);
    };
  }

  /** The bucket holding {@code t}: epoch minute, epoch minute of the quarter start, or local epoch day. */
  public long bucketOf(Instant t, ZoneId zone) {
    return switch (this) {
      case MINUTE -> Math.floorDiv(t.getEpochSecond(), 60);
      case QUARTER -> Math.floorDiv(t.getEpochSecond(), 900) * 15;
      case DAY -> LocalDate.ofInstant(t, zone).toEpochDay();
    };
  }

  public Instant startOf(long bucket, ZoneId zone) {
    return switch (this) {
      case MINUTE, QUARTER -> Instant.ofEpochSecond(bucket * 60);
      case DAY -> LocalDate.ofEpochDay(bucket).atStartOfDay(zone).toInstant();
    };
  }

  /** The first minute or quarter bucket that starts at or after {@code t}: where a retention cut falls. */
  public long firstBucketFrom(Instant t) {
    if (this == DAY) throw new IllegalArgumentException("days are never pruned");
    long seconds = t.getEpochSecond() + (t.getNano() > 0 ? 1 : 0);
    long size = this == MINUTE ? 60 : 900;
    return Math.floorDiv(seconds + size - 1, size) * (this == MINUTE ? 1 : 15);
  }

  /** The bucket after {@code bucket}: buckets are numbered in steps of 1, 15 and 1. */
  public long next(long bucket) {
    return this == QUARTER ? bucket + 15 : bucket + 1;
  }
}
