package io.cxpulse.catalog;

import io.vertx.core.json.JsonObject;
import java.util.Map;

/** A place in the customer journey where feedback is asked for, with its score targets. */
public record Touchpoint(String code, String name, String nameZh, String stage, int order, Map<String, Double> targets) {

  public JsonObject toJson() {
    JsonObject targetsJson = new JsonObject();
    targets.forEach(targetsJson::put);
    return new JsonObject().put("code", code).put("name", name).put("nameZh", nameZh)
        .put("stage", stage).put("order", order).put("targets", targetsJson);
  }
}
