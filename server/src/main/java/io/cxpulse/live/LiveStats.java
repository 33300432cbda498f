package io.cxpulse.live;

import java.util.concurrent.atomic.LongAdder;

/** Counts of what the live endpoints sent, summed over all HTTP verticles (for metrics and benchmarks). */
public final class LiveStats {
  private final LongAdder messages = new LongAdder();
  private final LongAdder bytes = new LongAdder();
  private final LongAdder deferred = new LongAdder();
  private final LongAdder dropped = new LongAdder();

  void sent(int payloadBytes) {
    messages.increment();
    bytes.add(payloadBytes);
  }

  void deferred() { deferred.increment(); }
  void dropped() { dropped.increment(); }

  public long messages() { return messages.sum(); }
  public long payloadBytes() { return bytes.sum(); }
  public long deferredUpdates() { return deferred.sum(); }
  public long droppedClients() { return dropped.sum(); }
}
