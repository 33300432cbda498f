package io.cxpulse.store;

import io.cxpulse.catalog.Catalog;
import io.cxpulse.catalog.Reason;
import io.cxpulse.catalog.TenantCatalog;
import io.cxpulse.catalog.Touchpoint;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Tenants, touchpoints and reason items. Loading a catalog adds and updates, never deletes. */
public final class CatalogStore {
  private static final String UPSERT_TENANT = """
      INSERT INTO tenant (id, name, time_zone, settings) VALUES ($1, $2, $3, $4)
      ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, time_zone = EXCLUDED.time_zone,
        settings = tenant.settings || EXCLUDED.settings, updated_at = now()""";
  private static final String UPSERT_TOUCHPOINT = """
      INSERT INTO touchpoint (tenant, code, name, name_zh, stage, ord, targets) VALUES ($1, $2, $3, $4, $5, $6, $7)
      ON CONFLICT (tenant, code) DO UPDATE SET name = EXCLUDED.name, name_zh = EXCLUDED.name_zh,
        stage = EXCLUDED.stage, ord = EXCLUDED.ord, targets = EXCLUDED.targets""";
  private static final String UPSERT_REASON = """
      INSERT INTO reason (tenant, code, parent, label, label_zh, kind, ord) VALUES ($1, $2, $3, $4, $5, $6, $7)
      ON CONFLICT (tenant, code) DO UPDATE SET parent = EXCLUDED.parent, label = EXCLUDED.label,
        label_zh = EXCLUDED.label_zh, kind = EXCLUDED.kind, ord = EXCLUDED.ord""";

  /** Channel of catalog changes; the payload is the tenant id. */
  public static final String CHANNEL = "cxpulse_catalog";

  private final Pool pool;

  public CatalogStore(Pool pool) {
    this.pool = pool;
  }

  public Future<Void> upsert(List<TenantCatalog> tenants) {
    if (tenants.isEmpty()) return Future.succeededFuture();
    return pool.withTransaction(conn -> upsert(conn, tenants));
  }

  /**
   * What a change did: the segment keys that became counted, or, when the stored responses already
   * carry more distinct values of a key than its limit allows, those keys with their counts (and
   * then nothing was changed).
   */
  public record Change(List<String> counted, Map<String, Long> overLimit) {
    public boolean refused() {
      return !overLimit.isEmpty();
    }
  }

  /**
   * One tenant's change from the admin endpoint, in one transaction that every node hears
   * ({@value #CHANNEL}): adds and updates like a catalog file, and counts each segment key that
   * becomes counted from the responses already stored (see {@link SegmentCounterStore#backfill}),
   * serialized against the writers of the tenant by its advisory lock. A key whose stored
   * responses already carry more than {@code segmentLimit} distinct values refuses the whole change.
   */
  public Future<Change> change(TenantCatalog tenant, int segmentLimit, long quarterCutoff, long minuteCutoff) {
    return pool.withTransaction(conn -> SegmentCounterStore.lockCountedKeys(conn, tenant.id()).compose(counted -> {
      List<String> given = tenant.settings().containsKey("segments") ? tenant.segmentKeys() : List.of();
      List<String> added = given.stream().filter(k -> !counted.contains(k)).toList();
      Map<String, Long> overLimit = new LinkedHashMap<>();
      Future<?> checked = Future.succeededFuture();
      for (String key : added) {
        checked = checked.compose(v -> SegmentCounterStore.distinctValues(conn, tenant.id(), key).onSuccess(n -> {
          if (n > segmentLimit) overLimit.put(key, n);
        }));
      }
      return checked.compose(v -> {
        if (!overLimit.isEmpty()) return Future.succeededFuture(new Change(List.of(), overLimit));
        return upsert(conn, List.of(tenant))
            .compose(x -> added.isEmpty() ? Future.succeededFuture(0)
                : SegmentCounterStore.backfill(conn, tenant.id(), added, quarterCutoff, minuteCutoff))
            .compose(x -> FeedbackStore.notify(conn, CHANNEL, List.of(tenant.id())))
            .map(x -> new Change(added, Map.of()));
      });
    }));
  }

  private static Future<Void> upsert(SqlConnection conn, List<TenantCatalog> tenants) {
    List<Tuple> tenantRows = new ArrayList<>();
    List<Tuple> tpRows = new ArrayList<>();
    List<Tuple> reasonRows = new ArrayList<>();
    for (TenantCatalog t : tenants) {
      tenantRows.add(Tuple.of(t.id(), t.name(), t.zone().getId(), t.settings()));
      for (Touchpoint tp : t.touchpoints()) {
        JsonObject targets = new JsonObject();
        tp.targets().forEach(targets::put);
        tpRows.add(Tuple.of(t.id(), tp.code(), tp.name(), tp.nameZh(), tp.stage(), tp.order(), targets));
      }
      for (Reason r : t.reasons()) {
        reasonRows.add(Tuple.of(t.id(), r.code(), r.parent(), r.label(), r.labelZh(), r.kind(), r.order()));
      }
    }
    Future<?> f = conn.preparedQuery(UPSERT_TENANT).executeBatch(tenantRows);
    if (!tpRows.isEmpty()) f = f.compose(x -> conn.preparedQuery(UPSERT_TOUCHPOINT).executeBatch(tpRows));
    if (!reasonRows.isEmpty()) f = f.compose(x -> conn.preparedQuery(UPSERT_REASON).executeBatch(reasonRows));
    return f.mapEmpty();
  }

  public Future<Catalog> load() {
    Future<List<Row>> tenants = pool.query("SELECT id, name, time_zone, settings FROM tenant ORDER BY id").execute()
        .map(rs -> { List<Row> l = new ArrayList<>(); rs.forEach(l::add); return l; });
    Future<List<Row>> tps = pool.query(
            "SELECT tenant, code, name, name_zh, stage, ord, targets FROM touchpoint ORDER BY tenant, ord, code")
        .execute().map(rs -> { List<Row> l = new ArrayList<>(); rs.forEach(l::add); return l; });
    Future<List<Row>> reasons = pool.query(
            "SELECT tenant, code, parent, label, label_zh, kind, ord FROM reason ORDER BY tenant, ord, code")
        .execute().map(rs -> { List<Row> l = new ArrayList<>(); rs.forEach(l::add); return l; });
    return Future.all(tenants, tps, reasons).map(all -> {
      Map<String, List<Touchpoint>> tpByTenant = new HashMap<>();
      for (Row r : tps.result()) {
        JsonObject targetsJson = (JsonObject) r.getValue("targets");
        Map<String, Double> targets = new LinkedHashMap<>();
        for (String k : targetsJson.fieldNames()) targets.put(k, targetsJson.getNumber(k).doubleValue());
        tpByTenant.computeIfAbsent(r.getString("tenant"), k -> new ArrayList<>()).add(new Touchpoint(
            r.getString("code"), r.getString("name"), r.getString("name_zh"), r.getString("stage"),
            r.getInteger("ord"), targets));
      }
      Map<String, List<Reason>> reasonsByTenant = new HashMap<>();
      for (Row r : reasons.result()) {
        reasonsByTenant.computeIfAbsent(r.getString("tenant"), k -> new ArrayList<>()).add(new Reason(
            r.getString("code"), r.getString("parent"), r.getString("label"), r.getString("label_zh"),
            r.getString("kind"), r.getInteger("ord")));
      }
      Map<String, TenantCatalog> out = new LinkedHashMap<>();
      for (Row r : tenants.result()) {
        String id = r.getString("id");
        out.put(id, new TenantCatalog(id, r.getString("name"), ZoneId.of(r.getString("time_zone")),
            tpByTenant.getOrDefault(id, List.of()), reasonsByTenant.getOrDefault(id, List.of()),
            (JsonObject) r.getValue("settings")));
      }
      return new Catalog(out);
    });
  }
}
