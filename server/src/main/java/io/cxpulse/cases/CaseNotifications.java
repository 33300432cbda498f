package io.cxpulse.cases;

import io.cxpulse.store.FeedbackStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Case changes on PostgreSQL channel {@value #CHANNEL}, sent in the transaction that made them, so
 * every node (the writing one included: it listens like the others) hears exactly the committed
 * changes, in commit order. Payloads stay under PostgreSQL's 8000-byte limit by chunking.
 */
public final class CaseNotifications {
  public static final String CHANNEL = "cxpulse_cases";
  static final int MAX_PAYLOAD_BYTES = 7800;

  private CaseNotifications() {}

  public static List<String> encode(List<CaseChange> changes) {
    List<String> chunks = new ArrayList<>();
    JsonArray chunk = new JsonArray();
    int size = 0;
    for (CaseChange c : changes) {
      String json = c.toJson().encode();
      int bytes = json.getBytes(StandardCharsets.UTF_8).length + 1;
      if (size + bytes > MAX_PAYLOAD_BYTES - 20 && !chunk.isEmpty()) {
        chunks.add(new JsonObject().put("c", chunk).encode());
        chunk = new JsonArray();
        size = 0;
      }
      chunk.add(c.toJson());
      size += bytes;
    }
    if (!chunk.isEmpty()) chunks.add(new JsonObject().put("c", chunk).encode());
    return chunks;
  }

  public static List<CaseChange> decode(String payload) {
    List<CaseChange> out = new ArrayList<>();
    for (Object o : new JsonObject(payload).getJsonArray("c", new JsonArray())) out.add(CaseChange.fromJson((JsonObject) o));
    return out;
  }

  /** One statement for all chunks; delivered at COMMIT, never if the transaction rolls back. */
  public static Future<Void> notify(SqlConnection conn, List<CaseChange> changes) {
    if (changes.isEmpty()) return Future.succeededFuture();
    return FeedbackStore.notify(conn, CHANNEL, encode(changes));
  }
}
