package io.cxpulse.store;

import io.cxpulse.counters.CounterKey;
import io.cxpulse.counters.Feedback;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The two statements of a group commit, both one prepared {@code INSERT … SELECT FROM unnest(…)}
 * whatever the batch size: the raw rows (duplicates skipped), then the counter increments.
 */
public final class FeedbackStore {
  private static final String INSERT_FEEDBACK = """
      WITH ins AS (
      INSERT INTO feedback (tenant, event_id, touchpoint, occurred_at, channel, customer_id, nps, csat, csat3, ces,
        rater_reliability, rater_assurance, rater_tangibles, rater_empathy, rater_responsiveness,
        reasons, sub_reasons, value_ratings, comment, contact_consent, segment)
      SELECT t, e, tp, o, ch, cu, n, cs, c3, ce, r1, r2, r3, r4, r5, rs::text[], sr::text[], v::jsonb, cm, cc, sg::jsonb
      FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::text[], $6::text[], $7::int2[],
        $8::int2[], $9::int2[], $10::int2[], $11::int2[], $12::int2[], $13::int2[], $14::int2[], $15::int2[],
        $16::text[], $17::text[], $18::text[], $19::text[], $20::bool[], $21::text[])
        AS u(t, e, tp, o, ch, cu, n, cs, c3, ce, r1, r2, r3, r4, r5, rs, sr, v, cm, cc, sg)
      ON CONFLICT (tenant, event_id) DO NOTHING
      RETURNING tenant, event_id)
      SELECT tenant, event_id, pg_current_xact_id()::text FROM ins""";

  private static final String NOTIFY = "SELECT pg_notify($1, p) FROM unnest($2::text[]) AS p";

  /** The new rows of a batch ("tenant\u0000eventId") and the id of the transaction that wrote them (0: none). */
  public record Inserted(Set<String> fresh, long xid) {}

  private static final String ADD_COUNTERS = """
      INSERT INTO counter (tenant, touchpoint, grain, bucket, metric, key, idx, count)
      SELECT t, tp, g::"char", b, m, k, i, c
      FROM unnest($1::text[], $2::text[], $3::text[], $4::int8[], $5::text[], $6::text[], $7::int2[], $8::int8[])
        AS u(t, tp, g, b, m, k, i, c)
      ON CONFLICT (tenant, touchpoint, grain, bucket, metric, key, idx)
      DO UPDATE SET count = counter.count + EXCLUDED.count""";

  /** A response with its tenant, as the writer batches them. */
  public record Row2(String tenant, Feedback feedback) {}

  private FeedbackStore() {}

  /** Inserts the rows; returns those that were new. */
  public static Future<Inserted> insertNew(SqlConnection conn, List<Row2> rows) {
    int size = rows.size();
    String[] tenant = new String[size], eventId = new String[size], tp = new String[size];
    OffsetDateTime[] occurred = new OffsetDateTime[size];
    String[] channel = new String[size], customer = new String[size];
    Short[] nps = new Short[size], csat = new Short[size], csat3 = new Short[size], ces = new Short[size];
    Short[][] rater = new Short[5][size];
    String[] reasons = new String[size], subReasons = new String[size], values = new String[size];
    String[] comment = new String[size], segment = new String[size];
    Boolean[] consent = new Boolean[size];
    for (int i = 0; i < size; i++) {
      Feedback f = rows.get(i).feedback();
      tenant[i] = rows.get(i).tenant();
      eventId[i] = f.eventId();
      tp[i] = f.touchpoint();
      occurred[i] = f.occurredAt().atOffset(ZoneOffset.UTC);
      channel[i] = f.channel();
      customer[i] = f.customerId();
      nps[i] = small(f.nps());
      csat[i] = small(f.csat());
      csat3[i] = small(f.csat3());
      ces[i] = small(f.ces());
      for (int d = 0; d < 5; d++) rater[d][i] = f.rater()[d] == 0 ? null : (short) f.rater()[d];
      reasons[i] = arrayLiteral(f.reasons());
      subReasons[i] = arrayLiteral(f.subReasons());
      values[i] = f.values().isEmpty() ? null : new JsonObject(new java.util.HashMap<String, Object>(f.values())).encode();
      comment[i] = f.comment();
      consent[i] = f.contactConsent();
      segment[i] = f.segment().isEmpty() ? null : new JsonObject(new java.util.HashMap<String, Object>(f.segment())).encode();
    }
    Tuple params = Tuple.of(tenant, eventId, tp, occurred, channel, customer, nps, csat, csat3, ces)
        .addValue(rater[0]).addValue(rater[1]).addValue(rater[2]).addValue(rater[3]).addValue(rater[4])
        .addValue(reasons).addValue(subReasons).addValue(values).addValue(comment).addValue(consent)
        .addValue(segment);
    return conn.preparedQuery(INSERT_FEEDBACK).execute(params).map(rs -> {
      Set<String> fresh = new HashSet<>();
      long xid = 0;
      for (Row r : rs) {
        fresh.add(rowKey(r.getString(0), r.getString(1)));
        xid = Long.parseLong(r.getString(2));
      }
      return new Inserted(fresh, xid);
    });
  }

  /** How a stored row is named in {@link Inserted#fresh()}: its primary key, as one string. */
  public static String rowKey(String tenant, String eventId) {
    return tenant + '\u0000' + eventId;
  }

  /** Notifications are delivered at COMMIT, so other nodes see exactly the committed batches. */
  public static Future<Void> notify(SqlConnection conn, String channel, List<String> payloads) {
    if (payloads.isEmpty()) return Future.succeededFuture();
    // Tuple.of(a, array) would spread the array as varargs.
    return conn.preparedQuery(NOTIFY).execute(Tuple.tuple().addValue(channel).addValue(payloads.toArray(new String[0])))
        .mapEmpty();
  }

  public static Future<Void> addCounters(SqlConnection conn, Map<CounterKey, Long> deltas) {
    if (deltas.isEmpty()) return Future.succeededFuture();
    int size = deltas.size();
    String[] tenant = new String[size], tp = new String[size], grain = new String[size];
    Long[] bucket = new Long[size], count = new Long[size];
    String[] metric = new String[size], key = new String[size];
    Short[] idx = new Short[size];
    int i = 0;
    for (Map.Entry<CounterKey, Long> e : deltas.entrySet()) {
      CounterKey k = e.getKey();
      tenant[i] = k.tenant();
      tp[i] = k.touchpoint();
      grain[i] = String.valueOf(k.grain().code());
      bucket[i] = k.bucket();
      metric[i] = k.metric();
      key[i] = k.key();
      idx[i] = (short) k.idx();
      count[i] = e.getValue();
      i++;
    }
    return conn.preparedQuery(ADD_COUNTERS)
        .execute(Tuple.of(tenant, tp, grain, bucket, metric, key, idx, count))
        .mapEmpty();
  }

  private static Short small(Integer v) {
    return v == null ? null : v.shortValue();
  }

  /** A PostgreSQL array literal: unnest cannot take ragged arrays, so each row's array travels as text. */
  private static String arrayLiteral(List<String> codes) {
    if (codes.isEmpty()) return null;
    StringBuilder out = new StringBuilder("{");
    for (String code : codes) {
      if (out.length() > 1) out.append(',');
      out.append('"').append(code.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
    }
    return out.append('}').toString();
  }
}
