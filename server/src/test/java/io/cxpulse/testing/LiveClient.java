package io.cxpulse.testing;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A real WebSocket client (Vert.x's) that queues what the server sends, for blocking-style tests. */
public final class LiveClient implements AutoCloseable {
  /** Held for the socket's lifetime: Vert.x closes a client, and its connections, once it is garbage. */
  private final WebSocketClient client;
  private final WebSocket ws;
  private final LinkedBlockingQueue<JsonObject> messages = new LinkedBlockingQueue<>();
  private final CompletableFuture<Short> closed = new CompletableFuture<>();

  private LiveClient(WebSocketClient client, WebSocket ws) {
    this.client = client;
    this.ws = ws;
    ws.textMessageHandler(text -> messages.add(new JsonObject(text)));
    ws.closeHandler(v -> closed.complete(ws.closeStatusCode()));
  }

  public static LiveClient connect(Vertx vertx, int port, String origin) {
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("localhost").setPort(port)
        .setURI("/api/v1/live");
    if (origin != null) options.addHeader("Origin", origin);
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setMaxMessageSize(4 * 1024 * 1024).setMaxFrameSize(4 * 1024 * 1024));
    try {
      WebSocket ws = client.connect(options).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      return new LiveClient(client, ws);
    } catch (Exception e) {
      throw new IllegalStateException("cannot connect: " + e.getMessage(), e);
    }
  }

  /** Connects and authenticates; returns once the server said "ready". */
  public static LiveClient ready(Vertx vertx, int port, String token) {
    LiveClient client = connect(vertx, port, null);
    client.send(new JsonObject().put("type", "auth").put("token", token));
    JsonObject ready = client.next(10);
    if (!"ready".equals(ready.getString("type"))) throw new AssertionError("expected ready, got " + ready);
    return client;
  }

  public void send(JsonObject message) {
    ws.writeTextMessage(message.encode());
  }

  public void subscribe(String id, String window, String... touchpoints) {
    JsonObject msg = new JsonObject().put("type", "subscribe").put("id", id).put("window", window);
    if (touchpoints.length > 0) msg.put("touchpoints", new io.vertx.core.json.JsonArray(java.util.List.of(touchpoints)));
    send(msg);
  }

  /** The next message, failing after {@code seconds}. */
  public JsonObject next(int seconds) {
    try {
      JsonObject m = messages.poll(seconds, TimeUnit.SECONDS);
      if (m == null) throw new AssertionError("no message within " + seconds + " s");
      return m;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The next message that matches, skipping others (pings, alerts…). */
  public JsonObject next(int seconds, Predicate<JsonObject> match) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) throw new AssertionError("no matching message within " + seconds + " s");
      try {
        JsonObject m = messages.poll(left, TimeUnit.NANOSECONDS);
        if (m != null && match.test(m)) return m;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  public static Predicate<JsonObject> type(String type) {
    return m -> type.equals(m.getString("type"));
  }

  public JsonObject poll() {
    return messages.poll();
  }

  public Short awaitClose(int seconds) {
    try {
      return closed.get(seconds, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("not closed within " + seconds + " s");
    }
  }

  public boolean isClosed() {
    return closed.isDone();
  }

  public WebSocket socket() {
    return ws;
  }

  @Override
  public void close() {
    if (!closed.isDone()) ws.close();
    client.close();
  }
}
