package io.cxpulse.store;

import io.vertx.pgclient.PgException;

/**
 * Which database failures belong to the data a statement carried rather than to the database: a
 * data exception (SQLSTATE class 22: a value out of range, a character PostgreSQL cannot store) or
 * an integrity constraint violation (class 23). Sending the same data again fails again, so such a
 * failure is the request's, not an outage to retry; anything else (a lost connection, a timeout, a
 * serialization failure, a database shutting down) is.
 */
public final class SqlErrors {
  private SqlErrors() {}

  public static boolean isDataError(Throwable err) {
    String state = sqlState(err);
    return state != null && (state.startsWith("22") || state.startsWith("23"));
  }

  /** The SQLSTATE of a PostgreSQL error, or null for any other failure. */
  public static String sqlState(Throwable err) {
    for (Throwable t = err; t != null; t = t.getCause()) {
      if (t instanceof PgException pg) return pg.getSqlState();
      if (t.getCause() == t) break;
    }
    return null;
  }
}
