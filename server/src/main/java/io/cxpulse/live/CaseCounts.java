package io.cxpulse.live;

import io.cxpulse.counters.OpenCaseCounts;
import java.util.List;

/**
 * Open-case counts for the hub ({@value LiveHub#CASES}): every touchpoint's open cases after a
 * fresh load ({@code reset}), or the touchpoints whose cases changed or passed their deadline.
 */
public record CaseCounts(boolean reset, List<OpenCaseCounts.Touchpoint> touchpoints) {
  public CaseCounts {
    touchpoints = List.copyOf(touchpoints);
  }
}
