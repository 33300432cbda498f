package io.cxpulse.http;

import io.cxpulse.auth.Principal;
import io.cxpulse.catalog.TenantCatalog;
import io.cxpulse.counters.Windows;
import io.cxpulse.text.Text;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What every read endpoint parses the same way: the authenticated principal, its tenant, the
 * window (a name or from/to) and the touchpoints within the token's scope. Errors are collected
 * as API.md details so that one reply names every bad parameter.
 */
public final class Requests {
  /** The RoutingContext key under which the authenticate handler puts the {@link Principal}. */
  public static final String PRINCIPAL = "principal";
  public static final Duration MAX_CUSTOM_WINDOW = Duration.ofDays(400);

  private Requests() {}

  /** A named window ({@code window} set) or a custom range ({@code from}/{@code to} set). */
  public record Range(String window, Instant from, Instant to) {
    public boolean custom() { return from != null; }
  }

  /**
   * Query strings with raw (not percent-encoded) UTF-8, as curl sends {@code ?q=排队} typed in a
   * shell: Netty hands each byte over as one character, so {@code rc.queryParams()} would hold
   * mojibake and a search would silently find nothing. Such bytes are percent-encoded here and the
   * parameters decoded again as UTF-8, before any handler reads them (Vert.x Web caches them).
   */
  public static void rawUtf8Query(RoutingContext rc) {
    String uri = rc.request().uri();
    int q = uri.indexOf('?');
    if (q >= 0 && uri.chars().skip(q).anyMatch(c -> c > 0x7F) && uri.chars().allMatch(c -> c <= 0xFF)) {
      StringBuilder fixed = new StringBuilder(uri.length() * 3);
      for (int i = 0; i < uri.length(); i++) {
        char c = uri.charAt(i);
        if (i > q && c > 0x7F) fixed.append('%').append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xF, 16));
        else fixed.append(c);
      }
      MultiMap params = rc.queryParams();
      params.clear();
      new QueryStringDecoder(fixed.toString(), StandardCharsets.UTF_8).parameters().forEach(params::add);
    }
    rc.next();
  }

  /**
   * Every query parameter of an /api request, name and value, is text the server may pass on to
   * PostgreSQL or echo: a NUL or another control character, or an unpaired surrogate, is 400 here,
   * once for all endpoints, naming the parameter. A segment filter's value ({@code segment.<key>})
   * is judged like a stored segment value and replaced by its NFC form, so that it finds the values
   * the writer stored normalised.
   */
  public static void cleanQuery(RoutingContext rc) {
    List<ApiError.Detail> errors = new java.util.ArrayList<>();
    MultiMap params = rc.queryParams();
    List<java.util.Map.Entry<String, String>> normalised = new java.util.ArrayList<>();
    for (java.util.Map.Entry<String, String> e : params.entries()) {
      String nameProblem = Text.problem(e.getKey());
      if (nameProblem != null) {
        errors.add(new ApiError.Detail(e.getKey(), "parameter name " + nameProblem));
        continue;
      }
      if (e.getKey().startsWith("segment.") && !e.getValue().isEmpty()) {
        Text.Checked v = Text.segmentValue(e.getValue());
        if (!v.ok()) errors.add(new ApiError.Detail(e.getKey(), v.problem()));
        else normalised.add(java.util.Map.entry(e.getKey(), v.value()));
        continue;
      }
      String problem = Text.problem(e.getValue());
      if (problem != null) errors.add(new ApiError.Detail(e.getKey(), problem));
      else normalised.add(e);
    }
    if (!errors.isEmpty()) {
      rc.fail(ApiError.badRequest("invalid query parameters", errors));
      return;
    }
    params.clear();
    normalised.forEach(e -> params.add(e.getKey(), e.getValue()));
    rc.next();
  }

  public static Principal principal(RoutingContext rc) {
    return rc.get(PRINCIPAL);
  }

  /** The principal, if it may read scorecards and analysis; otherwise a 403. */
  public static Principal reader(RoutingContext rc) {
    Principal principal = principal(rc);
    if (!principal.canRead()) {
      throw new ApiError(403, "forbidden", "this token may not read (role viewer, manager or admin required)");
    }
    return principal;
  }

  public static TenantCatalog tenant(ServerContext ctx, Principal principal) {
    return ctx.catalog().get().tenant(principal.tenant());
  }

  /** {@code window=…} (default {@code today}) or {@code from=…&to=…} (to defaults to now). */
  public static Range range(RoutingContext rc, Instant now, List<ApiError.Detail> errors) {
    String window = rc.queryParams().get("window");
    String fromParam = rc.queryParams().get("from");
    String toParam = rc.queryParams().get("to");
    if (fromParam != null || toParam != null) {
      if (window != null) errors.add(new ApiError.Detail("window", "give either window or from/to, not both"));
      Instant from = instant(fromParam, "from", errors);
      Instant to = toParam == null ? now : instant(toParam, "to", errors);
      if (from != null && to != null && !from.isBefore(to)) errors.add(new ApiError.Detail("to", "must be after from"));
      if (from != null && to != null && Duration.between(from, to).compareTo(MAX_CUSTOM_WINDOW) > 0) {
        errors.add(new ApiError.Detail("from", "a custom window spans at most 400 days"));
      }
      return from == null || to == null ? new Range("today", null, null) : new Range(null, from, to);
    }
    if (window == null) return new Range("today", null, null);
    if (!Windows.NAMES.contains(window)) {
      errors.add(new ApiError.Detail("window", "one of 15m, 1h, 24h, today, 7d, 30d (or from/to)"));
    }
    return new Range(window, null, null);
  }

  /**
   * The touchpoints asked for ({@code touchpoints=a,b}), or null for "all of the tenant" when the
   * token is not scoped, or the token's touchpoints when it is; 403 for any outside the scope.
   */
  public static List<String> touchpoints(RoutingContext rc, TenantCatalog tenant, Principal principal,
      List<ApiError.Detail> errors) {
    String param = rc.queryParams().get("touchpoints");
    if (param == null || param.isBlank()) {
      return principal.touchpoints() == null ? null
          : tenant.touchpoints().stream().map(tp -> tp.code()).filter(principal::mayAccess).toList();
    }
    Set<String> codes = new LinkedHashSet<>();
    for (String code : param.split(",")) {
      code = code.trim();
      if (code.isEmpty()) continue;
      if (tenant.touchpoint(code) == null) {
        errors.add(new ApiError.Detail("touchpoints", "unknown touchpoint code '" + code + "'"));
      } else if (!principal.mayAccess(code)) {
        throw new ApiError(403, "forbidden", "this token may not see touchpoint '" + code + "'");
      } else {
        codes.add(code);
      }
    }
    return List.copyOf(codes);
  }

  /** An ISO-8601 time with an offset; a detail naming the parameter when missing or malformed. */
  public static Instant instant(String value, String name, List<ApiError.Detail> errors) {
    if (value == null) {
      errors.add(new ApiError.Detail(name, "required with a custom window"));
      return null;
    }
    try {
      return OffsetDateTime.parse(value).toInstant();
    } catch (DateTimeParseException e) {
      errors.add(new ApiError.Detail(name, "must be an ISO-8601 time with an offset"));
      return null;
    }
  }

  /**
   * Batch endpoints take application/json or application/x-ndjson; anything else is 415 before
   * the body is read (a route of its own: Vert.x wants the body handler first on a route), so a
   * form or multipart body is never decoded.
   */
  public static void requireBatchMediaType(RoutingContext rc) {
    String type = mediaType(rc);
    if (!type.equals("application/json") && !type.equals("application/x-ndjson")) {
      rc.fail(new ApiError(415, "unsupported_media_type", "send application/json or application/x-ndjson"));
      return;
    }
    rc.next();
  }

  /** For JSON-only bodies (PATCH a case, PUT the catalog, POST a device): a 415 otherwise. */
  public static void requireJson(RoutingContext rc) {
    if (!mediaType(rc).equals("application/json")) {
      throw new ApiError(415, "unsupported_media_type", "send application/json");
    }
  }

  public static boolean ndjson(RoutingContext rc) {
    return mediaType(rc).equals("application/x-ndjson");
  }

  private static String mediaType(RoutingContext rc) {
    String header = rc.request().getHeader("Content-Type");
    if (header == null) return "";
    int semi = header.indexOf(';');
    return (semi < 0 ? header : header.substring(0, semi)).trim().toLowerCase(java.util.Locale.ROOT);
  }

  public static void json(RoutingContext rc, int status, String body) {
    rc.response().setStatusCode(status)
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .end(body);
  }
}
