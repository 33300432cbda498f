package io.cxpulse.live;

import io.cxpulse.metrics.LiveStats;

/** Timing of the live endpoint, and where it counts what it sends. */
public record LiveSettings(long tickMs, long pingIntervalMs, long idleTimeoutMs, long stuckTimeoutMs, LiveStats stats) {
  public static LiveSettings of(io.cxpulse.config.Config config, LiveStats stats) {
    return new LiveSettings(config.liveTickMs(), config.livePingIntervalMs(), config.liveIdleTimeoutMs(),
        config.liveStuckTimeoutMs(), stats);
  }
}
