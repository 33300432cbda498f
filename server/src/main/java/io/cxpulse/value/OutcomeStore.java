package io.cxpulse.value;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.ZoneOffset;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * Stores outcomes. Outcomes come at the pace of orders and renewals, far below feedback, so one
 * short transaction per request on the shared pool (its wait queue is bounded: a full queue fails
 * fast and the request is answered 503) is enough; no group commit. One prepared
 * {@code INSERT … SELECT FROM unnest} whatever the request size; retries are skipped by the key.
 */
public final class OutcomeStore {
  private static final String INSERT = """
      INSERT INTO outcome (tenant, event_id, customer_id, type, amount, occurred_at, referred)
      SELECT $1, e, c, t, a::numeric, o, r
      FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::bool[]) AS u(e, c, t, a, o, r)
      ON CONFLICT (tenant, event_id) DO NOTHING
      RETURNING event_id""";

  private OutcomeStore() {}

  /** @return how many outcomes were new */
  public static Future<Integer> insert(Pool pool, String tenant, List<Outcome> items) {
    int n = items.size();
    String[] event = new String[n], customer = new String[n], type = new String[n], amount = new String[n];
    OffsetDateTime[] occurred = new OffsetDateTime[n];
    Boolean[] referred = new Boolean[n];
    for (int i = 0; i < n; i++) {
      Outcome o = items.get(i);
      event[i] = o.eventId();
      customer[i] = o.customerId();
      type[i] = o.type();
      amount[i] = o.amount() == null ? null : o.amount().toPlainString();
      occurred[i] = o.occurredAt().atOffset(ZoneOffset.UTC);
      referred[i] = o.referred();
    }
    Tuple params = Tuple.tuple().addValue(tenant).addValue(event).addValue(customer).addValue(type).addValue(amount)
        .addValue(occurred).addValue(referred);
    // A single statement commits on its own: the reply is sent after that COMMIT.
    return pool.preparedQuery(INSERT).execute(params).map(rs -> rs.rowCount());
  }
}
