package io.cxpulse.live;

import java.time.Instant;
import java.util.List;

/** A read of the counters: which tenant, touchpoints (already checked against the token) and window. */
public record CounterQuery(Kind kind, String tenant, List<String> touchpoints, String window, Instant from, Instant to) {
  public enum Kind { SCORECARDS, REASONS }
}
