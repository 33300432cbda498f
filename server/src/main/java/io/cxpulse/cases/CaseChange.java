package io.cxpulse.cases;

import io.cxpulse.live.LiveAlert;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;

/**
 * Something that happened to a case and that every node must hear: it opened, it left or entered
 * a status, or it passed its first-response deadline. Carried between nodes by NOTIFY
 * ({@link CaseNotifications}); no customer id and no comment, since alerts reach public screens.
 */
public record CaseChange(String kind, long id, String tenant, String touchpoint, String status, Instant openedAt,
                         Instant dueAt, int nps, List<String> reasons) {
  public static final String OPENED = "opened";
  public static final String UPDATED = "updated";
  public static final String BREACH = "sla-breach";

  public CaseChange {
    reasons = reasons == null ? List.of() : List.copyOf(reasons);
  }

  public JsonObject toJson() {
    return new JsonObject().put("k", kind).put("id", id).put("t", tenant).put("tp", touchpoint).put("s", status)
        .put("o", openedAt.toString()).put("d", dueAt.toString()).put("n", nps).put("r", new JsonArray(reasons));
  }

  public static CaseChange fromJson(JsonObject j) {
    return new CaseChange(j.getString("k"), j.getLong("id"), j.getString("t"), j.getString("tp"), j.getString("s"),
        Instant.parse(j.getString("o")), Instant.parse(j.getString("d")), j.getInteger("n"),
        j.getJsonArray("r", new JsonArray()).stream().map(String::valueOf).toList());
  }

  /** The live alert of this change (a new case, an SLA breach), or null when screens need none. */
  public LiveAlert alert() {
    String alertKind = switch (kind) {
      case OPENED -> "case";
      case BREACH -> "sla-breach";
      default -> null;
    };
    if (alertKind == null) return null;
    JsonObject json = new JsonObject().put("type", "alert").put("kind", alertKind).put("caseId", id)
        .put("tenant", tenant).put("touchpoint", touchpoint).put("status", status).put("nps", nps)
        .put("reasons", new JsonArray(reasons)).put("openedAt", openedAt.toString()).put("dueAt", dueAt.toString());
    return new LiveAlert(tenant, touchpoint, json);
  }
}
