package io.cxpulse.catalog.admin;

import io.cxpulse.auth.Principal;
import io.cxpulse.catalog.CatalogFile;
import io.cxpulse.catalog.Reason;
import io.cxpulse.catalog.TenantCatalog;
import io.cxpulse.catalog.Touchpoint;
import io.cxpulse.counters.Grain;
import io.cxpulse.http.ApiError;
import io.cxpulse.http.Requests;
import io.cxpulse.http.ServerContext;
import io.cxpulse.store.CatalogStore;
import io.cxpulse.store.SqlErrors;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/v1/catalog} (any role: the tenant, its touchpoints within the token's scope, reasons and settings),
 * and {@code PUT /api/v1/catalog} (role admin, not scoped to touchpoints, the token's tenant only):
 * one tenant object of the catalog file format, {@code id} optional and equal to the token's
 * tenant. Adds and updates touchpoints, reasons, segment keys and settings like a catalog file at
 * start, never deletes: a touchpoint or reason left out stays, a setting given replaces that
 * setting. Fields left out keep their values (name, time zone; a touchpoint's or reason's order).
 * A segment key that becomes counted is counted from the responses already stored, in the same
 * transaction (see {@link CatalogStore#change}). Replies with the resulting catalog, like GET.
 */
public final class CatalogRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(CatalogRoutes.class);
  private static final int BODY_LIMIT = 1024 * 1024;

  private final ServerContext ctx;
  private final CatalogStore store;

  private CatalogRoutes(ServerContext ctx) {
    this.ctx = ctx;
    this.store = new CatalogStore(ctx.readPool());
  }

  public static void mount(Router router, ServerContext ctx, Vertx vertx) {
    CatalogRoutes routes = new CatalogRoutes(ctx);
    // A route of its own for the checks before the body (Vert.x wants the body handler first on a route).
    router.get("/api/v1/catalog").handler(rc -> {
      Principal principal = Requests.principal(rc);
      Requests.json(rc, 200, json(Requests.tenant(ctx, principal), principal).encode());
    });
    router.put("/api/v1/catalog").handler(routes::admin);
    router.put("/api/v1/catalog").handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT)).handler(routes::put);
  }

  /** Role and media type are checked before the body is read. */
  private void admin(RoutingContext rc) {
    Principal principal = Requests.principal(rc);
    if (!principal.isAdmin()) {
      rc.fail(new ApiError(403, "forbidden", "only an admin token may change the catalog"));
    } else if (principal.touchpoints() != null) {
      rc.fail(new ApiError(403, "forbidden", "a token scoped to touchpoints may not change the catalog"));
    } else {
      Requests.requireJson(rc);
      rc.next();
    }
  }

  private void put(RoutingContext rc) {
    Principal principal = Requests.principal(rc);
    TenantCatalog current = Requests.tenant(ctx, principal);
    JsonObject body;
    try {
      Object parsed = rc.body().buffer() == null ? null : rc.body().buffer().toJsonValue();
      if (!(parsed instanceof JsonObject o)) throw new DecodeException("not an object");
      body = o;
    } catch (DecodeException e) {
      rc.fail(ApiError.badRequest("the body must be one tenant object of the catalog format",
          List.of(new ApiError.Detail("", "must be a JSON object"))));
      return;
    }
    if (body.getValue("id") instanceof String id && !id.equals(current.id())) {
      rc.fail(new ApiError(403, "forbidden", "this token may only change the catalog of tenant " + current.id(),
          List.of(new ApiError.Detail("/id", "must be " + current.id() + " (the token's tenant) or left out")), null));
      return;
    }
    List<ApiError.Detail> invalid = new ArrayList<>();
    for (String field : body.fieldNames()) {
      if (!CatalogFile.FIELDS.contains(field)) invalid.add(new ApiError.Detail("/" + pointer(field), "unknown field"));
    }
    if (body.containsKey("id") && !(body.getValue("id") instanceof String)) {
      invalid.add(new ApiError.Detail("/id", "must be a string"));
    }
    if (!invalid.isEmpty()) {
      rc.fail(ApiError.badRequest("invalid catalog; nothing was changed", invalid));
      return;
    }
    CatalogFile.Result result = CatalogFile.parseTenant(withCurrent(body, current), parents(current));
    List<ApiError.Detail> unknown = new ArrayList<>();
    for (CatalogFile.Problem p : result.problems()) {
      (p.message().startsWith("unknown ") ? unknown : invalid).add(new ApiError.Detail(p.path(), p.message()));
    }
    if (!invalid.isEmpty()) {
      invalid.addAll(unknown);
      rc.fail(ApiError.badRequest("invalid catalog; nothing was changed", invalid));
      return;
    }
    TenantCatalog tenant = result.tenant();
    if (tenant != null && !tenant.zone().equals(current.zone())) {
      unknown.add(new ApiError.Detail("/timeZone", "is " + current.zone().getId()
          + " and cannot change: the day counters are kept in the tenant's time zone"));
    }
    if (!unknown.isEmpty()) {
      rc.fail(new ApiError(422, "invalid", "invalid catalog; nothing was changed", unknown, null));
      return;
    }
    Instant now = ctx.clock().instant();
    long quarterCutoff = Grain.QUARTER.firstBucketFrom(now.minus(ctx.config().quarterRetention()));
    long minuteCutoff = Grain.MINUTE.firstBucketFrom(now.minus(ctx.config().minuteRetention()));
    int limit = segmentLimit(tenant, current);
    store.change(tenant, limit, quarterCutoff, minuteCutoff)
        .recover(err -> {
          // The database's words stay in the log: they may name tables, values or other tenants' data.
          LOG.warn("catalog change of tenant {} failed (SQLSTATE {}): {}", tenant.id(), SqlErrors.sqlState(err), err.getMessage());
          return Future.failedFuture(SqlErrors.isDataError(err)
              ? new ApiError(422, "unprocessable", "the database refused a value of this catalog; nothing was changed")
              : ApiError.unavailable("cannot change the catalog right now; nothing was changed; retry later", 1));
        })
        .compose(change -> {
          if (change.refused()) {
            List<String> keys = tenant.segmentKeys();
            List<ApiError.Detail> tooMany = new ArrayList<>();
            change.overLimit().forEach((key, n) -> tooMany.add(new ApiError.Detail("/segments/" + keys.indexOf(key),
                "the stored responses carry " + n + " distinct values of '" + key + "', more than its limit of " + limit)));
            return Future.failedFuture(new ApiError(422, "segment_limit",
                "a segment key would count more distinct values than its limit; nothing was changed", tooMany, null));
          }
          // This node reads the change at once; every node (this one too) reads it again on the NOTIFY.
          return rc.vertx().eventBus().request(CatalogWatchVerticle.RELOAD, tenant.id())
              .recover(err -> Future.failedFuture(ApiError.unavailable(
                  "the catalog was changed but cannot be read back right now; GET it later", 1)));
        })
        .onSuccess(reloaded -> Requests.json(rc, 200, json(ctx.catalog().get().tenant(current.id()), principal).encode()))
        .onFailure(rc::fail);
  }

  /** The reply of GET /api/v1/catalog. */
  static JsonObject json(TenantCatalog tenant, Principal principal) {
    JsonArray tps = new JsonArray();
    tenant.touchpoints().stream().filter(tp -> principal.mayAccess(tp.code())).forEach(tp -> tps.add(tp.toJson()));
    JsonArray reasons = new JsonArray();
    tenant.reasons().forEach(r -> reasons.add(r.toJson()));
    JsonObject body = new JsonObject().put("tenant", tenant.id()).put("name", tenant.name())
        .put("timeZone", tenant.zone().getId()).put("touchpoints", tps).put("reasons", reasons);
    tenant.settings().forEach(e -> body.put(e.getKey(), e.getValue()));
    return body;
  }

  /**
   * The body with what it leaves out taken from the current catalog: id, name and time zone, and
   * the order of a touchpoint or reason (a new one without order goes after the existing ones).
   */
  private static JsonObject withCurrent(JsonObject body, TenantCatalog current) {
    JsonObject t = body.copy();
    t.put("id", current.id());
    if (!t.containsKey("name")) t.put("name", current.name());
    if (!t.containsKey("timeZone")) t.put("timeZone", current.zone().getId());
    fillOrders(t.getValue("touchpoints"), current.touchpoints().stream().mapToInt(Touchpoint::order), code -> {
      Touchpoint existing = current.touchpoint(code);
      return existing == null ? null : existing.order();
    });
    fillOrders(t.getValue("reasons"), current.reasons().stream().mapToInt(Reason::order), code -> {
      Reason existing = current.reason(code);
      return existing == null ? null : existing.order();
    });
    return t;
  }

  /** Items without an order keep their current one, or go after every existing item (in body order). */
  private static void fillOrders(Object items, java.util.stream.IntStream existingOrders,
      java.util.function.Function<String, Integer> currentOrder) {
    if (!(items instanceof JsonArray list)) return;
    int next = existingOrders.max().orElse(0) + 1;
    for (Object o : list) {
      if (o instanceof JsonObject item && !item.containsKey("order")) {
        Integer known = item.getValue("code") instanceof String code ? currentOrder.apply(code) : null;
        item.put("order", known != null ? known : next++);
      }
    }
  }

  private static Map<String, String> parents(TenantCatalog current) {
    Map<String, String> out = new HashMap<>();
    for (Reason r : current.reasons()) out.put(r.code(), r.parent());
    return out;
  }

  /** The limit the tenant will have: the one given, else the current one, else SEGMENT_LIMIT. */
  private int segmentLimit(TenantCatalog given, TenantCatalog current) {
    Integer limit = given.settings().getInteger("segmentLimit");
    if (limit == null) limit = current.settings().getInteger("segmentLimit");
    return limit == null || limit < 1 ? ctx.config().segmentLimit() : limit;
  }

  private static String pointer(String field) {
    return field.replace("~", "~0").replace("/", "~1");
  }
}
