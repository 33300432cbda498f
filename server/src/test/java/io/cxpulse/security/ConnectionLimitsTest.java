package io.cxpulse.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxpulse.testing.LiveClient;
import io.cxpulse.testing.RawWebSocket;
import io.cxpulse.testing.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Issue 19, connections: one viewer token opened 19,958 sockets until "Too many open files";
 * 500 slowloris sockets were never closed; fragmented messages over 64 KiB and invalid UTF-8
 * were ignored instead of closed 1009/1007; /metrics on the API port listed every tenant's NPS to
 * anyone. Small caps make each limit reachable in a test; after each one the server keeps serving.
 */
@DisplayName("Connection caps and timeouts refuse cleanly, and the server keeps serving")
class ConnectionLimitsTest {
  private static TestServer server;
  private static Vertx vertx;

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of("LIVE_MAX_PER_TOKEN", "3", "LIVE_MAX_PER_DEVICE", "1", "LIVE_MAX_PER_ADDRESS", "8",
        "MAX_CONNECTIONS", "48", "HTTP_HEADER_TIMEOUT_SECONDS", "2", "HTTP_BODY_TIMEOUT_SECONDS", "3",
        "RATE_AUTH_FAILURES_PER_IP", "0"));
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    vertx.close();
    server.close();
  }

  private static void stillServing() {
    assertThat(server.get("/api/v1/scorecards?window=1h", server.viewerToken("acme")).statusCode()).isEqualTo(200);
    try (LiveClient ok = LiveClient.ready(vertx, server.server().port(), server.viewerToken("globex"))) {
      ok.subscribe("ok", "1h");
      assertThat(ok.next(10, LiveClient.type("snapshot"))).isNotNull();
    }
  }

  /** Sockets close asynchronously on the server: wait until a fresh one of this token is admitted again. */
  private static LiveClient readyEventually(String token) throws InterruptedException {
    for (int i = 0; ; i++) {
      LiveClient c = LiveClient.ready(vertx, server.server().port(), token);
      Thread.sleep(200);
      if (!c.isClosed()) return c;
      if (i > 25) throw new AssertionError("the token's sockets were not given back");
    }
  }

  @Test
  @DisplayName("WebSockets per token and per device: one over the cap closes 1008; others are unaffected; a closed socket frees its place")
  void perTokenAndDevice() throws Exception {
    String token = server.viewerToken("acme");
    List<LiveClient> open = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) open.add(LiveClient.ready(vertx, server.server().port(), token));
      LiveClient fourth = LiveClient.connect(vertx, server.server().port(), null);
      fourth.send(new JsonObject().put("type", "auth").put("token", token));
      assertThat(fourth.awaitClose(10)).isEqualTo((short) 1008);
      fourth.close();
      stillServing();
      open.remove(0).close();
      open.add(readyEventually(token));

      String admin = server.token("acme", "admin");
      HttpResponse<String> issued = server.postJson("/api/v1/devices", admin, "{\"name\":\"Lobby TV\"}");
      assertThat(issued.statusCode()).as(issued.body()).isEqualTo(201);
      String device = new JsonObject(issued.body()).getString("token");
      open.add(LiveClient.ready(vertx, server.server().port(), device));
      LiveClient second = LiveClient.connect(vertx, server.server().port(), null);
      second.send(new JsonObject().put("type", "auth").put("token", device));
      assertThat(second.awaitClose(10)).isEqualTo((short) 1008);
      second.close();
    } finally {
      open.forEach(LiveClient::close);
    }
    stillServing();
  }

  @Test
  @DisplayName("WebSockets per address: the handshake over the cap is 429 with Retry-After; after closing, the address connects again")
  void perAddress() throws Exception {
    List<RawWebSocket> open = new ArrayList<>();
    Integer refused = null;
    try {
      for (int i = 0; i < 12 && refused == null; i++) {
        try {
          open.add(new RawWebSocket(server.server().port()));
        } catch (IOException e) {
          assertThat(e.getMessage()).contains("429").containsIgnoringCase("Retry-After");
          refused = i;
        }
      }
      assertThat(refused).as("handshakes admitted before the refusal (other tests' sockets may still count)")
          .isNotNull().isLessThanOrEqualTo(8);
    } finally {
      for (RawWebSocket ws : open) ws.close();
    }
    Thread.sleep(500);
    stillServing();
  }

  @Test
  @DisplayName("a client message over the limit, in 16 KiB fragments up to 70 KiB, closes 1009; a text message that is not UTF-8 closes 1007")
  void oversizedAndInvalidMessages() throws Exception {
    String viewer = server.viewerToken("globex");
    try (RawWebSocket raw = new RawWebSocket(server.server().port())) {
      raw.sendText(new JsonObject().put("type", "auth").put("token", viewer).encode());
      byte[] chunk = new byte[14 * 1024];
      java.util.Arrays.fill(chunk, (byte) 'x');
      int code;
      try {
        raw.sendFrame(0x1, false, "{\"type\":\"ping\",\"pad\":\"".getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < 5; i++) raw.sendFrame(0x0, false, chunk);
        raw.sendFrame(0x0, true, "\"}".getBytes(StandardCharsets.UTF_8));
        code = raw.readUntilClose();
      } catch (IOException closedWhileSending) {
        code = raw.readUntilCloseQuietly();
      }
      assertThat(code).isEqualTo(1009);
    }
    try (RawWebSocket raw = new RawWebSocket(server.server().port())) {
      raw.sendText(new JsonObject().put("type", "auth").put("token", viewer).encode());
      raw.sendFrame(0x1, true, new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', '}'});
      assertThat(raw.readUntilClose()).isEqualTo(1007);
    }
    stillServing();
  }

  @Test
  @DisplayName("slowloris: a request head that never completes, even trickled byte by byte, is closed after HTTP_HEADER_TIMEOUT_SECONDS; a body that never completes gets 408")
  void slowClients() throws Exception {
    List<Socket> slow = new ArrayList<>();
    try {
      for (int i = 0; i < 20; i++) {
        Socket s = socket();
        s.getOutputStream().write("GET /api/v1/scorecards HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
        slow.add(s);
      }
      Socket trickle = socket();
      slow.add(trickle);
      long started = System.nanoTime();
      OutputStream out = trickle.getOutputStream();
      out.write("GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
      boolean closed = false;
      for (int i = 0; i < 40 && !closed; i++) {
        try {
          out.write(("X-" + i + ": y\r\n").getBytes(StandardCharsets.US_ASCII));
          out.flush();
          Thread.sleep(250);
          trickle.setSoTimeout(1);
          closed = trickle.getInputStream().read() < 0;
        } catch (SocketTimeoutException stillOpen) {
          // not closed yet
        } catch (IOException reset) {
          closed = true;
        }
      }
      assertThat(closed).as("the trickling client was closed").isTrue();
      assertThat((System.nanoTime() - started) / 1_000_000).isBetween(1_500L, 6_000L);
      for (Socket s : slow.subList(0, 20)) assertThat(readAll(s)).as("closed without an answer").isEmpty();
    } finally {
      for (Socket s : slow) s.close();
    }
    try (Socket body = socket()) {
      body.getOutputStream().write(("POST /api/v1/feedback HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
          + "Authorization: Bearer " + server.ingestToken("acme") + "\r\nContent-Length: 100\r\n\r\n{\"touch")
          .getBytes(StandardCharsets.US_ASCII));
      String answer = readAll(body);
      assertThat(answer).startsWith("HTTP/1.1 408").contains("request_timeout");
    }
    stillServing();
  }

  @Test
  @DisplayName("the connection ceiling: a connection over MAX_CONNECTIONS is answered 503 with Retry-After and closed; once some close, new ones are served")
  void connectionCeiling() throws Exception {
    List<Socket> held = new ArrayList<>();
    String refusal = null;
    try {
      for (int i = 0; i < 60 && refusal == null; i++) {
        Socket s = socket();
        held.add(s);
        s.getOutputStream().write("GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        String head = readHead(s);
        if (!head.startsWith("HTTP/1.1 200")) refusal = head;
      }
      assertThat(refusal).as("a refusal within 60 connections, MAX_CONNECTIONS being 48").isNotNull();
      assertThat(refusal).startsWith("HTTP/1.1 503").containsIgnoringCase("retry-after: 5")
          .containsIgnoringCase("connection: close");
    } finally {
      for (Socket s : held) s.close();
    }
    Thread.sleep(500);
    stillServing();
    String metrics = server.get("/metrics", null).body();
    assertThat(metrics).contains("cxpulse_http_connections_limit 48.0");
    assertThat(metrics.lines().filter(l -> l.startsWith("cxpulse_http_connections_refused_total "))
        .map(l -> Double.parseDouble(l.substring(l.indexOf(' ') + 1))).findFirst().orElse(0.0)).isGreaterThan(0);
  }

  @Test
  @DisplayName("/metrics answers loopback clients, not a request forwarded by a proxy on the same host")
  void metricsOnLoopbackOnly() {
    assertThat(server.get("/metrics", null).statusCode()).isEqualTo(200);
    HttpResponse<String> forwarded = server.send(HttpRequest.newBuilder(server.uri("/metrics"))
        .header("X-Forwarded-For", "203.0.113.9").GET().build());
    assertThat(forwarded.statusCode()).isEqualTo(403);
    assertThat(forwarded.body()).doesNotContain("cxpulse_");
  }

  @Test
  @DisplayName("METRICS_LISTEN and METRICS_TOKEN: /metrics on its own port with a bearer token, and not on the API port")
  void metricsOnItsOwnListener() throws Exception {
    int port = TestServer.freePort();
    String token = "prometheus-scrape-token-0123";
    try (TestServer own = TestServer.start(Map.of("METRICS_LISTEN", "127.0.0.1:" + port, "METRICS_TOKEN", token))) {
      assertThat(own.get("/metrics", null).statusCode()).isEqualTo(404);
      java.net.URI uri = java.net.URI.create("http://127.0.0.1:" + port + "/metrics");
      assertThat(own.send(HttpRequest.newBuilder(uri).GET().build()).statusCode()).isEqualTo(403);
      assertThat(own.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer wrong").GET().build()).statusCode())
          .isEqualTo(403);
      HttpResponse<String> ok = own.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token).GET().build());
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.body()).contains("cxpulse_counters_ready");
    }
  }

  private static Socket socket() throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress("127.0.0.1", server.server().port()), 5_000);
    s.setSoTimeout(15_000);
    return s;
  }

  /** Everything until the server closes (or 15 s pass). */
  private static String readAll(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    StringBuilder sb = new StringBuilder();
    try {
      int b;
      while ((b = in.read()) >= 0) sb.append((char) b);
    } catch (SocketTimeoutException | java.net.SocketException e) {
      // what came so far
    }
    return sb.toString();
  }

  /** The response head, and its body when it has a Content-Length. */
  private static String readHead(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    StringBuilder sb = new StringBuilder();
    while (!sb.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) break;
      sb.append((char) b);
    }
    String head = sb.toString();
    int at = head.toLowerCase().indexOf("content-length:");
    if (at >= 0) {
      int length = Integer.parseInt(head.substring(at + 15, head.indexOf("\r\n", at)).trim());
      for (int i = 0; i < length; i++) sb.append((char) in.read());
    }
    return sb.toString();
  }
}
