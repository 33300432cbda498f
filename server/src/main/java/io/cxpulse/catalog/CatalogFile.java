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
  /** The tenant fields kept in its settings (jsonb), as given. */
  public static final List<String> SETTINGS = List.of("segments", "valueElements", "stages", "raterWeights", "caseSlaHours",
      "segmentLimit", "privacyMinN", "outcomeHorizonDays", "outcomeTypes");
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
    for (String key : List.of("name", "nameZh", "timeZone")) {
      if (t.containsKey(key) && !(t.getValue(key) instanceof String)) errors.add(new Problem(path + "/" + key, "must be a string"));
    }
    for (String key : List.of("touchpoints", "reasons")) {
      if (t.containsKey(key) && !(t.getValue(key) instanceof JsonArray)) errors.add(new Problem(path + "/" + key, "must be an array"));
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
      Map<String, Double> targets = new LinkedHashMap<>();
      JsonObject tj = tp.getValue("targets") instanceof JsonObject o ? o : new JsonObject();
      for (String key : tj.fieldNames()) {
        if (tj.getValue(key) instanceof Number n) targets.put(key, n.doubleValue());
        else errors.add(new Problem(p + "/targets/" + key, "must be a number"));
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
    if (t.containsKey("segmentLimit")
        && !(t.getValue("segmentLimit") instanceof Integer || t.getValue("segmentLimit") instanceof Long)
        || t.getValue("segmentLimit") instanceof Number n && n.longValue() < 1) {
      errors.add(new Problem(path + "/segmentLimit", "must be a whole number ≥ 1"));
    }
    if (t.containsKey("raterWeights")) {
      if (!(t.getValue("raterWeights") instanceof JsonObject w)) {
        errors.add(new Problem(path + "/raterWeights", "must be an object of dimension → weight"));
      } else {
        for (String key : w.fieldNames()) {
          if (io.cxpulse.score.RaterDimension.fromCode(key) == null) {
            errors.add(new Problem(path + "/raterWeights/" + key, "unknown RATER dimension"));
          } else if (!(w.getValue(key) instanceof Number n) || !(n.doubleValue() >= 0) || Double.isInfinite(n.doubleValue())) {
            errors.add(new Problem(path + "/raterWeights/" + key, "must be a number ≥ 0"));
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
