package io.cxpulse.store;

/**
 * The recount of counters from the raw feedback rows, in SQL and independent of the Java code
 * that computes the writer's increments ({@code CounterDeltas.items}): each response's items at
 * each grain, grouped into the rows of the counter table, or, per segment value, of
 * segment_counter. Shared by {@link CounterStore#verify}, {@link SegmentCounterStore#verify} and
 * the backfill of newly counted segment keys, so that all three count alike.
 */
final class Recount {
  private Recount() {}

  /**
   * {@code WITH f …, g …, items …, recount AS (…)} over the rows of {@code where} (a condition on
   * {@code f} (feedback), {@code t} (tenant) and, per segment, {@code sg(key, value)}); recount's
   * columns are tenant, [seg_key, seg_value,] touchpoint, grain, bucket, metric, key, idx, count.
   */
  static String cte(boolean bySegment, String where) {
    String seg = bySegment ? "seg_key, seg_value, " : "";
    String from = bySegment
        ? """
          FROM feedback f JOIN tenant t ON t.id = f.tenant
          CROSS JOIN LATERAL jsonb_each_text(coalesce(f.segment, '{}'::jsonb)) AS sg(key, value)"""
        : "FROM feedback f JOIN tenant t ON t.id = f.tenant";
    String items = """
        SELECT tenant, %1$stouchpoint, grain, bucket, 'responses' AS metric, '' AS key, 0 AS idx FROM g
        UNION ALL SELECT tenant, %1$stouchpoint, grain, bucket, 'nps', '', nps FROM g WHERE nps IS NOT NULL
        UNION ALL SELECT tenant, %1$stouchpoint, grain, bucket, 'csat', '', csat FROM g WHERE csat IS NOT NULL
        UNION ALL SELECT tenant, %1$stouchpoint, grain, bucket, 'csat3', '', csat3 FROM g WHERE csat3 IS NOT NULL
        UNION ALL SELECT tenant, %1$stouchpoint, grain, bucket, 'ces', '', ces FROM g WHERE ces IS NOT NULL
        UNION ALL SELECT tenant, %1$stouchpoint, grain, bucket, 'rater', 'reliability', rater_reliability FROM g WHERE rater_reliability IS NOT NULL
        UNION ALL SELECT tenant, %1$stouchpoint, grain, bucket, 'rater', 'assurance', rater_assurance FROM g WHERE rater_assurance IS NOT NULL
        UNION ALL SELECT tenant, %1$stouchpoint, grain, bucket, 'rater', 'tangibles', rater_tangibles FROM g WHERE rater_tangibles IS NOT NULL
        UNION ALL SELECT tenant, %1$stouchpoint, grain, bucket, 'rater', 'empathy', rater_empathy FROM g WHERE rater_empathy IS NOT NULL
        UNION ALL SELECT tenant, %1$stouchpoint, grain, bucket, 'rater', 'responsiveness', rater_responsiveness FROM g WHERE rater_responsiveness IS NOT NULL
        UNION ALL SELECT tenant, %1$stouchpoint, grain, bucket, 'reason', r,
               CASE WHEN nps IS NULL THEN 3 WHEN nps >= 9 THEN 2 WHEN nps >= 7 THEN 1 ELSE 0 END
          FROM g, unnest(coalesce(reasons, '{}') || coalesce(sub_reasons, '{}')) AS r
        UNION ALL SELECT tenant, %1$stouchpoint, grain, bucket, 'value', v.key, v.value::int
          FROM g, jsonb_each_text(coalesce(value_ratings, '{}'::jsonb)) AS v
        UNION ALL SELECT tenant, %1$stouchpoint, grain, bucket, 'comment', '', 0 FROM g WHERE comment IS NOT NULL""".formatted(seg);
    return """
        WITH f AS (
          SELECT f.*, %s floor(extract(epoch FROM f.occurred_at))::bigint AS s,
                 ((f.occurred_at AT TIME ZONE t.time_zone)::date - DATE '1970-01-01')::bigint AS day
          %s
          WHERE %s
        ), g AS (
          SELECT f.*, 'm' AS grain, floor(s / 60.0)::bigint AS bucket FROM f
          UNION ALL SELECT f.*, 'q', (floor(s / 900.0) * 15)::bigint FROM f
          UNION ALL SELECT f.*, 'd', day FROM f
        ), items AS (
        %s
        ), recount AS (
          SELECT tenant, %stouchpoint, grain, bucket, metric, key, idx, count(*) AS count
          FROM items GROUP BY tenant, %stouchpoint, grain, bucket, metric, key, idx
        )
        """.formatted(bySegment ? "sg.key AS seg_key, sg.value AS seg_value," : "", from, where, items, seg, seg);
  }
}
