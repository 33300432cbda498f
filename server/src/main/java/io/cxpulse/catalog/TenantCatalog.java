package io.cxpulse.catalog;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One tenant's catalog: touchpoints in journey order, reason items, counted segment keys and the
 * rest of its settings. Immutable; a new snapshot replaces the old one when the catalog changes.
 */
public record TenantCatalog(
    String id,
    String name,
    ZoneId zone,
    List<Touchpoint> touchpoints,
    List<Reason> reasons,
    JsonObject settings,
    Map<String, Touchpoint> touchpointsByCode,
    Map<String, Reason> reasonsByCode) {

  public TenantCatalog(String id, String name, ZoneId zone, List<Touchpoint> touchpoints, List<Reason> reasons,
      JsonObject settings) {
    this(id, name, zone, List.copyOf(touchpoints), List.copyOf(reasons), settings.copy(),
        index(touchpoints, Touchpoint::code), index(reasons, Reason::code));
  }

  private static <T> Map<String, T> index(List<T> items, java.util.function.Function<T, String> key) {
    Map<String, T> map = new LinkedHashMap<>();
    for (T item : items) map.put(key.apply(item), item);
    return java.util.Collections.unmodifiableMap(map);
  }

  public Touchpoint touchpoint(String code) {
    return touchpointsByCode.get(code);
  }

  public Reason reason(String code) {
    return reasonsByCode.get(code);
  }

  public List<String> segmentKeys() {
    JsonArray keys = settings.getJsonArray("segments", new JsonArray());
    return keys.stream().map(String::valueOf).toList();
  }

  /** RATER weights in RaterDimension order, or null for equal weights. */
  public double[] raterWeights() {
    JsonObject weights = settings.getJsonObject("raterWeights");
    if (weights == null) return null;
    String[] codes = {"reliability", "assurance", "tangibles", "empathy", "responsiveness"};
    double[] out = new double[codes.length];
    for (int i = 0; i < codes.length; i++) {
      Number w = weights.getNumber(codes[i]);
      out[i] = w == null ? 0 : w.doubleValue();
    }
    return out;
  }
}
