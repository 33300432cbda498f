package io.cxpulse.value;

import io.cxpulse.http.ApiError;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Validates an outcomes request all or nothing, like feedback: one object, an array of up to 1000,
 * or NDJSON; every problem reported with its JSON pointer; 422 when the only problems are unknown
 * outcome types, 400 otherwise.
 */
public final class OutcomeParser {
  public static final int MAX_ITEMS = 1000;
  private static final Pattern EVENT_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
  private static final Set<String> FIELDS = Set.of("eventId", "customerId", "type", "amount", "occurredAt", "referred");
  private static final Duration FUTURE_TOLERANCE = Duration.ofMinutes(5);
  private static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");
  private static final BigDecimal MAX_AMOUNT = new BigDecimal("999999999999.99");
  private static final Object BAD_LINE = new Object();

  private final Set<String> types;
  private final Instant now;
  private final List<ApiError.Detail> invalid = new ArrayList<>();
  private final List<ApiError.Detail> unknown = new ArrayList<>();

  private OutcomeParser(Set<String> types, Instant now) {
    this.types = types;
    this.now = now;
  }

  public static List<Outcome> parse(Buffer body, boolean ndjson, Set<String> types, Instant now) {
    return new OutcomeParser(types, now).run(body, ndjson);
  }

  private List<Outcome> run(Buffer body, boolean ndjson) {
    List<Object> raw = new ArrayList<>();
    boolean array = ndjson;
    if (ndjson) {
      int lineNo = 0;
      for (String line : body.toString(StandardCharsets.UTF_8).split("\n", -1)) {
        lineNo++;
        if (line.isBlank()) continue;
        try {
          raw.add(Json.decodeValue(line));
        } catch (DecodeException e) {
          invalid.add(new ApiError.Detail("/" + raw.size(), "line " + lineNo + ": not valid JSON"));
          raw.add(BAD_LINE);
        }
      }
    } else {
      Object decoded;
      try {
        decoded = body.length() == 0 ? null : Json.decodeValue(body);
      } catch (DecodeException e) {
        throw ApiError.badRequest("the body is not valid JSON", List.of(new ApiError.Detail("", "not valid JSON")));
      }
      if (decoded instanceof JsonArray a) {
        array = true;
        a.forEach(raw::add);
      } else if (decoded instanceof JsonObject) {
        raw.add(decoded);
      } else {
        throw ApiError.badRequest("the body must be a JSON object or an array of objects",
            List.of(new ApiError.Detail("", "must be an object or an array of objects")));
      }
    }
    if (raw.isEmpty()) {
      throw ApiError.badRequest("no outcome in the request", List.of(new ApiError.Detail("", "at least one item required")));
    }
    if (raw.size() > MAX_ITEMS) {
      throw ApiError.badRequest("too many items",
          List.of(new ApiError.Detail("", "at most " + MAX_ITEMS + " items per request, got " + raw.size())));
    }
    List<Outcome> out = new ArrayList<>(raw.size());
    for (int i = 0; i < raw.size(); i++) {
      String p = array ? "/" + i : "";
      if (raw.get(i) instanceof JsonObject o) {
        Outcome item = item(o, p);
        if (item != null) out.add(item);
      } else if (raw.get(i) != BAD_LINE) {
        invalid.add(new ApiError.Detail(p, "must be an object"));
      }
    }
    if (!invalid.isEmpty()) {
      List<ApiError.Detail> all = new ArrayList<>(invalid);
      all.addAll(unknown);
      throw ApiError.badRequest(all.size() + " invalid field" + (all.size() == 1 ? "" : "s") + "; nothing was stored", all);
    }
    if (!unknown.isEmpty()) {
      throw new ApiError(422, "unknown_code", unknown.size() + " unknown outcome type" + (unknown.size() == 1 ? "" : "s")
          + "; nothing was stored", unknown, null);
    }
    return out;
  }

  private Outcome item(JsonObject o, String p) {
    int before = invalid.size() + unknown.size();
    for (String field : o.fieldNames()) {
      if (!FIELDS.contains(field)) {
        invalid.add(new ApiError.Detail(p + "/" + field.replace("~", "~0").replace("/", "~1"), "unknown field"));
      }
    }
    String eventId = string(o, "eventId", p, true);
    if (eventId != null && !EVENT_ID.matcher(eventId).matches()) {
      invalid.add(new ApiError.Detail(p + "/eventId", "must be 1..128 characters of [A-Za-z0-9._:-]"));
    }
    String customerId = string(o, "customerId", p, true);
    if (customerId != null && (customerId.isBlank() || customerId.length() > 128)) {
      invalid.add(new ApiError.Detail(p + "/customerId", "must be 1..128 characters"));
    }
    String type = string(o, "type", p, true);
    if (type != null && !types.contains(type)) {
      unknown.add(new ApiError.Detail(p + "/type", "unknown outcome type '" + type + "'; use one of "
          + String.join(", ", types)));
    }
    BigDecimal amount = null;
    if (o.getValue("amount") != null) {
      if (o.getValue("amount") instanceof Number n) {
        try {
          // Money is kept to the cent; a binary double like 123.45000000000002 means 123.45.
          amount = new BigDecimal(n.toString()).setScale(2, java.math.RoundingMode.HALF_UP);
          if (amount.signum() < 0 || amount.compareTo(MAX_AMOUNT) > 0) {
            invalid.add(new ApiError.Detail(p + "/amount", "must be a number from 0 to 999999999999.99"));
          }
        } catch (NumberFormatException e) {
          invalid.add(new ApiError.Detail(p + "/amount", "must be a number"));
        }
      } else {
        invalid.add(new ApiError.Detail(p + "/amount", "must be a number"));
      }
    }
    Instant occurredAt = now;
    String occurred = string(o, "occurredAt", p, false);
    if (occurred != null) {
      try {
        occurredAt = OffsetDateTime.parse(occurred).toInstant();
        if (occurredAt.isAfter(now.plus(FUTURE_TOLERANCE))) {
          invalid.add(new ApiError.Detail(p + "/occurredAt", "more than 5 minutes in the future"));
        } else if (occurredAt.isBefore(EARLIEST)) {
          invalid.add(new ApiError.Detail(p + "/occurredAt", "before 2000-01-01T00:00:00Z"));
        }
      } catch (DateTimeParseException e) {
        invalid.add(new ApiError.Detail(p + "/occurredAt", "must be an ISO-8601 time with an offset, e.g. 2026-11-25T09:30:00+08:00"));
      }
    }
    boolean referred = false;
    if (o.getValue("referred") != null) {
      if (o.getValue("referred") instanceof Boolean b) referred = b;
      else invalid.add(new ApiError.Detail(p + "/referred", "must be true or false"));
    }
    if (invalid.size() + unknown.size() > before) return null;
    return new Outcome(eventId, customerId, type, amount, occurredAt, referred);
  }

  private String string(JsonObject o, String field, String p, boolean required) {
    Object v = o.getValue(field);
    if (v == null) {
      if (required) invalid.add(new ApiError.Detail(p + "/" + field, "required"));
      return null;
    }
    if (v instanceof String s) return s;
    invalid.add(new ApiError.Detail(p + "/" + field, "must be a string"));
    return null;
  }
}
