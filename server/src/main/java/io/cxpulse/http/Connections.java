package io.cxpulse.http;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The process's open HTTP connections (REST and WebSocket, every HTTP verticle) against its
 * ceiling, {@code MAX_CONNECTIONS}, which stays below the file-descriptor limit: past it a
 * connection is still accepted, answered 503 and closed, instead of the process running out of
 * descriptors and failing everyone ("Too many open files"). Thread-safe.
 */
public final class Connections {
  private final int max;
  private final AtomicInteger open = new AtomicInteger();
  private final LongAdder refused = new LongAdder();

  public Connections(int max) {
    this.max = max;
  }

  /** Counts a new connection; false when it is over the ceiling (it is counted all the same until it closes). */
  public boolean opened() {
    return open.incrementAndGet() <= max;
  }

  public void closed() {
    open.decrementAndGet();
  }

  public void refusedOne() {
    refused.increment();
  }

  public int open() {
    return open.get();
  }

  public int max() {
    return max;
  }

  public long refused() {
    return refused.sum();
  }
}
