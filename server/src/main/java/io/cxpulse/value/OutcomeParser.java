package io.cxpulse.value;

import io.cxpulse.http.ApiError;
import io.cxpulse.ingest.JsonBatch;
import io.cxpulse.text.Text;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
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
  private static final BigDecimal MAX_AMOUNT = new BigDecimal("999999999999.99");

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
    JsonBatch.Items batch = JsonBatch.read(body, ndjson, MAX_ITEMS, "outcome", invalid);
    List<Outcome> out = new ArrayList<>(batch.raw().size());
    for (int i = 0; i < batch.raw().size(); i++) {
      String p = batch.path(i);
      if (batch.raw().get(i) instanceof JsonObject o) {
        Outcome item = item(o, p);
        if (item != null) out.add(item);
      } else if (batch.raw().get(i) != JsonBatch.BAD_LINE) {
        invalid.add(new ApiError.Detail(p, "must be an object"));
      }
    }
    JsonBatch.refuseIfAny(invalid, unknown, "unknown outcome type", "");
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
    Instant occurredAt = JsonBatch.occurredAt(string(o, "occurredAt", p, false), p, now, invalid);
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
    if (!(v instanceof String s)) {
      invalid.add(new ApiError.Detail(p + "/" + field, "must be a string"));
      return null;
    }
    String problem = Text.nameProblem(s);
    if (problem != null) {
      invalid.add(new ApiError.Detail(p + "/" + field, problem));
      return null;
    }
    return s;
  }
}
