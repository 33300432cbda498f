package io.cxpulse.ingest;

import io.cxpulse.catalog.Reason;
import io.cxpulse.catalog.TenantCatalog;
import io.cxpulse.counters.Feedback;
import io.cxpulse.http.ApiError;
import io.cxpulse.score.RaterDimension;
import io.cxpulse.text.Text;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Validates a feedback request (API.md, "Ingest") all or nothing. Every problem of every item is
 * reported with its JSON pointer; a request whose only problems are codes that the catalog does
 * not know is 422, anything else 400.
 */
public final class FeedbackParser {
  public static final int MAX_ITEMS = 1000;
  private static final Pattern EVENT_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
  private static final Pattern CHANNEL = Pattern.compile("[a-z0-9][a-z0-9_-]{0,31}");
  private static final Pattern CODE = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
  private static final Pattern SEGMENT_KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,31}");
  private static final Set<String> FIELDS = Set.of("eventId", "touchpoint", "occurredAt", "channel", "customerId",
      "nps", "csat", "csat3", "ces", "rater", "reasons", "subReasons", "values", "comment", "contactConsent",
      "segment");

  private final TenantCatalog tenant;
  private final Instant now;
  private final List<ApiError.Detail> invalid = new ArrayList<>();
  private final List<ApiError.Detail> unknown = new ArrayList<>();

  private FeedbackParser(TenantCatalog tenant, Instant now) {
    this.tenant = tenant;
    this.now = now;
  }

  /** The responses of a request, and whether it was a list (array or NDJSON), which decides error paths. */
  public record Parsed(List<Feedback> items, boolean list) {
    public String path(int index) {
      return list ? "/" + index : "";
    }
  }

  /** @param ndjson true for application/x-ndjson, false for application/json */
  public static Parsed parse(Buffer body, boolean ndjson, TenantCatalog tenant, Instant now) {
    return new FeedbackParser(tenant, now).run(body, ndjson);
  }

  /** A JSON pointer token (RFC 6901): field names may contain '/' and '~'. */
  static String token(String name) {
    return name.replace("~", "~0").replace("/", "~1");
  }

  private Parsed run(Buffer body, boolean ndjson) {
    JsonBatch.Items batch = JsonBatch.read(body, ndjson, MAX_ITEMS, "feedback", invalid);
    List<Feedback> out = new ArrayList<>(batch.raw().size());
    for (int i = 0; i < batch.raw().size(); i++) {
      String prefix = batch.path(i);
      if (batch.raw().get(i) instanceof JsonObject o) {
        Feedback f = item(o, prefix);
        if (f != null) out.add(f);
      } else if (batch.raw().get(i) != JsonBatch.BAD_LINE) {
        invalid.add(new ApiError.Detail(prefix, "must be an object"));
      }
    }
    JsonBatch.refuseIfAny(invalid, unknown, "unknown code", " for tenant " + tenant.id());
    return new Parsed(out, batch.list());
  }

  private Feedback item(JsonObject o, String p) {
    int before = invalid.size() + unknown.size();
    for (String field : o.fieldNames()) {
      if (!FIELDS.contains(field)) invalid.add(new ApiError.Detail(p + "/" + token(field), "unknown field"));
    }
    String eventId = string(o, "eventId", p, 128);
    if (eventId != null && !EVENT_ID.matcher(eventId).matches()) {
      invalid.add(new ApiError.Detail(p + "/eventId", "must be 1..128 characters of [A-Za-z0-9._:-]"));
    }
    String touchpoint = string(o, "touchpoint", p, 64);
    if (touchpoint == null && !o.containsKey("touchpoint")) {
      invalid.add(new ApiError.Detail(p + "/touchpoint", "required"));
    } else if (touchpoint != null && tenant.touchpoint(touchpoint) == null) {
      unknown.add(new ApiError.Detail(p + "/touchpoint", "unknown touchpoint code '" + touchpoint + "'"));
    }
    String occurred = string(o, "occurredAt", p, 64);
    Instant occurredAt = JsonBatch.occurredAt(occurred, p, now, invalid);
    String channel = string(o, "channel", p, 32);
    if (channel != null && !CHANNEL.matcher(channel).matches()) {
      invalid.add(new ApiError.Detail(p + "/channel", "must be a lower-case code such as app, web, sms, phone, kiosk, email"));
    }
    String customerId = string(o, "customerId", p, 128);
    Integer nps = score(o, "nps", p, 0, 10);
    Integer csat = score(o, "csat", p, 1, 5);
    Integer csat3 = score(o, "csat3", p, 1, 3);
    Integer ces = score(o, "ces", p, 1, 7);
    int[] rater = new int[5];
    if (o.containsKey("rater")) {
      if (o.getValue("rater") instanceof JsonObject r) {
        for (String key : r.fieldNames()) {
          RaterDimension d = RaterDimension.fromCode(key);
          if (d == null) {
            invalid.add(new ApiError.Detail(p + "/rater/" + token(key), "unknown dimension; use reliability, assurance, tangibles, empathy, responsiveness"));
          } else {
            Integer v = score(r, key, p + "/rater", 1, 5);
            if (v != null) rater[d.ordinal()] = v;
          }
        }
        if (r.isEmpty()) invalid.add(new ApiError.Detail(p + "/rater", "rate at least one dimension, or leave rater out"));
      } else {
        invalid.add(new ApiError.Detail(p + "/rater", "must be an object of dimension → 1..5"));
      }
    }
    List<String> reasons = codes(o, "reasons", p, true);
    List<String> subReasons = codes(o, "subReasons", p, false);
    Map<String, Integer> values = new TreeMap<>();
    if (o.containsKey("values")) {
      if (o.getValue("values") instanceof JsonObject v) {
        Set<String> configured = configuredValueElements();
        for (String key : v.fieldNames()) {
          if (!CODE.matcher(key).matches()) {
            invalid.add(new ApiError.Detail(p + "/values/" + token(key), "value element codes are lower-case [a-z0-9._-]"));
            continue;
          }
          if (configured != null && !configured.contains(key)) {
            unknown.add(new ApiError.Detail(p + "/values/" + key, "unknown value element '" + key + "'"));
            continue;
          }
          Integer rating = score(v, key, p + "/values", 0, 10);
          if (rating != null) values.put(key, rating);
        }
        if (v.isEmpty()) invalid.add(new ApiError.Detail(p + "/values", "rate at least one element, or leave values out"));
      } else {
        invalid.add(new ApiError.Detail(p + "/values", "must be an object of value element → 0..10"));
      }
    }
    String comment = string(o, "comment", p, 4000);
    Boolean consent = null;
    if (o.containsKey("contactConsent")) {
      if (o.getValue("contactConsent") instanceof Boolean b) consent = b;
      else invalid.add(new ApiError.Detail(p + "/contactConsent", "must be true or false"));
    }
    Map<String, String> segment = new LinkedHashMap<>();
    if (o.containsKey("segment")) {
      if (o.getValue("segment") instanceof JsonObject s) {
        if (s.size() > 10) invalid.add(new ApiError.Detail(p + "/segment", "at most 10 keys"));
        for (String key : s.fieldNames()) {
          if (!SEGMENT_KEY.matcher(key).matches()) {
            invalid.add(new ApiError.Detail(p + "/segment/" + token(key), "keys are 1..32 characters of [A-Za-z0-9._-]"));
            continue;
          }
          String value = string(s, key, p + "/segment", 64);
          if (value == null) continue;
          // One value, one spelling: NFC, and no invisible or look-alike characters (Text.segmentValue).
          Text.Checked checked = Text.segmentValue(value);
          if (checked.ok()) segment.put(key, checked.value());
          else invalid.add(new ApiError.Detail(p + "/segment/" + key, checked.problem()));
        }
      } else {
        invalid.add(new ApiError.Detail(p + "/segment", "must be an object of key → short string"));
      }
    }
    boolean hasRater = false;
    for (int r : rater) hasRater |= r != 0;
    if (nps == null && csat == null && csat3 == null && ces == null && !hasRater && values.isEmpty() && comment == null
        && !o.containsKey("nps") && !o.containsKey("csat") && !o.containsKey("csat3") && !o.containsKey("ces")
        && !o.containsKey("rater") && !o.containsKey("values") && !o.containsKey("comment")) {
      invalid.add(new ApiError.Detail(p, "needs at least one of nps, csat, csat3, ces, rater, values, comment"));
    }
    if (invalid.size() + unknown.size() > before) return null;
    if (eventId == null) eventId = deriveEventId(o, occurred != null);
    return new Feedback(eventId, touchpoint, occurredAt, channel, customerId, nps, csat, csat3, ces, rater,
        reasons, subReasons, values, comment, Boolean.TRUE.equals(consent), segment);
  }

  private Set<String> configuredValueElements() {
    JsonArray elements = tenant.settings().getJsonArray("valueElements");
    if (elements == null || elements.isEmpty()) return null;
    Set<String> out = new HashSet<>();
    for (Object e : elements) {
      if (e instanceof JsonObject j && j.getString("code") != null) out.add(j.getString("code"));
      else if (e instanceof String s) out.add(s);
    }
    return out;
  }

  private String string(JsonObject o, String field, String p, int maxLength) {
    if (!o.containsKey(field) || o.getValue(field) == null) {
      if (o.containsKey(field)) invalid.add(new ApiError.Detail(p + "/" + field, "must not be null; leave the field out instead"));
      return null;
    }
    if (!(o.getValue(field) instanceof String s)) {
      invalid.add(new ApiError.Detail(p + "/" + field, "must be a string"));
      return null;
    }
    if (s.length() > maxLength) {
      invalid.add(new ApiError.Detail(p + "/" + field, "at most " + maxLength + " characters, got " + s.length()));
      return null;
    }
    String problem = field.equals("comment") ? Text.problem(s) : Text.nameProblem(s);
    if (problem != null) {
      invalid.add(new ApiError.Detail(p + "/" + token(field), problem));
      return null;
    }
    return s;
  }

  private Integer score(JsonObject o, String field, String p, int min, int max) {
    if (!o.containsKey(field)) return null;
    Object v = o.getValue(field);
    if (v instanceof Integer || v instanceof Long || v instanceof Short) {
      long n = ((Number) v).longValue();
      if (n >= min && n <= max) return (int) n;
    }
    invalid.add(new ApiError.Detail(p + "/" + field, "must be an integer " + min + ".." + max));
    return null;
  }

  private List<String> codes(JsonObject o, String field, String p, boolean level1) {
    if (!o.containsKey(field)) return List.of();
    if (!(o.getValue(field) instanceof JsonArray arr)) {
      invalid.add(new ApiError.Detail(p + "/" + field, "must be an array of reason codes"));
      return List.of();
    }
    List<String> out = new ArrayList<>();
    Collection<String> seen = new HashSet<>();
    for (int i = 0; i < arr.size(); i++) {
      String path = p + "/" + field + "/" + i;
      if (!(arr.getValue(i) instanceof String code)) {
        invalid.add(new ApiError.Detail(path, "must be a reason code string"));
        continue;
      }
      if (!seen.add(code)) {
        invalid.add(new ApiError.Detail(path, "repeats '" + code + "'"));
        continue;
      }
      Reason r = tenant.reason(code);
      if (r == null) {
        unknown.add(new ApiError.Detail(path, "unknown reason code '" + (code.length() > 64 ? code.substring(0, 64) + "…" : code) + "'"));
      } else if (r.isLevel1() != level1) {
        invalid.add(new ApiError.Detail(path, "'" + code + "' is a level-" + (r.isLevel1() ? 1 : 2)
            + " reason; send it in " + (r.isLevel1() ? "reasons" : "subReasons")));
      } else {
        out.add(code);
      }
    }
    return out;
  }

  /**
   * With an explicit occurredAt, the same content is the same response: a hash of it makes
   * blind retries idempotent. Without one, two identical answers are two customers.
   */
  private static String deriveEventId(JsonObject item, boolean hasOccurredAt) {
    if (!hasOccurredAt) return "u:" + UUID.randomUUID();
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] digest = sha.digest(canonical(item).getBytes(StandardCharsets.UTF_8));
      return "h:" + HexFormat.of().formatHex(digest, 0, 20);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String canonical(Object value) {
    if (value instanceof JsonObject o) {
      StringBuilder sb = new StringBuilder("{");
      new TreeMap<>(o.getMap()).forEach((k, v) -> {
        if (sb.length() > 1) sb.append(',');
        sb.append(Json.encode(k)).append(':').append(canonical(v instanceof Map<?, ?> m ? new JsonObject(castMap(m)) : v));
      });
      return sb.append('}').toString();
    }
    if (value instanceof JsonArray a) {
      StringBuilder sb = new StringBuilder("[");
      for (int i = 0; i < a.size(); i++) {
        if (i > 0) sb.append(',');
        sb.append(canonical(a.getValue(i)));
      }
      return sb.append(']').toString();
    }
    return Json.encode(value);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> castMap(Map<?, ?> m) {
    return (Map<String, Object>) m;
  }
}
