package io.cxpulse.live;

import io.vertx.core.buffer.Buffer;

/**
 * The current state of a view, encoded once: {@code payload} is the scorecards JSON followed by
 * the closing brace of the message envelope, so that every subscriber's message is its own short
 * prefix ({"type":"update","id":…,"seq":…,"data":) and then these same bytes.
 */
public record ViewFrame(ViewKey key, Buffer payload, long version) {}
