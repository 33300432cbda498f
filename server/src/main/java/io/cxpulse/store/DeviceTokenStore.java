package io.cxpulse.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Wall-screen device tokens: issued, listed, revoked. Every statement but the start-up load of
 * revoked ids (which serves all tenants of the process) is scoped by tenant. A revocation and
 * its NOTIFY commit together, so every node hears of it exactly when it is true.
 */
public final class DeviceTokenStore {
  public static final String CHANNEL = "cxpulse_revocations";

  private static final String INSERT = """
      INSERT INTO device_token (tenant, id, name, touchpoints, created_by, expires_at)
      VALUES ($1, $2, $3, $4, $5, $6)""";
  private static final String LIST = """
      SELECT id, name, touchpoints, roles, created_at, created_by, expires_at, revoked_at
      FROM device_token WHERE tenant = $1 ORDER BY created_at DESC, id""";
  private static final String REVOKE = """
      UPDATE device_token SET revoked_at = coalesce(revoked_at, now())
      WHERE tenant = $1 AND id = $2 RETURNING revoked_at""";
  private static final String ACTIVE = """
      SELECT 1 FROM device_token WHERE tenant = $1 AND id = $2 AND revoked_at IS NULL AND expires_at > now()""";
  private static final String REVOKED_ALL_TENANTS = """
      SELECT tenant, id FROM device_token WHERE revoked_at IS NOT NULL AND expires_at > now() - interval '1 day'""";

  /** One device token as listed (never the token itself). */
  public record Device(String id, String name, List<String> touchpoints, List<String> roles, Instant createdAt,
                       String createdBy, Instant expiresAt, Instant revokedAt) {
    public JsonObject toJson(Instant now) {
      String status = revokedAt != null ? "revoked" : expiresAt.isAfter(now) ? "active" : "expired";
      return new JsonObject().put("id", id).put("name", name)
          .put("touchpoints", touchpoints == null ? null : new JsonArray(touchpoints))
          .put("roles", new JsonArray(roles)).put("createdAt", iso(createdAt)).put("createdBy", createdBy)
          .put("expiresAt", iso(expiresAt)).put("revokedAt", revokedAt == null ? null : iso(revokedAt)).put("status", status);
    }
  }

  private final Pool pool;

  public DeviceTokenStore(Pool pool) {
    this.pool = pool;
  }

  public Future<Void> insert(String tenant, String id, String name, List<String> touchpoints, String createdBy, Instant expiresAt) {
    return pool.preparedQuery(INSERT).execute(Tuple.of(tenant, id, name,
            touchpoints == null ? null : touchpoints.toArray(new String[0]), createdBy, expiresAt.atOffset(ZoneOffset.UTC)))
        .mapEmpty();
  }

  public Future<List<Device>> list(String tenant) {
    return pool.preparedQuery(LIST).execute(Tuple.of(tenant)).map(rows -> {
      List<Device> out = new ArrayList<>();
      for (Row r : rows) {
        String[] tps = r.getArrayOfStrings("touchpoints");
        out.add(new Device(r.getString("id"), r.getString("name"), tps == null ? null : List.of(tps),
            List.of(r.getArrayOfStrings("roles")), instant(r, "created_at"), r.getString("created_by"),
            instant(r, "expires_at"), instant(r, "revoked_at")));
      }
      return out;
    });
  }

  /** The revocation time (the first one, when revoked before), or null when the tenant has no such device. */
  public Future<Instant> revoke(String tenant, String id) {
    return pool.withTransaction(conn -> conn.preparedQuery(REVOKE).execute(Tuple.of(tenant, id)).compose(rows -> {
      if (rows.size() == 0) return Future.succeededFuture(null);
      Instant at = instant(rows.iterator().next(), "revoked_at");
      return FeedbackStore.notify(conn, CHANNEL, List.of(new JsonObject().put("t", tenant).put("j", id).encode()))
          .map(x -> at);
    }));
  }

  /** Whether a device token exists for the tenant, is not revoked and not expired. */
  public Future<Boolean> active(String tenant, String id) {
    return pool.preparedQuery(ACTIVE).execute(Tuple.of(tenant, id)).map(rows -> rows.size() > 0);
  }

  /** (tenant, id) of every revoked token that could still be presented: for the per-process set. */
  public Future<List<String[]>> revokedAllTenants() {
    return pool.query(REVOKED_ALL_TENANTS).execute().map(rows -> {
      List<String[]> out = new ArrayList<>();
      for (Row r : rows) out.add(new String[] {r.getString("tenant"), r.getString("id")});
      return out;
    });
  }

  private static Instant instant(Row r, String column) {
    OffsetDateTime t = r.getOffsetDateTime(column);
    return t == null ? null : t.toInstant();
  }

  private static String iso(Instant t) {
    return t.atOffset(ZoneOffset.UTC).toString();
  }
}
