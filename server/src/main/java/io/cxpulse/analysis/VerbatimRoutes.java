package io.cxpulse.analysis;

import io.cxpulse.auth.Principal;
import io.cxpulse.catalog.TenantCatalog;
import io.cxpulse.counters.Windows;
import io.cxpulse.http.ApiError;
import io.cxpulse.http.ServerContext;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * {@code GET /api/v1/verbatims}: what customers wrote, latest first, searchable in Chinese and
 * English ({@code q}), by category, reason and segment, paged by a keyset cursor; customer ids
 * only for managers and admins.
 */
final class VerbatimRoutes {
  static final int VERBATIM_LIMIT = 200;

  private final ServerContext ctx;
  private final Windows windows;
  private final VerbatimStore verbatims;

  VerbatimRoutes(ServerContext ctx, Windows windows, VerbatimStore verbatims) {
    this.ctx = ctx;
    this.windows = windows;
    this.verbatims = verbatims;
  }

  void mount(Router router) {
    router.get("/api/v1/verbatims").handler(rc -> AnalysisRequest.reply(rc, verbatims(rc)));
  }

  private Future<JsonObject> verbatims(RoutingContext rc) {
    List<ApiError.Detail> errors = new ArrayList<>();
    AnalysisRequest c = AnalysisRequest.parse(rc, ctx, windows, errors);
    String q = rc.queryParams().get("q");
    if (q != null && q.isBlank()) q = null;
    if (q != null && q.length() > 200) errors.add(new ApiError.Detail("q", "at most 200 characters"));
    String category = rc.queryParams().get("category");
    Integer low = null, high = null;
    if (category != null) {
      switch (category) {
        case "promoter" -> { low = 9; high = 10; }
        case "passive" -> { low = 7; high = 8; }
        case "detractor" -> { low = 0; high = 6; }
        default -> errors.add(new ApiError.Detail("category", "one of promoter, passive, detractor"));
      }
    }
    String reason = rc.queryParams().get("reason");
    if (reason != null && c.tenant().reason(reason) == null) {
      errors.add(new ApiError.Detail("reason", "unknown reason code '" + reason + "'"));
    }
    int limit = 50;
    String limitParam = rc.queryParams().get("limit");
    if (limitParam != null) {
      try {
        limit = Integer.parseInt(limitParam);
        if (limit < 1 || limit > VERBATIM_LIMIT) errors.add(new ApiError.Detail("limit", "1.." + VERBATIM_LIMIT));
      } catch (NumberFormatException e) {
        errors.add(new ApiError.Detail("limit", "must be an integer 1.." + VERBATIM_LIMIT));
      }
    }
    Instant beforeAt = null;
    String beforeId = null;
    String before = rc.queryParams().get("before");
    if (before != null) {
      try {
        String decoded = new String(Base64.getUrlDecoder().decode(before), StandardCharsets.UTF_8);
        int bar = decoded.indexOf('|');
        beforeAt = Instant.parse(decoded.substring(0, bar));
        beforeId = decoded.substring(bar + 1);
      } catch (RuntimeException e) {
        errors.add(new ApiError.Detail("before", "not a cursor from a previous page's next"));
      }
    }
    AnalysisRequest.check(errors);
    int pageSize = limit;
    boolean customers = c.principal().roles().contains(Principal.MANAGER) || c.principal().roles().contains(Principal.ADMIN);
    return verbatims.latest(new VerbatimStore.Query(c.tenant().id(), c.codes(), c.plan().from(), c.plan().to(), q, low,
            high, reason, c.segment() == null ? null : c.segment().key(), c.segment() == null ? null : c.segment().value(),
            beforeAt, beforeId, pageSize + 1))
        .map(rows -> {
          JsonArray items = new JsonArray();
          for (int i = 0; i < Math.min(pageSize, rows.size()); i++) items.add(verbatim(rows.get(i), c.tenant(), customers));
          String next = null;
          if (rows.size() > pageSize) {
            VerbatimStore.Verbatim last = rows.get(pageSize - 1);
            next = Base64.getUrlEncoder().withoutPadding().encodeToString(
                (last.occurredAt().toString() + "|" + last.eventId()).getBytes(StandardCharsets.UTF_8));
          }
          return new JsonObject().put("tenant", c.tenant().id()).put("window", AnalysisRequest.window(c.plan(), c.tenant().zone()))
              .put("items", items).put("next", next);
        });
  }

  static JsonObject verbatim(VerbatimStore.Verbatim v, TenantCatalog tenant, boolean withCustomer) {
    String category = v.nps() == null ? null : v.nps() >= 9 ? "promoter" : v.nps() >= 7 ? "passive" : "detractor";
    JsonArray reasons = new JsonArray();
    v.reasons().forEach(reasons::add);
    JsonArray subReasons = new JsonArray();
    v.subReasons().forEach(subReasons::add);
    JsonObject out = new JsonObject().put("eventId", v.eventId()).put("touchpoint", v.touchpoint())
        .put("occurredAt", AnalysisRequest.time(v.occurredAt(), tenant.zone())).put("nps", v.nps()).put("category", category)
        .put("reasons", reasons).put("subReasons", subReasons).put("comment", v.comment())
        .put("detractor", "detractor".equals(category));
    if (withCustomer) out.put("customerId", v.customerId());
    return out;
  }
}
