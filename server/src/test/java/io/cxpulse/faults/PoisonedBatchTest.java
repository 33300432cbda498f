package io.cxpulse.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxpulse.testing.TestDatabase;
import io.cxpulse.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Issue 19, "one tenant's admin stops ingest for all tenants": a row that PostgreSQL refuses inside
 * the shared group-commit transaction used to fail every request batched with it, of any tenant,
 * with 503. The database is made to refuse chosen rows (a CHECK constraint, SQLSTATE 23514, and a
 * trigger raising 22008 "timestamp out of range", the error of the finding), a slow row holds the
 * writer's transaction open so that the next batch surely mixes tenants, and the refused requests
 * are sent in the middle of another tenant's concurrent ingest.
 */
@DisplayName("A request the database refuses fails alone: every other request of the batch, of any tenant, commits")
class PoisonedBatchTest {
  private static TestServer server;
  private static TestServer other;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start(Map.of("RATE_INGEST_PER_TOKEN", "0", "RATE_INGEST_PER_IP", "0"));
    other = server.another();
    try (Connection c = TestDatabase.connect(server.databaseUrl()); Statement s = c.createStatement()) {
      s.execute("ALTER TABLE feedback ADD CONSTRAINT test_poison CHECK (customer_id IS DISTINCT FROM 'poison-23')");
      s.execute("""
          CREATE FUNCTION test_poison() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN
            IF NEW.customer_id = 'poison-22' THEN
              RAISE EXCEPTION 'timestamp out of range' USING ERRCODE = '22008';
            END IF;
            IF NEW.customer_id = 'slow' THEN PERFORM pg_sleep(1); END IF;
            RETURN NEW;
          END $$""");
      s.execute("CREATE TRIGGER test_poison BEFORE INSERT ON feedback FOR EACH ROW EXECUTE FUNCTION test_poison()");
    }
  }

  @AfterAll
  static void stop() {
    if (other != null) other.close();
    server.close();
  }

  private static CompletableFuture<HttpResponse<String>> post(HttpClient http, String token, JsonArray items) {
    return http.sendAsync(HttpRequest.newBuilder(server.uri("/api/v1/feedback")).timeout(Duration.ofSeconds(60))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(items.encode(), StandardCharsets.UTF_8)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static JsonObject item(String id, String touchpoint, int nps, String customer) {
    return new JsonObject().put("eventId", id).put("touchpoint", touchpoint).put("nps", nps).put("contactConsent", true)
        .put("customerId", customer).put("segment", new JsonObject().put("store", "s" + (id.hashCode() & 3)))
        .put("occurredAt", Instant.now().minusSeconds(60).toString());
  }

  @Test
  @DisplayName("poisoned requests get 422 without the database's words; 100 % of the other tenant's concurrent ingest and the poisoned tenant's good requests commit, counted once on both nodes")
  void poisonedRequestFailsAlone() throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    String acme = server.ingestToken("acme");
    String globex = server.ingestToken("globex");
    // A slow row keeps the writer's transaction open for a second: everything sent meanwhile queues
    // and goes into the next transaction together, poisoned requests and other tenants' alike.
    CompletableFuture<HttpResponse<String>> slow = post(http, acme, new JsonArray().add(item("slow-1", "hotline", 9, "slow")));
    Thread.sleep(300);
    List<CompletableFuture<HttpResponse<String>>> globexSent = new ArrayList<>();
    List<CompletableFuture<HttpResponse<String>>> acmeGood = new ArrayList<>();
    List<CompletableFuture<HttpResponse<String>>> poisoned = new ArrayList<>();
    int globexItems = 0;
    int acmeGoodItems = 0;
    for (int i = 0; i < 120; i++) {
      JsonArray g = new JsonArray();
      for (int k = 0; k <= i % 3; k++) g.add(item("g-" + i + "-" + k, i % 2 == 0 ? "hotline" : "web", (i + k) % 11, "gc" + i));
      globexItems += g.size();
      globexSent.add(post(http, globex, g));
      if (i % 10 == 5) {
        poisoned.add(post(http, acme, new JsonArray().add(item("a-ok-in-bad-" + i, "store", 3, "fine"))
            .add(item("a-bad-" + i, "store", 2, i % 20 == 5 ? "poison-22" : "poison-23"))));
      } else if (i % 10 == 0) {
        acmeGood.add(post(http, acme, new JsonArray().add(item("a-" + i, "store", i % 7, "ac" + i))));
        acmeGoodItems++;
      }
    }
    assertThat(slow.join().statusCode()).isEqualTo(200);
    for (CompletableFuture<HttpResponse<String>> f : globexSent) {
      HttpResponse<String> r = f.join();
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }
    for (CompletableFuture<HttpResponse<String>> f : acmeGood) assertThat(f.join().statusCode()).isEqualTo(200);
    for (CompletableFuture<HttpResponse<String>> f : poisoned) {
      HttpResponse<String> r = f.join();
      assertThat(r.statusCode()).as(r.body()).isEqualTo(422);
      assertThat(new JsonObject(r.body()).getString("error")).isEqualTo("unprocessable");
      assertThat(r.body()).doesNotContainIgnoringCase("timestamp").doesNotContainIgnoringCase("constraint")
          .doesNotContain("test_poison").doesNotContain("SQL");
    }
    // The poisoned requests shared transactions with others: the writer split them.
    String metrics = server.get("/metrics", null).body();
    assertThat(metric(metrics, "cxpulse_ingest_split_batches_total")).isGreaterThan(0);
    assertThat(metric(metrics, "cxpulse_ingest_refused_requests_total")).isEqualTo(poisoned.size());
    assertThat(metric(metrics, "cxpulse_ingest_failed_batches_total")).isZero();

    // Stored: every acknowledged response once, nothing of a refused request (all or nothing).
    assertThat(count("SELECT count(*) FROM feedback WHERE tenant = 'globex' AND event_id LIKE 'g-%'")).isEqualTo(globexItems);
    assertThat(count("SELECT count(*) FROM feedback WHERE tenant = 'acme'")).isEqualTo(1 + acmeGoodItems);
    assertThat(count("SELECT count(*) FROM feedback WHERE event_id LIKE 'a-ok-in-bad-%'")).isZero();
    assertThat(count("SELECT count(*) FROM follow_up_case WHERE tenant = 'acme'"))
        .isEqualTo(count("SELECT count(*) FROM feedback WHERE tenant = 'acme' AND nps <= 6"));
    assertThat(FaultChecks.verify(server.databaseUrl())).as("counters equal the recount").isEmpty();
    // The in-memory counters of this node and of the other node (NOTIFY) equal the table.
    for (TestServer node : List.of(server, other)) {
      for (String tenant : List.of("acme", "globex")) {
        long stored = count("SELECT count(*) FROM feedback WHERE tenant = '" + tenant + "'");
        long shown = waitFor(node, tenant, stored);
        assertThat(shown).as(tenant + " on node " + node.server().port()).isEqualTo(stored);
      }
    }
    assertThat(server.get("/health/ready", null).statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("the finding itself: caseSlaHours 1e12 stored before the rule (directly in the table) no longer fails a consenting detractor's batch: the due time is clamped to a year")
  void storedHugeSlaIsClamped() throws Exception {
    try (Connection c = TestDatabase.connect(server.databaseUrl()); Statement s = c.createStatement()) {
      s.execute("UPDATE tenant SET settings = settings || '{\"caseSlaHours\": 1e12}' WHERE id = 'globex'");
    }
    HttpResponse<String> r = server.postJson("/api/v1/feedback", server.ingestToken("globex"),
        item("sla-1", "hotline", 1, "c-sla").encode());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    long hours = count("SELECT round(extract(epoch FROM due_at - opened_at) / 3600) FROM follow_up_case "
        + "WHERE tenant = 'globex' AND event_id = 'sla-1'");
    assertThat(hours).isEqualTo(8760);
  }

  private static long waitFor(TestServer node, String tenant, long expected) throws InterruptedException {
    String viewer = node.viewerToken(tenant);
    long shown = -1;
    for (int i = 0; i < 50 && shown != expected; i++) {
      if (i > 0) Thread.sleep(100);
      shown = new JsonObject(node.get("/api/v1/scorecards?window=24h", viewer).body()).getJsonObject("overall")
          .getLong("responses");
    }
    return shown;
  }

  private static double metric(String text, String name) {
    for (String line : text.split("\n")) {
      if (line.startsWith(name + " ") || line.startsWith(name + "{")) return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
    }
    throw new AssertionError("no " + name + " in /metrics");
  }

  private static long count(String sql) throws Exception {
    try (Connection c = TestDatabase.connect(server.databaseUrl()); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
