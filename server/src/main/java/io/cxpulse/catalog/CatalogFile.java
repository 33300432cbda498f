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
    List<String> errors = new ArrayList<>();
    List<TenantCatalog> out = new ArrayList<>();
    JsonArray tenants = root.getValue("tenants") instanceof JsonArray a ? a : null;
    if (tenants == null) errors.add("/tenants: required array");
    else {
      for (int i = 0; i < tenants.size(); i++) {
        if (!(tenants.getValue(i) instanceof JsonObject t)) {
          errors.add("/tenants/" + i + ": must be an object");
          continue;
        }
        TenantCatalog parsed = tenant(t, "/tenants/" + i, errors);
        if (parsed != null) out.add(parsed);
      }
    }
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException(source + " is not a valid catalog: " + String.join("; ", errors));
    }
    return out;
  }

  private static TenantCatalog tenant(JsonObject t, String path, List<String> errors) {
    int before = errors.size();
    String id = str(t, "id");
    if (id == null || !TENANT_ID.matcher(id).matches()) errors.add(path + "/id: required, [A-Za-z0-9._-], ≤64 chars");
    String name = str(t, "name");
    ZoneId zone = null;
    try {
      zone = ZoneId.of(str(t, "timeZone") == null ? "UTC" : str(t, "timeZone"));
    } catch (DateTimeException e) {
      errors.add(path + "/timeZone: unknown time zone " + str(t, "timeZone"));
    }
    List<Touchpoint> touchpoints = new ArrayList<>();
    JsonArray tps = t.getValue("touchpoints") instanceof JsonArray a ? a : new JsonArray();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < tps.size(); i++) {
      String p = path + "/touchpoints/" + i;
      if (!(tps.getValue(i) instanceof JsonObject tp)) {
        errors.add(p + ": must be an object");
        continue;
      }
      String code = str(tp, "code");
      if (code == null || !CODE.matcher(code).matches()) {
        errors.add(p + "/code: required, lower-case [a-z0-9._-], ≤64 chars");
        continue;
      }
      if (!seen.add(code)) errors.add(p + "/code: duplicate " + code);
      Map<String, Double> targets = new LinkedHashMap<>();
      JsonObject tj = tp.getValue("targets") instanceof JsonObject o ? o : new JsonObject();
      for (String key : tj.fieldNames()) {
        if (tj.getValue(key) instanceof Number n) targets.put(key, n.doubleValue());
        else errors.add(p + "/targets/" + key + ": must be a number");
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
        errors.add(p + ": must be an object");
        continue;
      }
      String code = str(r, "code");
      if (code == null || !CODE.matcher(code).matches()) {
        errors.add(p + "/code: required, lower-case [a-z0-9._-], ≤64 chars");
        continue;
      }
      if (!seenReasons.add(code)) errors.add(p + "/code: duplicate " + code);
      String parent = str(r, "parent");
      if (parent != null && !reasonCodes.contains(parent)) errors.add(p + "/parent: unknown reason " + parent);
      reasons.add(new Reason(code, parent, str(r, "label") == null ? code : str(r, "label"), str(r, "labelZh"),
          str(r, "kind"), r.getValue("order") instanceof Number n ? n.intValue() : i + 1));
    }
    for (Reason r : reasons) {
      if (r.parent() != null) {
        Reason parent = reasons.stream().filter(x -> x.code().equals(r.parent())).findFirst().orElse(null);
        if (parent != null && parent.parent() != null) {
          errors.add(path + "/reasons: " + r.code() + " has a level-2 parent; only two levels exist");
        }
      }
    }
    if (t.containsKey("raterWeights")) {
      if (!(t.getValue("raterWeights") instanceof JsonObject w)) {
        errors.add(path + "/raterWeights: must be an object of dimension → weight");
      } else {
        for (String key : w.fieldNames()) {
          if (io.cxpulse.score.RaterDimension.fromCode(key) == null) {
            errors.add(path + "/raterWeights/" + key + ": unknown RATER dimension");
          } else if (!(w.getValue(key) instanceof Number n) || !(n.doubleValue() >= 0) || Double.isInfinite(n.doubleValue())) {
            errors.add(path + "/raterWeights/" + key + ": must be a number ≥ 0");
          }
        }
      }
    }
    JsonObject settings = new JsonObject();
    for (String key : List.of("segments", "valueElements", "stages", "raterWeights", "caseSlaHours", "segmentLimit", "privacyMinN",
        "outcomeHorizonDays", "outcomeTypes")) {
      if (t.containsKey(key)) settings.put(key, t.getValue(key));
    }
    if (errors.size() > before || zone == null) return null;
    touchpoints.sort(java.util.Comparator.comparingInt(Touchpoint::order));
    return new TenantCatalog(id, name == null ? id : name, zone, touchpoints, reasons, settings);
  }

  private static String str(JsonObject o, String key) {
    Object v = o.getValue(key);
    return v instanceof String s && !s.isBlank() ? s : null;
  }
}
