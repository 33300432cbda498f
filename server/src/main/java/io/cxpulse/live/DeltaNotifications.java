package io.cxpulse.live;

import io.cxpulse.counters.CounterKey;
import io.cxpulse.counters.Grain;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The NOTIFY payloads that carry a committed batch to the other nodes. PostgreSQL limits a payload
 * to 8000 bytes, so a batch is cut into self-contained chunks (each a set of increments, all
 * additive); past {@link #MAX_CHUNKS} the batch is sent as a reload hint instead.
 */
public final class DeltaNotifications {
  public static final String CHANNEL = "cxpulse_deltas";
  static final int MAX_PAYLOAD_BYTES = 7800;
  static final int MAX_CHUNKS = 32;

  private DeltaNotifications() {}

  public static List<String> encode(CounterDeltaBatch batch) {
    List<String> chunks = new ArrayList<>();
    JsonArray deltas = new JsonArray();
    JsonArray alerts = new JsonArray();
    int size = 0;
    for (DetractorAlert a : batch.alerts()) {
      JsonObject json = a.toJson();
      int bytes = json.encode().getBytes(StandardCharsets.UTF_8).length + 1;
      if (size + bytes > MAX_PAYLOAD_BYTES - 100) {
        chunks.add(chunk(batch, deltas, alerts));
        deltas = new JsonArray();
        alerts = new JsonArray();
        size = 0;
      }
      alerts.add(json);
      size += bytes;
    }
    for (Map.Entry<CounterKey, Long> e : batch.deltas().entrySet()) {
      CounterKey k = e.getKey();
      JsonArray row = new JsonArray().add(k.tenant()).add(k.touchpoint()).add(String.valueOf(k.grain().code()))
          .add(k.bucket()).add(k.metric()).add(k.key()).add(k.idx()).add(e.getValue());
      int bytes = row.encode().getBytes(StandardCharsets.UTF_8).length + 1;
      if (size + bytes > MAX_PAYLOAD_BYTES - 100) {
        chunks.add(chunk(batch, deltas, alerts));
        deltas = new JsonArray();
        alerts = new JsonArray();
        size = 0;
      }
      deltas.add(row);
      size += bytes;
    }
    if (!deltas.isEmpty() || !alerts.isEmpty()) chunks.add(chunk(batch, deltas, alerts));
    if (chunks.size() > MAX_CHUNKS) {
      return List.of(new JsonObject().put("n", batch.origin()).put("x", batch.xid()).put("reload", true).encode());
    }
    return chunks;
  }

  private static String chunk(CounterDeltaBatch batch, JsonArray deltas, JsonArray alerts) {
    return new JsonObject().put("n", batch.origin()).put("x", batch.xid()).put("d", deltas).put("a", alerts).encode();
  }

  /** A decoded payload: increments, or null deltas for a reload hint. */
  public static CounterDeltaBatch decode(String payload) {
    JsonObject j = new JsonObject(payload);
    if (j.getBoolean("reload", false)) return new CounterDeltaBatch(j.getString("n"), j.getLong("x"), null, List.of());
    TreeMap<CounterKey, Long> deltas = new TreeMap<>();
    for (Object o : j.getJsonArray("d", new JsonArray())) {
      JsonArray r = (JsonArray) o;
      deltas.merge(new CounterKey(r.getString(0), r.getString(1), Grain.of(r.getString(2).charAt(0)), r.getLong(3),
          r.getString(4), r.getString(5), r.getInteger(6)), r.getLong(7), Long::sum);
    }
    List<DetractorAlert> alerts = new ArrayList<>();
    for (Object o : j.getJsonArray("a", new JsonArray())) alerts.add(DetractorAlert.fromJson((JsonObject) o));
    return new CounterDeltaBatch(j.getString("n"), j.getLong("x"), deltas, alerts);
  }
}
