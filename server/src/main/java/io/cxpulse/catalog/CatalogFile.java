package io.cxpulse.catalog;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads and validates a catalog file (API.md, "Catalog"). Every problem is reported at once with
 * its JSON path, so that an operator fixes the file in one go.
 */
public final class CatalogFile {
  private static final Pattern CODE = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
  private static final Pattern TENANT_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  /** Segment keys as FeedbackParser accepts them in a response's {@code segment}. */
  private static final Pattern SEGMENT_KEY = Pattern.compile("[A-Za-z0-9._-]{1,32}");
  /** Bounds of the settings (docs/security.md, "Input limits"): each one refuses what would hurt. */
  public static final double MAX_CASE_SLA_HOURS = 8760;
  public static final int MAX_SEGMENT_LIMIT = 1_000_000;
  public static final int MAX_PRIVACY_MIN_N = 1_000_000;
  public static final int MAX_OUTCOME_HORIZON_DAYS = 730;
  public static final int MAX_ORDER = 1_000_000;
  public static final double MAX_RATER_WEIGHT = 1000;
  public static final int MAX_TOUCHPOINTS = 1000;
  public static final int MAX_REASONS = 2000;
  public static final int MAX_SEGMENT_KEYS = 20;
  public static final int MAX_LIST_SETTING = 100;
  public static final int MAX_SEGMENT_VALUES = 10_000;
  public static final int MAX_NAME = 200;
  private static final Pattern TARGET_KEY = Pattern.compile("[a-z0-9][a-z0-9_-]{0,31}");

  /** The tenant fields kept in its settings (jsonb), as given. */
  public static final List<String> SETTINGS = List.of("segments", "valueElements", "stages", "raterWeights", "caseSlaHours",
      "segmentLimit", "privacyMinN", "outcomeHorizonDays", "outcomeTypes", "segmentValues");
  /** Every field a tenant object may have. */
  public static final Set<String> FIELDS;

  static {
    Set<String> fields = new HashSet<>(List.of("id", "name", "nameZh", "timeZone", "touchpoints", "reasons"));
    fields.addAll(SETTINGS);
    FIELDS = Set.copyOf(fields);
  }

  /** One problem of a catalog, at a JSON pointer. */
  public record Problem(String path, String message) {
    @Override
    public String toString() {
      return path + ": " + message;
    }
  }

  /** A parsed tenant, or the problems that kept it from parsing. */
  public record Result(TenantCatalog tenant, List<Problem> problems) {}

  private CatalogFile() {}

  public static List<TenantCatalog> read(Path file) {
    try {
      return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read catalog " + file + ": " + e.getMessage(), e);
    }
  }

  public static List<TenantCatalog> readResource(String resource) {
    try (InputStream in = CatalogFile.class.getResourceAsStream(resource)) {
      if (in == null) throw new IllegalArgumentException("missing resource " + resource);
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), resource);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + resource + ": " + e.getMessage(), e);
    }
  }

  public static List<TenantCatalog> parse(String text, String source) {
    JsonObject root;
    try {
      root = new JsonObject(text);
    } catch (DecodeException e) {
      throw new IllegalArgumentException(source + ": not a JSON object: " + e.getMessage());
    }
    List<Problem> errors = new ArrayList<>();
    List<TenantCatalog> out = new ArrayList<>();
    JsonArray tenants = root.getValue("tenants") instanceof JsonArray a ? a : null;
    if (tenants == null) errors.add(new Problem("/tenants", "required array"));
    else {
      for (int i = 0; i < tenants.size(); i++) {
        if (!(tenants.getValue(i) instanceof JsonObject t)) {
          errors.add(new Problem("/tenants/" + i, "must be an object"));
          continue;
        }
        TenantCatalog parsed = tenant(t, "/tenants/" + i, errors);
        if (parsed != null) out.add(parsed);
      }
    }
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException(source + " is not a valid catalog: " + String.join("; ", errors.stream().map(Problem::toString).toList()));
    }
    return out;
  }

  /**
   * One tenant object (the admin endpoint's body), paths relative to it ({@code /touchpoints/0/code}).
   * Reasons may name a parent that only {@code existingReasons} holds (code → parent, null for a
   * level-1 reason).
   */
  public static Result parseTenant(JsonObject t, Map<String, String> existingReasons) {
    List<Problem> errors = new ArrayList<>();
    TenantCatalog parsed = tenant(t, "", errors, existingReasons);
    return new Result(errors.isEmpty() ? parsed : null, errors);
  }

  private static TenantCatalog tenant(JsonObject t, String path, List<Problem> errors) {
    return tenant(t, path, errors, Map.of());
  }

  private static TenantCatalog tenant(JsonObject t, String path, List<Problem> errors, Map<String, String> existingReasons) {
    int before = errors.size();
    String id = str(t, "id");
    if (id == null || !TENANT_ID.matcher(id).matches()) errors.add(new Problem(path + "/id", "required, [A-Za-z0-9._-], ≤64 chars"));
    String name = str(t, "name");
    for (String key : List.of("name", "nameZh", "timeZone")) name(t, key, path, key.equals("timeZone") ? 64 : MAX_NAME, errors);
    for (String key : List.of("touchpoints", "reasons")) {
      if (t.containsKey(key) && !(t.getValue(key) instanceof JsonArray)) errors.add(new Problem(path + "/" + key, "must be an array"));
    }
    if (t.getValue("touchpoints") instanceof JsonArray a && a.size() > MAX_TOUCHPOINTS) {
      errors.add(new Problem(path + "/touchpoints", "at most " + MAX_TOUCHPOINTS + " touchpoints"));
    }
    if (t.getValue("reasons") instanceof JsonArray a && a.size() > MAX_REASONS) {
      errors.add(new Problem(path + "/reasons", "at most " + MAX_REASONS + " reasons"));
    }
    ZoneId zone = null;
    try {
      zone = ZoneId.of(str(t, "timeZone") == null ? "UTC" : str(t, "timeZone"));
    } catch (DateTimeException e) {
      errors.add(new Problem(path + "/timeZone", "unknown time zone " + str(t, "timeZone")));
    }
    List<Touchpoint> touchpoints = new ArrayList<>();
    JsonArray tps = t.getValue("touchpoints") instanceof JsonArray a ? a : new JsonArray();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < tps.size(); i++) {
      String p = path + "/touchpoints/" + i;
      if (!(tps.getValue(i) instanceof JsonObject tp)) {
        errors.add(new Problem(p, "must be an object"));
        continue;
      }
      String code = str(tp, "code");
      if (code == null || !CODE.matcher(code).matches()) {
        errors.add(new Problem(p + "/code", "required, lower-case [a-z0-9._-], ≤64 chars"));
        continue;
      }
      if (!seen.add(code)) errors.add(new Problem(p + "/code", "duplicate " + code));
      name(tp, "name", p, MAX_NAME, errors);
      name(tp, "nameZh", p, MAX_NAME, errors);
      name(tp, "stage", p, 64, errors);
      order(tp, p, errors);
      Map<String, Double> targets = new LinkedHashMap<>();
      if (tp.containsKey("targets") && !(tp.getValue("targets") instanceof JsonObject)) {
        errors.add(new Problem(p + "/targets", "must be an object of metric → target"));
      }
      JsonObject tj = tp.getValue("targets") instanceof JsonObject o ? o : new JsonObject();
      if (tj.size() > 10) errors.add(new Problem(p + "/targets", "at most 10 targets"));
      for (String key : tj.fieldNames()) {
        if (!TARGET_KEY.matcher(key).matches()) {
          errors.add(new Problem(p + "/targets/" + pointer(key), "a metric code such as nps or csat"));
        } else if (tj.getValue(key) instanceof Number n && Double.isFinite(n.doubleValue()) && Math.abs(n.doubleValue()) <= 100) {
          targets.put(key, n.doubleValue());
        } else {
          errors.add(new Problem(p + "/targets/" + key, "must be a number from -100 to 100"));
        }
      }
      touchpoints.add(new Touchpoint(code, str(tp, "name") == null ? code : str(tp, "name"), str(tp, "nameZh"),
          str(tp, "stage"), tp.getValue("order") instanceof Number n ? n.intValue() : i + 1, targets));
    }
    List<Reason> reasons = new ArrayList<>();
    JsonArray rs = t.getValue("reasons") instanceof JsonArray a ? a : new JsonArray();
    Set<String> reasonCodes = new HashSet<>();
    for (int i = 0; i < rs.size(); i++) {
      if (rs.getValue(i) instanceof JsonObject r && str(r, "code") != null) reasonCodes.add(str(r, "code"));
    }
    Set<String> seenReasons = new HashSet<>();
    for (int i = 0; i < rs.size(); i++) {
      String p = path + "/reasons/" + i;
      if (!(rs.getValue(i) instanceof JsonObject r)) {
        errors.add(new Problem(p, "must be an object"));
        continue;
      }
      String code = str(r, "code");
      if (code == null || !CODE.matcher(code).matches()) {
        errors.add(new Problem(p + "/code", "required, lower-case [a-z0-9._-], ≤64 chars"));
        continue;
      }
      if (!seenReasons.add(code)) errors.add(new Problem(p + "/code", "duplicate " + code));
      for (String key : List.of("label", "labelZh", "kind")) name(r, key, p, key.equals("kind") ? 32 : MAX_NAME, errors);
      if (r.containsKey("parent") && r.getValue("parent") != null && !(r.getValue("parent") instanceof String)) {
        errors.add(new Problem(p + "/parent", "must be a reason code"));
      }
      order(r, p, errors);
      String parent = str(r, "parent");
      if (parent != null && !reasonCodes.contains(parent) && !existingReasons.containsKey(parent)) errors.add(new Problem(p + "/parent", "unknown reason " + parent));
      reasons.add(new Reason(code, parent, str(r, "label") == null ? code : str(r, "label"), str(r, "labelZh"),
          str(r, "kind"), r.getValue("order") instanceof Number n ? n.intValue() : i + 1));
    }
    Map<String, String> parents = new HashMap<>(existingReasons);
    for (Reason r : reasons) parents.put(r.code(), r.parent());
    for (Reason r : reasons) {
      if (r.parent() != null && parents.get(r.parent()) != null) {
        errors.add(new Problem(path + "/reasons/" + reasonIndex(rs, r.code()) + "/parent",
            r.code() + " has a level-2 parent (" + r.parent() + "); only two levels exist"));
      } else if (r.parent() != null && parents.containsValue(r.code())) {
        errors.add(new Problem(path + "/reasons/" + reasonIndex(rs, r.code()) + "/parent",
            r.code() + " has sub-reasons, so it cannot have a parent; only two levels exist"));
      }
    }
    if (t.containsKey("segments")) {
      if (!(t.getValue("segments") instanceof JsonArray keys)) {
        errors.add(new Problem(path + "/segments", "must be an array of segment keys"));
      } else {
        if (keys.size() > MAX_SEGMENT_KEYS) errors.add(new Problem(path + "/segments", "at most " + MAX_SEGMENT_KEYS + " keys"));
        Set<String> seenKeys = new HashSet<>();
        for (int i = 0; i < keys.size(); i++) {
          if (!(keys.getValue(i) instanceof String key) || !SEGMENT_KEY.matcher(key).matches()) {
            errors.add(new Problem(path + "/segments/" + i, "a segment key: 1..32 characters of [A-Za-z0-9._-]"));
          } else if (!seenKeys.add(key)) {
            errors.add(new Problem(path + "/segments/" + i, "duplicate " + key));
          }
        }
      }
    }
    wholeNumber(t, "segmentLimit", path, 1, MAX_SEGMENT_LIMIT, errors);
    wholeNumber(t, "privacyMinN", path, 1, MAX_PRIVACY_MIN_N, errors);
    wholeNumber(t, "outcomeHorizonDays", path, 1, MAX_OUTCOME_HORIZON_DAYS, errors);
    if (t.containsKey("caseSlaHours") && !(t.getValue("caseSlaHours") instanceof Number n
        && n.doubleValue() > 0 && n.doubleValue() <= MAX_CASE_SLA_HOURS)) {
      // An unbounded value once made the due time of every consenting detractor's case overflow
      // PostgreSQL's timestamps inside the shared ingest transaction.
      errors.add(new Problem(path + "/caseSlaHours", "must be a number of hours above 0 and at most "
          + (int) MAX_CASE_SLA_HOURS + " (one year)"));
    }
    segmentValues(t, path, errors);
    codeList(t, "outcomeTypes", path, errors);
    codeList(t, "valueElements", path, errors);
    codeList(t, "stages", path, errors);
    if (t.containsKey("raterWeights")) {
      if (!(t.getValue("raterWeights") instanceof JsonObject w)) {
        errors.add(new Problem(path + "/raterWeights", "must be an object of dimension → weight"));
      } else {
        for (String key : w.fieldNames()) {
          if (io.cxpulse.score.RaterDimension.fromCode(key) == null) {
            errors.add(new Problem(path + "/raterWeights/" + key, "unknown RATER dimension"));
          } else if (!(w.getValue(key) instanceof Number n) || !(n.doubleValue() >= 0 && n.doubleValue() <= MAX_RATER_WEIGHT)) {
            errors.add(new Problem(path + "/raterWeights/" + key, "must be a number from 0 to " + (int) MAX_RATER_WEIGHT));
          }
        }
      }
    }
    JsonObject settings = new JsonObject();
    for (String key : SETTINGS) {
      if (t.containsKey(key)) settings.put(key, t.getValue(key));
    }
    if (errors.size() > before || zone == null) return null;
    touchpoints.sort(java.util.Comparator.comparingInt(Touchpoint::order));
    return new TenantCatalog(id, name == null ? id : name, zone, touchpoints, reasons, settings);
  }

  /** An optional name or label: a string of at most {@code max} characters, one line, no control characters. */
  private static void name(JsonObject o, String key, String path, int max, List<Problem> errors) {
    if (!o.containsKey(key) || o.getValue(key) == null) return;
    if (!(o.getValue(key) instanceof String s)) {
      errors.add(new Problem(path + "/" + key, "must be a string"));
      return;
    }
    if (s.length() > max) {
      errors.add(new Problem(path + "/" + key, "at most " + max + " characters"));
      return;
    }
    String problem = io.cxpulse.text.Text.nameProblem(s);
    if (problem != null) errors.add(new Problem(path + "/" + key, problem));
  }

  private static void order(JsonObject o, String path, List<Problem> errors) {
    if (o.containsKey("order") && !(o.getValue("order") instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
        && Math.abs(n.doubleValue()) <= MAX_ORDER)) {
      errors.add(new Problem(path + "/order", "must be a whole number from -" + MAX_ORDER + " to " + MAX_ORDER));
    }
  }

  private static void wholeNumber(JsonObject t, String key, String path, long min, long max, List<Problem> errors) {
    if (!t.containsKey(key)) return;
    Object v = t.getValue(key);
    if (!((v instanceof Integer || v instanceof Long) && ((Number) v).longValue() >= min && ((Number) v).longValue() <= max)) {
      errors.add(new Problem(path + "/" + key, "must be a whole number from " + min + " to " + max));
    }
  }

  /**
   * A list setting ({@code outcomeTypes}, {@code valueElements}, {@code stages}): at most
   * {@value #MAX_LIST_SETTING} codes, each a code string or an object with a {@code code}, and
   * optional {@code label}, {@code labelZh} and {@code order}.
   */
  private static void codeList(JsonObject t, String key, String path, List<Problem> errors) {
    if (!t.containsKey(key)) return;
    if (!(t.getValue(key) instanceof JsonArray list)) {
      errors.add(new Problem(path + "/" + key, "must be an array of codes or of {\"code\", \"label\"} objects"));
      return;
    }
    if (list.size() > MAX_LIST_SETTING) errors.add(new Problem(path + "/" + key, "at most " + MAX_LIST_SETTING + " items"));
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      String p = path + "/" + key + "/" + i;
      Object item = list.getValue(i);
      String code;
      if (item instanceof String s) {
        code = s;
      } else if (item instanceof JsonObject o) {
        for (String field : o.fieldNames()) {
          if (!Set.of("code", "label", "labelZh", "order").contains(field)) errors.add(new Problem(p + "/" + pointer(field), "no such field"));
        }
        name(o, "label", p, MAX_NAME, errors);
        name(o, "labelZh", p, MAX_NAME, errors);
        order(o, p, errors);
        code = o.getValue("code") instanceof String s ? s : null;
        p = p + "/code";
      } else {
        errors.add(new Problem(p, "must be a code or an object with a code"));
        continue;
      }
      if (code == null || !CODE.matcher(code).matches()) errors.add(new Problem(p, "a code: lower-case [a-z0-9._-], ≤64 chars"));
      else if (!seen.add(code)) errors.add(new Problem(p, "duplicate " + code));
    }
  }

  /**
   * {@code segmentValues}: segment key → the values a token limited to known values may send
   * besides those already counted; each value as FeedbackParser accepts it (NFC, no invisible or
   * look-alike characters), at most {@value #MAX_SEGMENT_VALUES} per key.
   */
  private static void segmentValues(JsonObject t, String path, List<Problem> errors) {
    if (!t.containsKey("segmentValues")) return;
    String p = path + "/segmentValues";
    if (!(t.getValue("segmentValues") instanceof JsonObject lists)) {
      errors.add(new Problem(p, "must be an object of segment key → array of values"));
      return;
    }
    if (lists.size() > MAX_SEGMENT_KEYS) errors.add(new Problem(p, "at most " + MAX_SEGMENT_KEYS + " keys"));
    for (String key : lists.fieldNames()) {
      String kp = p + "/" + pointer(key);
      if (!SEGMENT_KEY.matcher(key).matches()) {
        errors.add(new Problem(kp, "a segment key: 1..32 characters of [A-Za-z0-9._-]"));
        continue;
      }
      if (!(lists.getValue(key) instanceof JsonArray values)) {
        errors.add(new Problem(kp, "must be an array of values"));
        continue;
      }
      if (values.size() > MAX_SEGMENT_VALUES) errors.add(new Problem(kp, "at most " + MAX_SEGMENT_VALUES + " values"));
      for (int i = 0; i < values.size() && i < MAX_SEGMENT_VALUES; i++) {
        if (!(values.getValue(i) instanceof String v) || v.length() > 64) {
          errors.add(new Problem(kp + "/" + i, "a segment value: a string of at most 64 characters"));
          continue;
        }
        io.cxpulse.text.Text.Checked checked = io.cxpulse.text.Text.segmentValue(v);
        if (!checked.ok()) errors.add(new Problem(kp + "/" + i, checked.problem()));
        else if (!checked.value().equals(v)) errors.add(new Problem(kp + "/" + i, "must be in Unicode NFC form"));
      }
    }
  }

  private static String pointer(String field) {
    return field.replace("~", "~0").replace("/", "~1");
  }

  private static int reasonIndex(JsonArray rs, String code) {
    for (int i = 0; i < rs.size(); i++) {
      if (rs.getValue(i) instanceof JsonObject r && code.equals(str(r, "code"))) return i;
    }
    return -1;
  }

  private static String str(JsonObject o, String key) {
    Object v = o.getValue(key);
    return v instanceof String s && !s.isBlank() ? s : null;
  }
}
