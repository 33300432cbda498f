package io.cxpulse.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxpulse.Server;
import io.cxpulse.auth.Principal;
import io.cxpulse.config.Config;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A real cxpulse server on a fresh database of the test PostgreSQL, with a real HTTP client. Every
 * reply the client receives is checked against the API contract ({@link Contract}).
 */
public final class TestServer implements AutoCloseable {
  public static final String CATALOG = "/test-catalog.json";

  private final Map<String, String> env;
  private final java.time.Clock clock;
  private Server server;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final Map<String, String> ingestTokens = new ConcurrentHashMap<>();

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
    HttpRequest.Builder b = request(path, token)
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (contentType != null) b.header("Content-Type", contentType);
    return send(b.build());
  }

  public HttpResponse<String> postJson(String path, String token, String body) {
    return post(path, token, "application/json", body);
  }

  public HttpResponse<String> putJson(String path, String token, String body) {
    return send(request(path, token).header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build());
  }

  /** A JSON PATCH, with {@code If-Match} unless it is null. */
  public HttpResponse<String> patchJson(String path, String token, String body, String ifMatch) {
    HttpRequest.Builder b = request(path, token).header("Content-Type", "application/json")
        .method("PATCH", HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (ifMatch != null) b.header("If-Match", ifMatch);
    return send(b.build());
  }

  public HttpResponse<String> delete(String path, String token) {
    return send(request(path, token).DELETE().build());
  }

  public HttpResponse<String> get(String pathAndQuery, String token) {
    return send(request(pathAndQuery, token).GET().build());
  }

  private HttpRequest.Builder request(String pathAndQuery, String token) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(60));
    if (token != null) b.header("Authorization", "Bearer " + token);
    return b;
  }

  /** A GET that must answer 200: its JSON body. */
  public JsonObject getJson(String pathAndQuery, String token) {
    return ok(get(pathAndQuery, token));
  }

  /** {@code GET /api/v1/scorecards?<query>}, which must answer 200. */
  public JsonObject scorecards(String token, String query) {
    return getJson("/api/v1/scorecards?" + query, token);
  }

  /** Posts a feedback body as written (application/json) with this token, whatever the server answers. */
  public HttpResponse<String> sendFeedback(String token, String json) {
    return postJson("/api/v1/feedback", token, json);
  }

  /** Posts the responses (as one JSON array) with this token, whatever the server answers. */
  public HttpResponse<String> sendFeedback(String token, List<JsonObject> items) {
    return sendFeedback(token, new JsonArray(new ArrayList<>(items)).encode());
  }

  public HttpResponse<String> sendFeedback(String token, JsonObject... items) {
    return sendFeedback(token, List.of(items));
  }

  /** Posts the responses (one JSON array) with an ingest token of the tenant; the batch must be committed (200). */
  public JsonObject postFeedback(String tenant, List<JsonObject> items) {
    return ok(sendFeedback(ingestTokens.computeIfAbsent(tenant, this::ingestToken), items));
  }

  public JsonObject postFeedback(String tenant, JsonObject... items) {
    return postFeedback(tenant, List.of(items));
  }

  /** The reply's JSON body after checking that it is a 200. */
  public static JsonObject ok(HttpResponse<String> response) {
    return ok(response, 200);
  }

  /** The reply's JSON body after checking its status. */
  public static JsonObject ok(HttpResponse<String> response, int status) {
    assertThat(response.statusCode()).as("%s %s → %s", response.request().method(), response.request().uri().getRawPath(),
        response.body()).isEqualTo(status);
    return new JsonObject(response.body());
  }

  /** Sends the request on this server's client and checks the reply against the API contract. */
  public HttpResponse<String> send(HttpRequest request) {
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    Contract.check(request.method(), request.uri(), response);
    return response;
  }

  /**
   * Like {@link #send} on a new connection: for a retry after the server closed a kept-alive
   * connection just as the client reused it (it does after a 413, whose body it does not read).
   */
  public HttpResponse<String> sendOnNewConnection(HttpRequest request) throws IOException, InterruptedException {
    HttpResponse<String> response = HttpClient.newHttpClient().send(request,
        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    Contract.check(request.method(), request.uri(), response);
    return response;
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
