package io.cxpulse.testing;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;

/**
 * For test classes that post responses once (with the server's real clock) and then read
 * "today" or per-day trends for a few minutes: a local midnight in between would move the
 * responses to "yesterday". Browser tests cannot freeze the server's clock (the page computes
 * ages with the browser's own), so they start only when the tenant's day has {@code room} left.
 */
public final class LocalDay {
  private LocalDay() {}

  /** Returns at once, unless the next local midnight of {@code zone} is less than {@code room} away: then waits it out. */
  public static void awaitRoomBeforeMidnight(ZoneId zone, Duration room) {
    Instant now = Instant.now();
    Instant midnight = LocalDate.ofInstant(now, zone).plusDays(1).atStartOfDay(zone).toInstant();
    if (Duration.between(now, midnight).compareTo(room) >= 0) return;
    try {
      Thread.sleep(Duration.between(now, midnight).plusSeconds(1).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
