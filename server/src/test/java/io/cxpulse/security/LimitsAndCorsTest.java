package io.cxpulse.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxpulse.testing.LiveClient;
import io.cxpulse.testing.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Rate limits (429 with Retry-After) and CORS for configured origins only")
class LimitsAndCorsTest {
  private static final String ALLOWED = "https://console.example.com";
  private static TestServer server;
  private static Vertx vertx;

  @BeforeAll
  static void start() {
    // Ingest: 5/s per token (bursts of 10); failed authentications: 3 per minute per address.
    server = TestServer.start(Map.of("RATE_INGEST_PER_TOKEN", "5", "RATE_AUTH_FAILURES_PER_IP", "3",
        "ALLOWED_ORIGINS", ALLOWED));
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    vertx.close();
    server.close();
  }

  @Test
  @DisplayName("ingest per token: the first 10 requests (the burst) pass, then 429 with Retry-After ≥ 1 and a JSON error; another token is not affected")
  void ingestPerToken() {
    String token = server.ingestToken("acme");
    // All 40 at once: far above 5/s however slow the machine (sent one by one, 40 commits taking
    // 200 ms each would never exceed the rate).
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      sent.add(http.sendAsync(HttpRequest.newBuilder(URI.create("http://localhost:" + server.server().port() + "/api/v1/feedback"))
          .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(
              new JsonObject().put("eventId", "rl-" + i).put("touchpoint", "hotline").put("nps", 9).encode()))
          .build(), HttpResponse.BodyHandlers.ofString()));
    }
    int accepted = 0;
    HttpResponse<String> limited = null;
    for (CompletableFuture<HttpResponse<String>> f : sent) {
      HttpResponse<String> r = f.join();
      if (r.statusCode() == 429) limited = r;
      else {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        accepted++;
      }
    }
    assertThat(limited).as("a 429 among 40 requests sent at once, at 5/s").isNotNull();
    assertThat(accepted).isGreaterThanOrEqualTo(10);
    assertThat(Integer.parseInt(limited.headers().firstValue("Retry-After").orElseThrow())).isBetween(1, 2);
    assertThat(new JsonObject(limited.body()).getString("error")).isEqualTo("rate_limited");
    assertThat(server.postJson("/api/v1/feedback", server.token("acme", "ingest", "viewer"),
        "{\"touchpoint\":\"hotline\",\"nps\":9}").statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("failed authentication per address: after 3 failures even a good token gets 429 with Retry-After, on REST and at the WebSocket handshake")
  void failedAuthentication() throws Exception {
    try (TestServer fresh = TestServer.start(Map.of("RATE_AUTH_FAILURES_PER_IP", "3"))) {
      String good = fresh.viewerToken("acme");
      assertThat(fresh.get("/api/v1/scorecards?window=1h", good).statusCode()).isEqualTo(200);
      for (int i = 0; i < 3; i++) assertThat(fresh.get("/api/v1/scorecards", "forged." + i + ".x").statusCode()).isEqualTo(401);
      HttpResponse<String> r = fresh.get("/api/v1/scorecards?window=1h", good);
      assertThat(r.statusCode()).isEqualTo(429);
      assertThat(Integer.parseInt(r.headers().firstValue("Retry-After").orElseThrow())).isBetween(1, 60);
      try {
        LiveClient.connect(vertx, fresh.server().port(), null).close();
        throw new AssertionError("the handshake should have been refused");
      } catch (IllegalStateException e) {
        Throwable t = e;
        while (t != null && !(t instanceof UpgradeRejectedException)) t = t.getCause();
        assertThat(t).isNotNull();
        assertThat(((UpgradeRejectedException) t).getStatus()).isEqualTo(429);
      }
    }
  }

  @Test
  @DisplayName("X-Forwarded-For counts only from TRUSTED_PROXIES: behind the proxy each client has its own failure budget; without it the header is ignored")
  void trustedProxies() {
    try (TestServer proxied = TestServer.start(Map.of("RATE_AUTH_FAILURES_PER_IP", "2", "TRUSTED_PROXIES", "127.0.0.1"))) {
      for (int i = 0; i < 2; i++) assertThat(status(proxied, "203.0.113.5", "bad")).isEqualTo(401);
      assertThat(status(proxied, "203.0.113.5", proxied.viewerToken("acme"))).isEqualTo(429);
      assertThat(status(proxied, "203.0.113.6", proxied.viewerToken("acme"))).isEqualTo(200);
      // A client cannot escape by prepending an address: the right-most untrusted hop counts.
      assertThat(status(proxied, "198.51.100.1, 203.0.113.5", proxied.viewerToken("acme"))).isEqualTo(429);
    }
    try (TestServer direct = TestServer.start(Map.of("RATE_AUTH_FAILURES_PER_IP", "2"))) {
      for (int i = 0; i < 2; i++) assertThat(status(direct, "203.0.113." + i, "bad")).isEqualTo(401);
      assertThat(status(direct, "203.0.113.99", direct.viewerToken("acme"))).isEqualTo(429);
    }
  }

  private static int status(TestServer s, String forwardedFor, String token) {
    return s.send(HttpRequest.newBuilder(s.uri("/api/v1/scorecards?window=1h")).header("X-Forwarded-For", forwardedFor)
        .header("Authorization", "Bearer " + token).GET().build()).statusCode();
  }

  @Test
  @DisplayName("CORS: a preflight from the allowed origin is answered with its headers; another origin's preflight is 403 without CORS headers; a GET from it gets none")
  void cors() {
    HttpResponse<String> ok = server.send(HttpRequest.newBuilder(server.uri("/api/v1/scorecards"))
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", ALLOWED)
        .header("Access-Control-Request-Method", "GET").header("Access-Control-Request-Headers", "authorization").build());
    assertThat(ok.statusCode()).isEqualTo(204);
    assertThat(ok.headers().firstValue("Access-Control-Allow-Origin")).contains(ALLOWED);
    assertThat(ok.headers().firstValue("Access-Control-Allow-Headers").orElse("").toLowerCase()).contains("authorization");

    HttpResponse<String> evil = server.send(HttpRequest.newBuilder(server.uri("/api/v1/scorecards"))
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", "https://evil.example.com")
        .header("Access-Control-Request-Method", "GET").build());
    assertThat(evil.statusCode()).isEqualTo(403);
    assertThat(evil.headers().map().keySet()).noneMatch(h -> h.toLowerCase().startsWith("access-control-"));

    HttpResponse<String> get = server.send(HttpRequest.newBuilder(server.uri("/api/v1/scorecards?window=1h"))
        .header("Origin", "https://evil.example.com").header("Authorization", "Bearer " + server.viewerToken("acme")).GET().build());
    assertThat(get.headers().map().keySet()).noneMatch(h -> h.toLowerCase().startsWith("access-control-"));
    HttpResponse<String> allowedGet = server.send(HttpRequest.newBuilder(server.uri("/api/v1/scorecards?window=1h"))
        .header("Origin", ALLOWED).header("Authorization", "Bearer " + server.viewerToken("acme")).GET().build());
    assertThat(allowedGet.statusCode()).isEqualTo(200);
    assertThat(allowedGet.headers().firstValue("Access-Control-Allow-Origin")).contains(ALLOWED);
  }

  @Test
  @DisplayName("pages carry CSP without inline script, nosniff, no-referrer and DENY framing")
  void pageHeaders() {
    HttpResponse<String> page = server.get("/wall", null);
    assertThat(page.statusCode()).isEqualTo(200);
    String csp = page.headers().firstValue("Content-Security-Policy").orElseThrow();
    assertThat(csp).contains("script-src 'self'").contains("frame-ancestors 'none'");
    assertThat(csp.split("script-src")[1].split(";")[0]).doesNotContain("unsafe");
    // WebSockets to this host only, not ws:/wss: to anywhere (issue 19).
    List<String> connect = List.of(csp.split("connect-src")[1].split(";")[0].trim().split("\\s+"));
    assertThat(connect).doesNotContain("ws:", "wss:", "*").allSatisfy(source ->
        assertThat(source).matches("'self'|wss?://localhost:" + server.server().port()));
    assertThat(page.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
    assertThat(page.headers().firstValue("Referrer-Policy")).contains("no-referrer");
    assertThat(page.headers().firstValue("X-Frame-Options")).contains("DENY");
  }
}
