package io.cxpulse.live;

import io.cxpulse.counters.CounterKey;
import java.util.List;
import java.util.Map;

/**
 * Counter increments committed in PostgreSQL by transaction {@code xid}, to be applied in
 * memory, with the detractor alerts of the same batch. {@code origin} is the node that wrote it.
 */
public record CounterDeltaBatch(String origin, long xid, Map<CounterKey, Long> deltas, List<DetractorAlert> alerts) {}
