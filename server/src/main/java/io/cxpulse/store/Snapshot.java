package io.cxpulse.store;

import java.util.HashSet;
import java.util.Set;

/** A PostgreSQL snapshot (pg_current_snapshot(): xmin:xmax:xip,…): which transactions it sees. */
public record Snapshot(long xmin, long xmax, Set<Long> inProgress) {

  public static Snapshot parse(String text) {
    String[] parts = text.split(":", -1);
    Set<Long> xip = new HashSet<>();
    if (parts.length > 2 && !parts[2].isBlank()) {
      for (String x : parts[2].split(",")) xip.add(Long.parseLong(x.trim()));
    }
    return new Snapshot(Long.parseLong(parts[0]), Long.parseLong(parts[1]), Set.copyOf(xip));
  }

  /** True when the committed transaction {@code xid} was already visible to this snapshot. */
  public boolean sees(long xid) {
    return xid < xmin || (xid < xmax && !inProgress.contains(xid));
  }
}
