package io.cxpulse.live;

import io.vertx.core.json.JsonObject;

/** Whether this node's live numbers may be behind, why, and since when. */
public record LiveStatus(boolean stale, String reason, String since) {
  public JsonObject toJson() {
    return new JsonObject().put("type", "status").put("stale", stale).put("reason", reason).put("since", since);
  }
}
