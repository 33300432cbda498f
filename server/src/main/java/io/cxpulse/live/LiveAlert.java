package io.cxpulse.live;

import io.vertx.core.json.JsonObject;

/**
 * An alert for the screens that watch {@code touchpoint} of {@code tenant}: a detractor response,
 * a follow-up case opened, an SLA breach, a reason item moving into fix-first. The live endpoint
 * routes every kind by tenant and touchpoint alone and sends {@code message} as it is.
 */
public record LiveAlert(String tenant, String touchpoint, JsonObject message) {
  public String kind() {
    return message.getString("kind");
  }
}
