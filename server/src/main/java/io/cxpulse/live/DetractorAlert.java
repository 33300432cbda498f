package io.cxpulse.live;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * A new detractor response, pushed live to the screens that watch its touchpoint. The comment is
 * cut to a screenful; the full text stays in the database. No customer id: screens are public.
 */
public record DetractorAlert(String tenant, String touchpoint, String eventId, int nps, List<String> reasons,
                             String comment, boolean contactConsent, String occurredAt) {
  public static final int COMMENT_LIMIT = 280;

  public static String cut(String comment) {
    if (comment == null || comment.length() <= COMMENT_LIMIT) return comment;
    return comment.substring(0, COMMENT_LIMIT - 1) + "…";
  }

  public JsonObject toJson() {
    return new JsonObject().put("type", "alert").put("kind", "detractor").put("tenant", tenant)
        .put("touchpoint", touchpoint).put("eventId", eventId).put("nps", nps)
        .put("reasons", new JsonArray(List.copyOf(reasons))).put("comment", comment)
        .put("contactConsent", contactConsent).put("occurredAt", occurredAt);
  }

  public LiveAlert live() {
    return new LiveAlert(tenant, touchpoint, toJson());
  }

  public static DetractorAlert fromJson(JsonObject j) {
    return new DetractorAlert(j.getString("tenant"), j.getString("touchpoint"), j.getString("eventId"),
        j.getInteger("nps"), j.getJsonArray("reasons", new JsonArray()).stream().map(String::valueOf).toList(),
        j.getString("comment"), j.getBoolean("contactConsent", false), j.getString("occurredAt"));
  }
}
