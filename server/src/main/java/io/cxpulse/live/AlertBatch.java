package io.cxpulse.live;

import java.util.List;

/** Detractor alerts of one committed batch, published to every HTTP verticle. */
public record AlertBatch(List<LiveAlert> alerts) {}
