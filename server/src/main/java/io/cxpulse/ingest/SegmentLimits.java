package io.cxpulse.ingest;

import io.cxpulse.catalog.Catalog;
import io.cxpulse.catalog.CatalogRef;
import io.cxpulse.catalog.TenantCatalog;
import io.cxpulse.counters.Feedback;
import io.cxpulse.http.ApiError;
import io.cxpulse.store.SegmentCounterStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Bounded cardinality of counted segment keys: each key counts at most {@code segmentLimit}
 * distinct values (tenant setting, else SEGMENT_LIMIT, default 1000), so a misconfigured sender
 * cannot grow segment_counter without bound. The known values are kept in memory, loaded at start
 * from segment_counter, and a value is reserved when its request is admitted (a request that then
 * fails to commit keeps its reservation). Each node tracks its own set and does not hear the
 * values other nodes admit until it restarts or the catalog changes, so with several nodes a key
 * can exceed its limit by the values first sent to the other nodes (and, right after a key becomes
 * counted, by values sent to nodes that have not heard of the change yet: their batches are
 * counted, the database decides, but not admitted here).
 *
 * <p>A token with the claim {@code "segments": "known"} may not add values at all: each value of a
 * counted key must already be counted or be listed in the tenant's {@code segmentValues} setting
 * (422 otherwise), so a leaked or misconfigured sender cannot fill a key with junk. Values an
 * admin deleted (DELETE /api/v1/segments/…) are forgotten at the next load, which every catalog
 * change (and a deletion notifies one) triggers. Owned by the writer verticle; not thread-safe.
 */
public final class SegmentLimits {
  private final CatalogRef catalog;
  private final int defaultLimit;
  private final Map<String, Map<String, Set<String>>> known = new HashMap<>();
  private Catalog loadedWith;
  private Future<Void> refreshing;

  public SegmentLimits(CatalogRef catalog, int defaultLimit) {
    this.catalog = catalog;
    this.defaultLimit = defaultLimit;
  }

  public Future<Void> load(SqlClient client) {
    loadedWith = catalog.get();
    return SegmentCounterStore.knownValues(client).map(values -> {
      // Replaces what was known, so deleted values are forgotten; a value reserved by a request
      // still queued is reserved again when that request commits or the value is sent again.
      known.clear();
      values.forEach((tenant, byKey) -> byKey.forEach((key, set) ->
          known.computeIfAbsent(tenant, t -> new HashMap<>()).computeIfAbsent(key, k -> new HashSet<>()).addAll(set)));
      return null;
    });
  }

  /**
   * True when the catalog changed since the known values were loaded: a key that became counted
   * was counted from the stored responses (catalog change), so its values must be read before
   * the next request is admitted.
   */
  public boolean stale() {
    return catalog.get() != loadedWith;
  }

  /** {@link #load}, one at a time: requests that find the values stale wait for the same load. */
  public Future<Void> refresh(SqlClient client) {
    if (refreshing == null) refreshing = load(client).onComplete(ar -> refreshing = null);
    return refreshing;
  }

  /** The segment keys the tenant counts (its catalog's {@code segments}). */
  private List<String> countedKeys(String tenant) {
    TenantCatalog t = catalog.get().tenant(tenant);
    return t == null ? List.of() : t.segmentKeys();
  }

  /** Whether the tenant's {@code segmentValues} setting lists this value of this key. */
  private boolean listed(String tenant, String key, String value) {
    TenantCatalog t = catalog.get().tenant(tenant);
    if (t == null || !(t.settings().getValue("segmentValues") instanceof io.vertx.core.json.JsonObject lists)) return false;
    return lists.getValue(key) instanceof io.vertx.core.json.JsonArray list && list.contains(value);
  }

  public int limit(String tenant) {
    TenantCatalog t = catalog.get().tenant(tenant);
    Integer limit = t == null ? null : t.settings().getInteger("segmentLimit");
    return limit == null || limit < 1 ? defaultLimit : limit;
  }

  /**
   * Admits a request's new values, or returns the error (nothing reserved) when one would take a
   * key past its limit. Paths are {@code /<i>/segment/<key>}, i the item's index in the request.
   */
  public ApiError admit(String tenant, List<Feedback> items) {
    return admit(tenant, items, false);
  }

  /** @param knownOnly the token may send only values already counted or listed in {@code segmentValues} */
  public ApiError admit(String tenant, List<Feedback> items, boolean knownOnly) {
    List<String> keys = countedKeys(tenant);
    if (keys.isEmpty()) return null;
    int limit = limit(tenant);
    Map<String, Set<String>> byKey = known.computeIfAbsent(tenant, t -> new HashMap<>());
    Map<String, Set<String>> added = new HashMap<>();
    List<ApiError.Detail> details = new ArrayList<>();
    List<ApiError.Detail> unknown = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      for (String key : keys) {
        String value = items.get(i).segment().get(key);
        if (value == null) continue;
        Set<String> values = byKey.computeIfAbsent(key, k -> new HashSet<>());
        Set<String> fresh = added.computeIfAbsent(key, k -> new HashSet<>());
        if (values.contains(value) || fresh.contains(value)) continue;
        boolean listed = listed(tenant, key, value);
        if (knownOnly && !listed) {
          unknown.add(new ApiError.Detail("/" + i + "/segment/" + key, "unknown value '" + value + "' of segment key '" + key
              + "': this token may send only values already counted or listed in the tenant's segmentValues"));
        } else if (values.size() + fresh.size() >= limit) {
          details.add(new ApiError.Detail("/" + i + "/segment/" + key, "segment key '" + key + "' already counts "
              + values.size() + " distinct values, its limit is " + limit + "; '" + value + "' would be one more"));
        } else {
          fresh.add(value);
        }
      }
    }
    if (!unknown.isEmpty()) {
      return new ApiError(422, "unknown_code", "unknown segment values for a token limited to known ones; nothing was stored",
          unknown, null);
    }
    if (!details.isEmpty()) {
      return new ApiError(422, "segment_limit", "a segment key would exceed its limit of distinct values; nothing was stored",
          details, null);
    }
    added.forEach((key, values) -> byKey.get(key).addAll(values));
    return null;
  }
}
