package io.cxpulse.cases;

import static io.cxpulse.testing.LiveClient.type;
import static org.assertj.core.api.Assertions.assertThat;

import io.cxpulse.auth.Principal;
import io.cxpulse.testing.LiveClient;
import io.cxpulse.testing.MutableClock;
import io.cxpulse.testing.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Closed loop: follow-up cases of consenting detractors")
class CaseTest {
  /** Frozen: response and resolution times are exactly what the test advanced, and "today" cannot roll. */
  private static final MutableClock CLOCK = MutableClock.frozenAt(java.time.Instant.now());
  private static TestServer server;
  private static Vertx vertx;
  private static int eventNo;

  @BeforeAll
  static void start() {
    // acme answers detractors within 2 hours; globex keeps the default 24.
    server = TestServer.start(Map.of("LIVE_TICK_MS", "100", "CASE_CHECK_MS", "100",
        "CXPULSE_CATALOG", catalogWithSla(2).toString()), CLOCK);
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    vertx.close();
    server.close();
  }

  static Path catalogWithSla(int hours) {
    try (var in = CaseTest.class.getResourceAsStream(TestServer.CATALOG)) {
      JsonObject catalog = new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      catalog.getJsonArray("tenants").getJsonObject(0).put("caseSlaHours", hours);
      Path file = Files.createTempFile("cxpulse-catalog-sla", ".json");
      Files.writeString(file, catalog.encode());
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonObject response(String tenant, String touchpoint, int nps, boolean consent) {
    return new JsonObject().put("eventId", "case-" + (++eventNo)).put("touchpoint", touchpoint).put("nps", nps)
        .put("contactConsent", consent).put("customerId", "cust-" + eventNo).put("reasons", new JsonArray().add("speed"))
        .put("comment", "waited 40 minutes");
  }

  private static HttpResponse<String> patch(long id, String token, String body, String ifMatch) {
    return server.patchJson("/api/v1/cases/" + id, token, body, ifMatch);
  }

  private static List<JsonObject> cases(String query, String token) {
    List<JsonObject> out = new ArrayList<>();
    server.getJson("/api/v1/cases" + query, token).getJsonArray("cases").forEach(o -> out.add((JsonObject) o));
    return out;
  }

  private static JsonObject caseOf(String eventId, String token) {
    return cases("?limit=500", token).stream().filter(c -> eventId.equals(c.getString("eventId"))).findFirst().orElse(null);
  }

  @Test
  @DisplayName("only consenting detractors open a case, once, even when the batch is retried; viewers do not see the customer")
  void opening() {
    String viewer = server.viewerToken("acme");
    String manager = server.token("acme", Principal.MANAGER);
    JsonObject consenting = response("acme", "store", 3, true);
    JsonObject notConsenting = response("acme", "store", 2, false);
    JsonObject passive = response("acme", "store", 7, true);
    JsonObject six = response("acme", "app", 6, true);
    List<JsonObject> batch = List.of(consenting, notConsenting, passive, six);
    server.postFeedback("acme", batch);
    server.postFeedback("acme", batch);
    assertThat(server.postFeedback("acme", batch).getInteger("duplicates")).isEqualTo(4);

    List<String> opened = cases("?limit=500", manager).stream().map(c -> c.getString("eventId")).toList();
    assertThat(opened).contains(consenting.getString("eventId"), six.getString("eventId"))
        .doesNotContain(notConsenting.getString("eventId"), passive.getString("eventId"));
    assertThat(opened.stream().filter(consenting.getString("eventId")::equals).count()).isEqualTo(1);

    JsonObject asManager = caseOf(consenting.getString("eventId"), manager);
    assertThat(asManager.getString("status")).isEqualTo("open");
    assertThat(asManager.getInteger("nps")).isEqualTo(3);
    assertThat(asManager.getString("touchpoint")).isEqualTo("store");
    assertThat(asManager.getJsonArray("reasons")).containsExactly("speed");
    assertThat(asManager.getString("comment")).isEqualTo("waited 40 minutes");
    assertThat(asManager.getString("customerId")).isEqualTo(consenting.getString("customerId"));
    assertThat(asManager.getLong("firstResponseSeconds")).isNull();
    // acme's SLA is 2 hours from when the response arrived.
    assertThat(Duration.between(java.time.OffsetDateTime.parse(asManager.getString("openedAt")),
        java.time.OffsetDateTime.parse(asManager.getString("dueAt")))).isEqualTo(Duration.ofHours(2));
    JsonObject asViewer = caseOf(consenting.getString("eventId"), viewer);
    assertThat(asViewer.containsKey("customerId")).isFalse();

    // Filters: touchpoint scope of the token, status, and a token scoped to one touchpoint sees only it.
    assertThat(cases("?touchpoints=app&limit=500", manager)).allMatch(c -> c.getString("touchpoint").equals("app"));
    String appOnly = server.token("acme", List.of("app"), Principal.VIEWER);
    assertThat(cases("?limit=500", appOnly)).isNotEmpty().allMatch(c -> c.getString("touchpoint").equals("app"));
    assertThat(server.get("/api/v1/cases?touchpoints=store", appOnly).statusCode()).isEqualTo(403);
    assertThat(server.get("/api/v1/cases/" + asManager.getLong("id"), appOnly).statusCode()).isEqualTo(403);
    // Another tenant's case does not exist for globex.
    assertThat(server.get("/api/v1/cases/" + asManager.getLong("id"), server.viewerToken("globex")).statusCode()).isEqualTo(404);
    assertThat(cases("?limit=500", server.viewerToken("globex")))
        .noneMatch(c -> c.getString("eventId").equals(consenting.getString("eventId")));
  }

  @Test
  @DisplayName("a case goes open → contacted → resolved with response times and an audit trail; wrong moves and roles are refused")
  void lifecycle() {
    String manager = server.token("acme", Principal.MANAGER);
    JsonObject r = response("acme", "hotline", 1, true);
    server.postFeedback("acme", r);
    JsonObject c = caseOf(r.getString("eventId"), manager);
    long id = c.getLong("id");

    // Viewers cannot change a case; another tenant's manager cannot find it.
    HttpResponse<String> byViewer = patch(id, server.viewerToken("acme"), "{\"status\":\"contacted\"}", null);
    assertThat(byViewer.statusCode()).isEqualTo(403);
    assertThat(new JsonObject(byViewer.body()).getString("error")).isEqualTo("forbidden");
    assertThat(patch(id, server.token("globex", Principal.MANAGER), "{\"status\":\"contacted\"}", null).statusCode())
        .isEqualTo(404);

    // Bad bodies: exact details, nothing changed.
    HttpResponse<String> bad = patch(id, manager, "{\"status\":\"done\",\"assignee\":7,\"colour\":\"red\"}", null);
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(bad.body()).getJsonArray("details").stream().map(d -> ((JsonObject) d).getString("path")))
        .containsExactlyInAnyOrder("/status", "/assignee", "/colour");
    assertThat(patch(id, manager, "{}", null).statusCode()).isEqualTo(400);
    assertThat(patch(id, manager, "[1]", null).statusCode()).isEqualTo(400);
    assertThat(server.send(HttpRequest.newBuilder(server.uri("/api/v1/cases/abc")).method("PATCH",
        HttpRequest.BodyPublishers.ofString("{\"note\":\"x\"}")).header("Content-Type", "application/json")
        .header("Authorization", "Bearer " + manager).build()).statusCode()).isEqualTo(400);
    // open → resolved skips the follow-up call.
    HttpResponse<String> skip = patch(id, manager, "{\"status\":\"resolved\"}", null);
    assertThat(skip.statusCode()).isEqualTo(409);
    assertThat(new JsonObject(skip.body()).getString("message")).contains("open").contains("resolved").contains("contacted");

    CLOCK.advance(Duration.ofMinutes(30));
    HttpResponse<String> contacted = patch(id, manager,
        "{\"status\":\"contacted\",\"assignee\":\"li.wei\",\"note\":\"called back, apologised\"}", "\"1\"");
    assertThat(contacted.statusCode()).as(contacted.body()).isEqualTo(200);
    JsonObject afterContact = new JsonObject(contacted.body());
    assertThat(afterContact.getString("status")).isEqualTo("contacted");
    assertThat(afterContact.getString("assignee")).isEqualTo("li.wei");
    assertThat(afterContact.getLong("firstResponseSeconds")).isBetween(1800L, 1810L);
    assertThat(afterContact.getInteger("version")).isEqualTo(2);
    assertThat(contacted.headers().firstValue("ETag")).hasValue("\"2\"");

    // A stale version is refused.
    HttpResponse<String> stale = patch(id, manager, "{\"status\":\"resolved\"}", "\"1\"");
    assertThat(stale.statusCode()).isEqualTo(412);

    CLOCK.advance(Duration.ofHours(1));
    HttpResponse<String> resolved = patch(id, manager, "{\"status\":\"resolved\",\"version\":2,\"note\":\"refund sent\"}", null);
    assertThat(resolved.statusCode()).as(resolved.body()).isEqualTo(200);
    JsonObject done = new JsonObject(resolved.body());
    assertThat(done.getLong("firstResponseSeconds")).isBetween(1800L, 1810L);
    assertThat(done.getLong("resolutionSeconds")).isBetween(5400L, 5410L);
    assertThat(done.getBoolean("overdue")).isFalse();

    // Final: no way back, and closed cannot follow resolved.
    assertThat(patch(id, manager, "{\"status\":\"contacted\"}", null).statusCode()).isEqualTo(409);
    assertThat(patch(id, manager, "{\"status\":\"closed\"}", null).statusCode()).isEqualTo(409);

    JsonObject withHistory = server.getJson("/api/v1/cases/" + id, server.viewerToken("acme"));
    JsonArray history = withHistory.getJsonArray("history");
    assertThat(history.stream().map(h -> ((JsonObject) h).getString("action")).toList())
        .containsExactly("opened", "status+assign+note", "status+note");
    JsonObject first = history.getJsonObject(1);
    assertThat(first.getString("actor")).isEqualTo("test");
    assertThat(first.getString("fromStatus")).isEqualTo("open");
    assertThat(first.getString("toStatus")).isEqualTo("contacted");
    assertThat(first.getString("note")).isEqualTo("called back, apologised");
    assertThat(history.getJsonObject(2).getString("toStatus")).isEqualTo("resolved");

    // contacted → closed also ends a case.
    JsonObject r2 = response("acme", "hotline", 0, true);
    server.postFeedback("acme", r2);
    long id2 = caseOf(r2.getString("eventId"), manager).getLong("id");
    assertThat(patch(id2, manager, "{\"status\":\"closed\",\"note\":\"customer unreachable\"}", null).statusCode()).isEqualTo(200);
    JsonObject closed = server.getJson("/api/v1/cases/" + id2, manager);
    assertThat(closed.getString("closedAt")).isNotNull();
    assertThat(closed.getLong("resolutionSeconds")).isNotNull();
  }

  @Test
  @DisplayName("a new case and its SLA breach are alerted live exactly once across two nodes, and counted in the scorecards")
  void slaBreach() {
    try (TestServer second = server.another();
         LiveClient one = LiveClient.ready(vertx, server.server().port(), server.viewerToken("globex"));
         LiveClient two = LiveClient.ready(vertx, second.server().port(), server.viewerToken("globex"))) {
      one.subscribe("wall", "today");
      two.subscribe("wall", "today");
      one.next(10, type("snapshot"));
      two.next(10, type("snapshot"));

      JsonObject r = response("globex", "web", 2, true);
      server.postFeedback("globex", r);
      JsonObject alert = one.next(10, m -> "case".equals(m.getString("kind")));
      assertThat(alert.getString("type")).isEqualTo("alert");
      assertThat(alert.getString("touchpoint")).isEqualTo("web");
      assertThat(alert.getInteger("nps")).isEqualTo(2);
      assertThat(alert.containsKey("customerId")).isFalse();
      long id = alert.getLong("caseId");
      assertThat(two.next(10, m -> "case".equals(m.getString("kind"))).getLong("caseId")).isEqualTo(id);

      // The live view counts the open case.
      JsonObject update = one.next(10, m -> m.getJsonObject("data") != null
          && m.getJsonObject("data").getJsonObject("overall").getJsonObject("cases").getLong("open") >= 1);
      JsonObject counts = update.getJsonObject("data").getJsonObject("overall").getJsonObject("cases");
      long openBefore = counts.getLong("open");
      assertThat(counts.getLong("overdue")).isZero();

      // globex keeps the default 24 h: nothing at 23 h, a breach after 24 h.
      CLOCK.advance(Duration.ofHours(23));
      sleep(400);
      JsonObject early = server.getJson("/api/v1/cases/" + id, server.viewerToken("globex"));
      assertThat(early.getString("slaAlertedAt")).isNull();
      assertThat(early.getBoolean("overdue")).isFalse();
      CLOCK.advance(Duration.ofHours(1).plusMinutes(1));
      // The breach alert and the view counting the case overdue may come in either order: the
      // view also moves when the clock's jump rolls "today" over, before any node claims the breach.
      Predicate<JsonObject> isBreach = m -> "sla-breach".equals(m.getString("kind")) && m.getLong("caseId") == id;
      Predicate<JsonObject> isOverdueView = m -> m.getJsonObject("data") != null
          && m.getJsonObject("data").getJsonObject("overall").getJsonObject("cases").getLong("overdue") >= 1;
      JsonObject breach = null;
      JsonObject overdueView = null;
      while (breach == null || overdueView == null) {
        JsonObject m = one.next(10, isBreach.or(isOverdueView));
        if (isBreach.test(m)) breach = m;
        else overdueView = m;
      }
      assertThat(breach.getString("touchpoint")).isEqualTo("web");
      two.next(10, isBreach);
      assertThat(overdueView.getJsonObject("data").getJsonObject("overall").getJsonObject("cases").getLong("open"))
          .isEqualTo(openBefore);

      JsonObject scorecards = server.getJson("/api/v1/scorecards?window=today", server.viewerToken("globex"));
      JsonObject web = scorecards.getJsonArray("touchpoints").stream().map(o -> (JsonObject) o)
          .filter(t -> t.getString("touchpoint").equals("web")).findFirst().orElseThrow();
      assertThat(web.getJsonObject("cases").getLong("overdue")).isGreaterThanOrEqualTo(1);
      assertThat(web.getJsonObject("cases").getString("oldestOpenAt")).isNotNull();
      assertThat(cases("?overdue=true&limit=500", server.viewerToken("globex")))
          .extracting(c -> c.getLong("id")).contains(id);
      assertThat(cases("?olderThan=24h&limit=500", server.viewerToken("globex")))
          .extracting(c -> c.getLong("id")).contains(id);
      assertThat(cases("?olderThan=25h&limit=500", server.viewerToken("globex")))
          .extracting(c -> c.getLong("id")).doesNotContain(id);

      // Working the case takes it out of the open and overdue counts, on both nodes.
      HttpResponse<String> contacted = patch(id, server.token("globex", Principal.MANAGER), "{\"status\":\"contacted\"}", null);
      assertThat(contacted.statusCode()).isEqualTo(200);
      two.next(10, m -> m.getJsonObject("data") != null
          && m.getJsonObject("data").getJsonObject("overall").getJsonObject("cases").getLong("open") == openBefore - 1);

      // Several more checks later: still one breach alert per node and one in the audit trail.
      sleep(600);
      int more = 0;
      for (JsonObject m; (m = one.poll()) != null; ) if ("sla-breach".equals(m.getString("kind")) && m.getLong("caseId") == id) more++;
      for (JsonObject m; (m = two.poll()) != null; ) if ("sla-breach".equals(m.getString("kind")) && m.getLong("caseId") == id) more++;
      assertThat(more).isZero();
      JsonArray history = server.getJson("/api/v1/cases/" + id, server.viewerToken("globex")).getJsonArray("history");
      assertThat(history.stream().filter(h -> "sla-breach".equals(((JsonObject) h).getString("action"))).count()).isEqualTo(1);
    }
  }

  @Test
  @DisplayName("bad list parameters are 400 with every parameter named")
  void badParameters() {
    HttpResponse<String> r = server.get("/api/v1/cases?status=pending&olderThan=soon&overdue=maybe&limit=0&before=x",
        server.viewerToken("acme"));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(r.body()).getJsonArray("details").stream().map(d -> ((JsonObject) d).getString("path")))
        .containsExactlyInAnyOrder("status", "olderThan", "overdue", "limit", "before");
    assertThat(server.get("/api/v1/cases", server.ingestToken("acme")).statusCode()).isEqualTo(403);
    assertThat(server.get("/api/v1/cases", null).statusCode()).isEqualTo(401);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }
}
