package io.cxpulse.catalog;

import io.vertx.core.json.JsonObject;

/** A reason item: level 1 when parent is null, otherwise a level-2 refinement of parent. */
public record Reason(String code, String parent, String label, String labelZh, String kind, int order) {

  public boolean isLevel1() {
    return parent == null;
  }

  public JsonObject toJson() {
    return new JsonObject().put("code", code).put("parent", parent).put("label", label)
        .put("labelZh", labelZh).put("kind", kind);
  }
}
