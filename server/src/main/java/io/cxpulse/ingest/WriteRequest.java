package io.cxpulse.ingest;

import io.cxpulse.counters.Feedback;
import java.time.ZoneId;
import java.util.List;

/**
 * One validated HTTP request's responses, all for one tenant, written all or nothing;
 * {@code knownSegmentsOnly} when the token may send only segment values already known.
 */
public record WriteRequest(String tenant, ZoneId zone, List<Feedback> items, boolean knownSegmentsOnly) {
  public WriteRequest(String tenant, ZoneId zone, List<Feedback> items) {
    this(tenant, zone, items, false);
  }
}
