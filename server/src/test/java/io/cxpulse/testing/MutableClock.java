package io.cxpulse.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock the test moves: real time plus an offset the test advances, or (from {@link #frozenAt})
 * a fixed instant that moves only when the test advances it, so that no minute, quarter hour or
 * day can roll between what a test posts and what it asserts.
 */
public final class MutableClock extends Clock {
  private final Instant frozen;
  private volatile Duration offset = Duration.ZERO;

  public MutableClock() {
    this(null);
  }

  private MutableClock(Instant frozen) {
    this.frozen = frozen;
  }

  /** A clock that stands still at {@code at} until the test advances it. */
  public static MutableClock frozenAt(Instant at) {
    return new MutableClock(at);
  }

  public void advance(Duration by) {
    offset = offset.plus(by);
  }

  @Override
  public Instant instant() {
    return (frozen == null ? Instant.now() : frozen).plus(offset);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
