package io.cxpulse.catalog.admin;

import io.cxpulse.auth.Principal;
import io.cxpulse.catalog.TenantCatalog;
import io.cxpulse.http.ApiError;
import io.cxpulse.http.Requests;
import io.cxpulse.http.ServerContext;
import io.cxpulse.store.SegmentCounterStore;
import io.cxpulse.text.Text;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * Segment hygiene for admins (not scoped to touchpoints): {@code GET /api/v1/segments/{key}} lists
 * the values a counted key holds with their responses (at most {@value #MAX_LIST}); {@code DELETE
 * /api/v1/segments/{key}/values/{value}} deletes a junk value: its segment counters and its tag on
 * the responses (which stay, with their scores), so that it leaves the leaderboard, frees its place
 * under {@code segmentLimit}, and {@code verify} stays clean. Every node forgets the value at once.
 */
public final class SegmentRoutes {
  static final int MAX_LIST = 10_000;

  private SegmentRoutes() {}

  public static void mount(Router router, ServerContext ctx) {
    router.get("/api/v1/segments/:key").handler(rc -> {
      TenantCatalog tenant = admin(rc, ctx);
      String key = countedKey(rc, tenant);
      SegmentCounterStore.values(ctx.readPool(), tenant.id(), key, MAX_LIST + 1).onSuccess(values -> {
        JsonArray items = new JsonArray();
        values.stream().limit(MAX_LIST).forEach(v -> items.add(new JsonObject().put("value", v.value())
            .put("responses", v.responses())));
        Requests.json(rc, 200, new JsonObject().put("tenant", tenant.id()).put("key", key).put("items", items)
            .put("truncated", values.size() > MAX_LIST).encode());
      }).onFailure(rc::fail);
    });
    router.delete("/api/v1/segments/:key/values/:value").handler(rc -> {
      TenantCatalog tenant = admin(rc, ctx);
      String key = countedKey(rc, tenant);
      String value = rc.pathParam("value");
      String problem = value == null || value.isEmpty() || value.length() > 64 ? "a segment value of 1..64 characters"
          : Text.problem(value);
      if (problem != null) throw ApiError.badRequest("invalid segment value", List.of(new ApiError.Detail("value", problem)));
      SegmentCounterStore.deleteValue(ctx.readPool(), tenant.id(), key, value)
          .compose(deleted -> {
            if (deleted.counterRows() + deleted.responses() == 0) {
              return Future.failedFuture(new ApiError(404, "not_found", "segment key '" + key + "' has no value '" + value + "'"));
            }
            // This node forgets the value before the reply; the others on the NOTIFY.
            return rc.vertx().eventBus().request(CatalogWatchVerticle.RELOAD, tenant.id()).map(v -> deleted)
                .recover(err -> Future.succeededFuture(deleted));
          })
          .onSuccess(d -> Requests.json(rc, 200, new JsonObject().put("key", key).put("value", value)
              .put("counterRows", d.counterRows()).put("responses", d.responses()).encode()))
          .onFailure(rc::fail);
    });
  }

  private static TenantCatalog admin(RoutingContext rc, ServerContext ctx) {
    Principal p = Requests.principal(rc);
    if (!p.isAdmin()) throw new ApiError(403, "forbidden", "segment values are managed by role admin");
    if (p.touchpoints() != null) throw new ApiError(403, "forbidden", "a token scoped to touchpoints may not manage segment values");
    return Requests.tenant(ctx, p);
  }

  private static String countedKey(RoutingContext rc, TenantCatalog tenant) {
    String key = rc.pathParam("key");
    if (key == null || !tenant.segmentKeys().contains(key)) {
      throw new ApiError(404, "not_found", "no counted segment key '" + key + "' (counted: "
          + String.join(", ", tenant.segmentKeys()) + ")");
    }
    return key;
  }
}
