package io.cxpulse.live;

import java.util.List;

/** A live view: one tenant's touchpoints (codes in catalog order) over a named window. */
public record ViewKey(String tenant, String window, List<String> touchpoints) {
  public ViewKey {
    touchpoints = List.copyOf(touchpoints);
  }
}
