package io.cxpulse.counters;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One validated response. {@code rater} holds the five RATER ratings in RaterDimension order,
 * 0 where the dimension was not rated. Absent scores are null.
 */
public record Feedback(
    String eventId,
    String touchpoint,
    Instant occurredAt,
    String channel,
    String customerId,
    Integer nps,
    Integer csat,
    Integer csat3,
    Integer ces,
    int[] rater,
    List<String> reasons,
    List<String> subReasons,
    Map<String, Integer> values,
    String comment,
    boolean contactConsent,
    Map<String, String> segment) {

  public boolean hasRater() {
    for (int r : rater) if (r != 0) return true;
    return false;
  }
}
