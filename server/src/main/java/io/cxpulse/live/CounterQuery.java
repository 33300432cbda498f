package io.cxpulse.live;

import java.time.Instant;
import java.util.List;

/**
 * A read of the in-memory counters: which tenant, touchpoints (already checked against the token)
 * and window (a name, or from/to), and whether each card compares with the previous period of
 * the same length.
 */
public record CounterQuery(Kind kind, String tenant, List<String> touchpoints, String window, Instant from, Instant to,
                           boolean comparePrevious) {
  public enum Kind { SCORECARDS, REASONS }
}
