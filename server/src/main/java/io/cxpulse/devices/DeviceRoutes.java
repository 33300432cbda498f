package io.cxpulse.devices;

import io.cxpulse.auth.Principal;
import io.cxpulse.auth.Revocations;
import io.cxpulse.catalog.TenantCatalog;
import io.cxpulse.config.SecurityConfig;
import io.cxpulse.http.ApiError;
import io.cxpulse.http.Requests;
import io.cxpulse.http.ServerContext;
import io.cxpulse.text.Text;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Wall-screen device tokens, role {@code admin}, within the admin's tenant (and touchpoint scope):
 * {@code POST /api/v1/devices} issues one (the token is in this reply only),
 * {@code GET /api/v1/devices} lists them, {@code DELETE /api/v1/devices/{id}} revokes one at once.
 */
public final class DeviceRoutes {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final int BODY_LIMIT = 16 * 1024;

  private DeviceRoutes() {}

  public static void mount(Router router, ServerContext ctx) {
    router.post("/api/v1/devices").handler(rc -> {
      admin(rc);
      Requests.requireJson(rc);
      rc.next();
    });
    router.post("/api/v1/devices").handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT)).handler(rc -> issue(rc, ctx));
    router.get("/api/v1/devices").respond(rc -> {
      Principal p = admin(rc);
      Instant now = Instant.now();
      return ctx.security().devices().list(p.tenant()).map(devices -> {
        JsonArray items = new JsonArray();
        devices.forEach(d -> items.add(d.toJson(now)));
        return new JsonObject().put("items", items);
      });
    });
    router.delete("/api/v1/devices/:id").respond(rc -> {
      Principal p = admin(rc);
      String id = rc.pathParam("id");
      if (id == null || !ID.matcher(id).matches()) return Future.failedFuture(new ApiError(404, "not_found", "no such device"));
      return ctx.security().devices().revoke(p.tenant(), id).map(at -> {
        if (at == null) throw new ApiError(404, "not_found", "no such device");
        // This node refuses it before the reply; the others when the NOTIFY arrives.
        ctx.security().revocations().add(p.tenant(), id);
        rc.vertx().eventBus().publish(Revocations.REVOKED, p.tenant() + "\n" + id);
        return new JsonObject().put("id", id).put("revokedAt", at.atOffset(ZoneOffset.UTC).toString());
      });
    });
  }

  private static Principal admin(RoutingContext rc) {
    Principal p = Requests.principal(rc);
    if (!p.isAdmin()) throw new ApiError(403, "forbidden", "device tokens are managed by role admin");
    return p;
  }

  private static void issue(RoutingContext rc, ServerContext ctx) {
    Principal p = admin(rc);
    TenantCatalog tenant = Requests.tenant(ctx, p);
    Buffer body = rc.body().buffer();
    JsonObject in;
    try {
      in = body == null ? null : new JsonObject(body);
    } catch (DecodeException | ClassCastException e) {
      in = null;
    }
    if (in == null) throw ApiError.badRequest("the body must be a JSON object", List.of(new ApiError.Detail("", "must be a JSON object")));
    List<ApiError.Detail> errors = new ArrayList<>();
    String name = in.getValue("name") instanceof String s ? s.strip() : null;
    if (name == null || name.isEmpty() || name.length() > 100) errors.add(new ApiError.Detail("/name", "required, 1..100 characters"));
    else if (Text.nameProblem(name) != null) errors.add(new ApiError.Detail("/name", Text.nameProblem(name)));
    List<String> touchpoints = null;
    Object tpValue = in.getValue("touchpoints");
    if (tpValue instanceof JsonArray arr) {
      Set<String> codes = new LinkedHashSet<>();
      for (int i = 0; i < arr.size(); i++) {
        Object o = arr.getValue(i);
        if (!(o instanceof String code) || tenant.touchpoint(code) == null) {
          errors.add(new ApiError.Detail("/touchpoints/" + i, "unknown touchpoint code"));
        } else if (!p.mayAccess(code)) {
          throw new ApiError(403, "forbidden", "this token may not grant touchpoint '" + code + "'");
        } else {
          codes.add(code);
        }
      }
      if (codes.isEmpty() && errors.isEmpty()) errors.add(new ApiError.Detail("/touchpoints", "give at least one code, or leave it out for all"));
      touchpoints = List.copyOf(codes);
    } else if (tpValue != null) {
      errors.add(new ApiError.Detail("/touchpoints", "must be an array of touchpoint codes"));
    } else if (p.touchpoints() != null) {
      touchpoints = tenant.touchpoints().stream().map(tp -> tp.code()).filter(p::mayAccess).toList();
    }
    Duration ttl = ctx.security().defaultDeviceLifetime();
    Object ttlValue = in.getValue("ttl");
    if (ttlValue != null) {
      try {
        if (!(ttlValue instanceof String s)) throw new IllegalArgumentException();
        ttl = SecurityConfig.parseDuration(s);
        if (ttl.isZero()) throw new IllegalArgumentException();
        if (ttl.compareTo(ctx.security().policy().deviceCap()) > 0) {
          errors.add(new ApiError.Detail("/ttl", "at most " + ctx.security().policy().deviceCap().toDays() + " days"));
        }
      } catch (IllegalArgumentException e) {
        errors.add(new ApiError.Detail("/ttl", "a duration like 365d, 12h, 15m or 90s"));
      }
    }
    if (!errors.isEmpty()) throw ApiError.badRequest("invalid device", errors);
    if (!ctx.tokens().canIssue()) {
      throw new ApiError(409, "no_signing_key", "this server has no signing key (JWT_PRIVATE_KEY) to issue device tokens");
    }
    String id = newId();
    Instant expiresAt = Instant.now().truncatedTo(ChronoUnit.SECONDS).plus(ttl);
    List<String> scope = touchpoints;
    Duration lifetime = ttl;
    String createdBy = p.subject() == null ? "admin" : p.subject();
    ctx.security().devices().insert(p.tenant(), id, name, scope, createdBy, expiresAt)
        .map(v -> {
          String token = ctx.tokens().issueDevice(p.tenant(), id, scope, lifetime);
          return new JsonObject().put("id", id).put("name", name)
              .put("touchpoints", scope == null ? null : new JsonArray(scope))
              .put("token", token).put("expiresAt", expiresAt.atOffset(ZoneOffset.UTC).toString())
              .put("wallUrl", "/wall#token=" + token);
        })
        .onSuccess(json -> Requests.json(rc, 201, json.encode()))
        .onFailure(rc::fail);
  }

  static String newId() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return "dev_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
