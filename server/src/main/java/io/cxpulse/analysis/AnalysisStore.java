package io.cxpulse.analysis;

import io.cxpulse.counters.CounterKey;
import io.cxpulse.counters.Counters;
import io.cxpulse.counters.WindowPlan;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads buckets (never raw rows) for the analysis endpoints: the counter table, or
 * segment_counter for one segment value, over bucket ranges, into a fresh {@link Counters} that
 * the same scorecard code as the live views then sums. One statement per bucket range.
 */
public final class AnalysisStore {
  private static final String COUNTERS = """
      SELECT touchpoint, bucket, metric, key, idx, count FROM counter
      WHERE tenant = $1 AND touchpoint = ANY($2) AND grain = $3::"char" AND bucket >= $4 AND bucket < $5
        AND ($6::text[] IS NULL OR metric = ANY($6))""";

  private static final String SEGMENT_COUNTERS = """
      SELECT touchpoint, bucket, metric, key, idx, count FROM segment_counter
      WHERE tenant = $1 AND seg_key = $7 AND seg_value = $8 AND touchpoint = ANY($2) AND grain = $3::"char"
        AND bucket >= $4 AND bucket < $5 AND ($6::text[] IS NULL OR metric = ANY($6))""";

  private static final String LEADERBOARD = """
      SELECT seg_value, idx, sum(count)::bigint FROM segment_counter
      WHERE tenant = $1 AND seg_key = $2 AND touchpoint = ANY($3) AND grain = $4::"char"
        AND bucket >= $5 AND bucket < $6 AND metric = 'nps'
      GROUP BY seg_value, idx""";

  /** A {@code segment.<key>=<value>} filter. */
  public record SegmentFilter(String key, String value) {}

  private final Pool pool;

  public AnalysisStore(Pool pool) {
    this.pool = pool;
  }

  /**
   * @param metrics the metrics to read, or null for all
   * @param segment null for the whole touchpoints
   */
  public Future<Counters> counters(String tenant, List<String> touchpoints, List<WindowPlan.Range> ranges,
      List<String> metrics, SegmentFilter segment) {
    List<Future<RowSet<Row>>> reads = new ArrayList<>();
    String[] tps = touchpoints.toArray(new String[0]);
    String[] ms = metrics == null ? null : metrics.toArray(new String[0]);
    for (WindowPlan.Range r : merge(ranges)) {
      Tuple params = Tuple.tuple().addValue(tenant).addValue(tps).addValue(String.valueOf(r.grain().code()))
          .addValue(r.fromBucket()).addValue(r.toBucket()).addValue(ms);
      if (segment == null) {
        reads.add(pool.preparedQuery(COUNTERS).execute(params));
      } else {
        reads.add(pool.preparedQuery(SEGMENT_COUNTERS).execute(params.addValue(segment.key()).addValue(segment.value())));
      }
    }
    return Future.all(reads).map(all -> {
      Counters out = new Counters();
      for (int i = 0; i < reads.size(); i++) {
        WindowPlan.Range r = merge(ranges).get(i);
        for (Row row : all.<RowSet<Row>>resultAt(i)) {
          out.apply(new CounterKey(tenant, row.getString(0), r.grain(), row.getLong(1), row.getString(2),
              row.getString(3), row.getInteger(4)), row.getLong(5));
        }
      }
      return out;
    });
  }

  /** Segment value → NPS histogram over the ranges. */
  public Future<Map<String, long[]>> npsBySegmentValue(String tenant, List<String> touchpoints, String segKey,
      List<WindowPlan.Range> ranges) {
    List<Future<RowSet<Row>>> reads = new ArrayList<>();
    for (WindowPlan.Range r : merge(ranges)) {
      reads.add(pool.preparedQuery(LEADERBOARD).execute(Tuple.tuple().addValue(tenant).addValue(segKey)
          .addValue(touchpoints.toArray(new String[0])).addValue(String.valueOf(r.grain().code()))
          .addValue(r.fromBucket()).addValue(r.toBucket())));
    }
    return Future.all(reads).map(all -> {
      Map<String, long[]> out = new TreeMap<>();
      for (int i = 0; i < reads.size(); i++) {
        for (Row row : all.<RowSet<Row>>resultAt(i)) {
          out.computeIfAbsent(row.getString(0), v -> new long[11])[row.getInteger(1)] += row.getLong(2);
        }
      }
      return out;
    });
  }

  /** Adjacent ranges of one grain read as one. */
  static List<WindowPlan.Range> merge(List<WindowPlan.Range> ranges) {
    List<WindowPlan.Range> out = new ArrayList<>();
    for (WindowPlan.Range r : ranges) {
      if (!out.isEmpty()) {
        WindowPlan.Range last = out.get(out.size() - 1);
        if (last.grain() == r.grain() && last.toBucket() == r.fromBucket()) {
          out.set(out.size() - 1, new WindowPlan.Range(r.grain(), last.fromBucket(), r.toBucket()));
          continue;
        }
      }
      out.add(r);
    }
    return out;
  }
}
