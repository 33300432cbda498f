package io.cxpulse.cases;

import java.util.List;

/** Case changes for the counters verticle: a full reload of the open cases ({@code reset}) or changes heard. */
public record CaseUpdate(boolean reset, List<CaseChange> changes) {
  public CaseUpdate {
    changes = List.copyOf(changes);
  }
}
