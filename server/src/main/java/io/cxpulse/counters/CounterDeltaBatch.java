package io.cxpulse.counters;

import java.util.Map;

/** Counter increments that are committed in PostgreSQL and must now be applied in memory. */
public record CounterDeltaBatch(Map<CounterKey, Long> deltas) {}
