package io.cxpulse.live;

import java.util.List;

/** The views that changed in one tick, published once to every HTTP verticle. */
public record TickFrames(List<ViewFrame> frames) {}
