package io.cxpulse.testing;

import io.cxpulse.Server;
import io.cxpulse.auth.Principal;
import io.cxpulse.config.Config;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A real cxpulse server on a fresh database of the test PostgreSQL, with a real HTTP client. */
public final class TestServer implements AutoCloseable {
  public static final String CATALOG = "/test-catalog.json";

  private final Map<String, String> env;
  private final java.time.Clock clock;
  private Server server;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private TestServer(Map<String, String> env, java.time.Clock clock) {
    this.env = env;
    this.clock = clock;
    this.server = Server.start(Config.fromMap(env), false, clock);
  }

  /** A server on a new database, with the test catalog (tenants "acme" and "globex"). */
  public static TestServer start() {
    return start(Map.of());
  }

  public static TestServer start(Map<String, String> overrides) {
    return start(overrides, java.time.Clock.systemUTC());
  }

  /** A second node: same database and keys, its own port. */
  public TestServer another() {
    Map<String, String> copy = new HashMap<>(env);
    copy.put("HTTP_PORT", String.valueOf(freePort()));
    return new TestServer(copy, clock);
  }

  public static TestServer start(Map<String, String> overrides, java.time.Clock clock) {
    Map<String, String> env = new HashMap<>();
    env.put("DATABASE_URL", TestDatabase.newDatabase());
    env.put("HTTP_PORT", String.valueOf(freePort()));
    env.put("HTTP_INSTANCES", "2");
    env.put("CXPULSE_CATALOG", catalogFile().toString());
    try {
      env.put("DATA_DIR", Files.createTempDirectory("cxpulse-test-data").toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    env.putAll(overrides);
    return new TestServer(env, clock);
  }

  /** Stops the server and starts a new one on the same database, keys and port. */
  public void restart() {
    server.close();
    server = Server.start(Config.fromMap(env), false, clock);
  }

  public Server server() {
    return server;
  }

  public Map<String, String> env() {
    return Map.copyOf(env);
  }

  public String databaseUrl() {
    return env.get("DATABASE_URL");
  }

  public String token(String tenant, String... roles) {
    return server.tokens().issue("test", tenant, List.of(roles), null, Duration.ofHours(1));
  }

  public String token(String tenant, List<String> touchpoints, String... roles) {
    return server.tokens().issue("test", tenant, List.of(roles), touchpoints, Duration.ofHours(1));
  }

  public String ingestToken(String tenant) {
    return token(tenant, Principal.INGEST);
  }

  public String viewerToken(String tenant) {
    return token(tenant, Principal.VIEWER);
  }

  public URI uri(String pathAndQuery) {
    return URI.create("http://localhost:" + server.port() + pathAndQuery);
  }

  public HttpResponse<String> post(String path, String token, String contentType, String body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (contentType != null) b.header("Content-Type", contentType);
    if (token != null) b.header("Authorization", "Bearer " + token);
    return send(b.build());
  }

  public HttpResponse<String> postJson(String path, String token, String body) {
    return post(path, token, "application/json", body);
  }

  public HttpResponse<String> get(String pathAndQuery, String token) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(30)).GET();
    if (token != null) b.header("Authorization", "Bearer " + token);
    return send(b.build());
  }

  public HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public HttpClient http() {
    return http;
  }

  public static Path catalogFile() {
    try (var in = TestServer.class.getResourceAsStream(CATALOG)) {
      Path file = Files.createTempFile("cxpulse-catalog", ".json");
      Files.write(file, in.readAllBytes());
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
