package io.cxpulse.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxpulse.testing.TestDatabase;
import io.cxpulse.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad feedback against the real server over HTTP: the right status, a JSON error naming the exact
 * field with a JSON pointer, and nothing stored (neither a row in {@code feedback} nor a count in
 * the scorecards). Every expected status, code and pointer below is written by hand from API.md.
 */
@DisplayName("Ingest validation: bad feedback is refused field by field, and nothing of the batch is stored")
class IngestValidationTest {
  private static final String FEEDBACK = "/api/v1/feedback";
  private static final AtomicInteger IDS = new AtomicInteger();

  private static TestServer server;
  private static String acmeIngest;
  private static String acmeViewer;
  private static String globexIngest;
  private static String globexViewer;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    acmeIngest = server.ingestToken("acme");
    acmeViewer = server.viewerToken("acme");
    globexIngest = server.ingestToken("globex");
    globexViewer = server.viewerToken("globex");
  }

  @AfterAll
  static void stop() {
    if (server != null) server.close();
  }

  // ---------------------------------------------------------------- per-field rules, 400

  /** A valid acme item that each case breaks in exactly one way. */
  private static JsonObject base() {
    return new JsonObject().put("touchpoint", "hotline").put("nps", 9);
  }

  private static Arguments rule(String name, UnaryOperator<JsonObject> breakIt, String path) {
    return Arguments.of(name, breakIt, path);
  }

  static Stream<Arguments> fieldRules() {
    JsonObject elevenKeys = new JsonObject();
    for (int i = 1; i <= 11; i++) elevenKeys.put("k" + i, "v");
    return Stream.of(
        rule("nps 11 is above 0..10", o -> o.put("nps", 11), "/nps"),
        rule("nps -1 is below 0..10", o -> o.put("nps", -1), "/nps"),
        rule("nps 7.5 is not an integer", o -> o.put("nps", 7.5), "/nps"),
        rule("nps \"7\" is a string, not an integer", o -> o.put("nps", "7"), "/nps"),
        rule("csat 0 is below 1..5", o -> o.put("csat", 0), "/csat"),
        rule("csat 6 is above 1..5", o -> o.put("csat", 6), "/csat"),
        rule("csat3 0 is below 1..3", o -> o.put("csat3", 0), "/csat3"),
        rule("csat3 4 is above 1..3", o -> o.put("csat3", 4), "/csat3"),
        rule("ces 0 is below 1..7", o -> o.put("ces", 0), "/ces"),
        rule("ces 8 is above 1..7", o -> o.put("ces", 8), "/ces"),
        rule("rater with an unknown dimension", o -> o.put("rater", new JsonObject().put("kindness", 3)), "/rater/kindness"),
        rule("rater empathy 6 is above 1..5", o -> o.put("rater", new JsonObject().put("reliability", 4).put("empathy", 6)),
            "/rater/empathy"),
        rule("rater reliability 0 is below 1..5", o -> o.put("rater", new JsonObject().put("reliability", 0)),
            "/rater/reliability"),
        rule("reasons that is a string, not an array", o -> o.put("reasons", "speed"), "/reasons"),
        rule("reasons that repeats a code", o -> o.put("reasons", new JsonArray().add("speed").add("price").add("speed")),
            "/reasons/2"),
        rule("a level-2 code in reasons", o -> o.put("reasons", new JsonArray().add("price").add("speed.wait")), "/reasons/1"),
        rule("a level-1 code in subReasons", o -> o.put("subReasons", new JsonArray().add("speed")), "/subReasons/0"),
        rule("a value rating 11 is above 0..10", o -> o.put("values", new JsonObject().put("quality", 5).put("saves-time", 11)),
            "/values/saves-time"),
        rule("a value rating -1 is below 0..10", o -> o.put("values", new JsonObject().put("quality", -1)), "/values/quality"),
        rule("a comment of 4001 characters", o -> o.put("comment", "x".repeat(4001)), "/comment"),
        rule("a comment containing NUL", o -> o.put("comment", "before\u0000after"), "/comment"),
        rule("contactConsent \"yes\" is not a boolean", o -> o.put("contactConsent", "yes"), "/contactConsent"),
        rule("contactConsent 1 is not a boolean", o -> o.put("contactConsent", 1), "/contactConsent"),
        rule("a segment with 11 keys", o -> o.put("segment", elevenKeys.copy()), "/segment"),
        rule("an eventId with a space", o -> o.put("eventId", "order 42"), "/eventId"),
        rule("an eventId with a slash", o -> o.put("eventId", "order/42"), "/eventId"),
        rule("an eventId of 129 characters", o -> o.put("eventId", "e".repeat(129)), "/eventId"),
        rule("an occurredAt that is not a time", o -> o.put("occurredAt", "yesterday at noon"), "/occurredAt"),
        rule("an occurredAt without an offset", o -> o.put("occurredAt", "2025-06-01T10:00:00"), "/occurredAt"),
        rule("an occurredAt 10 minutes in the future",
            o -> o.put("occurredAt", Instant.now().plus(Duration.ofMinutes(10)).toString()), "/occurredAt"),
        rule("an item with none of nps, csat, csat3, ces, rater, values, comment",
            o -> { o.remove("nps"); return o.put("channel", "app").put("reasons", new JsonArray().add("speed")); }, ""),
        rule("an unknown top-level field", o -> o.put("score", 9), "/score"),
        rule("a missing touchpoint", o -> { o.remove("touchpoint"); return o; }, "/touchpoint"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fieldRules")
  @DisplayName("a single object breaking one rule is 400 with one detail whose path is the field, like /nps")
  void singleObjectFieldRule(String name, UnaryOperator<JsonObject> breakIt, String path) throws SQLException {
    Stored before = stored();

    JsonObject error = assertError(server.sendFeedback(acmeIngest, breakIt.apply(base()).encode()), 400, "invalid");

    assertThat(paths(error)).containsExactly(path);
    assertThat(stored()).isEqualTo(before);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fieldRules")
  @DisplayName("the same rule broken by the third item of an array is 400 with one detail under /2, like /2/nps")
  void arrayItemFieldRule(String name, UnaryOperator<JsonObject> breakIt, String path) throws SQLException {
    Stored before = stored();
    JsonArray batch = new JsonArray().add(valid("rule", 10)).add(valid("rule", 8)).add(breakIt.apply(base()));

    JsonObject error = assertError(server.sendFeedback(acmeIngest, batch.encode()), 400, "invalid");

    assertThat(paths(error)).containsExactly("/2" + path);
    assertThat(stored()).isEqualTo(before);
  }

  @Test
  @DisplayName("each value at the edge of its range is accepted, so the refusals above are about the rule and not the field")
  void boundaryValuesAreAccepted() throws SQLException {
    Stored before = stored();
    JsonObject tenKeys = new JsonObject();
    for (int i = 1; i <= 10; i++) tenKeys.put("k" + i, "v" + i);
    String allowedAlphabet = "AZaz09._:-";
    String longId = (allowedAlphabet + uniqueId("edge")).repeat(13).substring(0, 128);
    JsonArray batch = new JsonArray()
        .add(new JsonObject().put("touchpoint", "hotline").put("nps", 0).put("csat", 1).put("csat3", 1).put("ces", 1))
        .add(new JsonObject().put("touchpoint", "hotline").put("nps", 10).put("csat", 5).put("csat3", 3).put("ces", 7))
        .add(new JsonObject().put("touchpoint", "store").put("rater", new JsonObject().put("reliability", 1)
            .put("assurance", 5).put("tangibles", 1).put("empathy", 5).put("responsiveness", 3)))
        .add(new JsonObject().put("touchpoint", "app").put("values", new JsonObject().put("saves-time", 0).put("quality", 10)))
        .add(new JsonObject().put("touchpoint", "app").put("comment", "y".repeat(4000)).put("contactConsent", false))
        .add(new JsonObject().put("touchpoint", "hotline").put("nps", 5).put("segment", tenKeys)
            .put("reasons", new JsonArray().add("speed").add("price"))
            .put("subReasons", new JsonArray().add("speed.wait").add("speed.handling")))
        .add(new JsonObject().put("touchpoint", "hotline").put("csat", 3).put("eventId", longId))
        .add(new JsonObject().put("touchpoint", "hotline").put("ces", 4)
            .put("occurredAt", Instant.now().plus(Duration.ofMinutes(4)).toString()));

    HttpResponse<String> r = server.sendFeedback(acmeIngest, batch.encode());

    assertAccepted(r, 8, 0);
    // Two items carry an nps (0 and 10), and one more (5): 3 in all.
    assertThat(stored()).isEqualTo(before.plus(8, 0, 3, 0));
  }

  // ---------------------------------------------------------------- request-level 400

  @Test
  @DisplayName("an empty array is 400 with a detail at the root")
  void emptyArray() throws SQLException {
    Stored before = stored();

    JsonObject error = assertError(server.sendFeedback(acmeIngest, "[]"), 400, "invalid");

    assertThat(paths(error)).containsExactly("");
    assertThat(stored()).isEqualTo(before);
  }

  @Test
  @DisplayName("an array of 1001 valid items is 400 and none of them is stored")
  void tooManyItems() throws SQLException {
    Stored before = stored();
    JsonArray batch = new JsonArray();
    for (int i = 0; i < 1001; i++) batch.add(valid("many", i % 11));

    JsonObject error = assertError(server.sendFeedback(acmeIngest, batch.encode()), 400, "invalid");

    assertThat(paths(error)).containsExactly("");
    assertThat(stored()).isEqualTo(before);
  }

  @Test
  @DisplayName("an array of exactly 1000 valid items is accepted whole")
  void thousandItemsAreAccepted() throws SQLException {
    Stored before = stored();
    JsonArray batch = new JsonArray();
    for (int i = 0; i < 1000; i++) batch.add(valid("thousand", i % 11));

    assertAccepted(server.sendFeedback(acmeIngest, batch.encode()), 1000, 0);
    assertThat(stored()).isEqualTo(before.plus(1000, 0, 1000, 0));
  }

  static Stream<Arguments> notJson() {
    return Stream.of(
        Arguments.of("a truncated object", "{\"touchpoint\": \"hotline\", \"nps\": "),
        Arguments.of("plain words", "nps is nine"),
        Arguments.of("an object followed by garbage", "{\"touchpoint\": \"hotline\", \"nps\": 9} trailing"),
        Arguments.of("a JSON string", "\"hello\""),
        Arguments.of("a JSON number", "42"),
        Arguments.of("JSON null", "null"),
        Arguments.of("an empty body", ""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("notJson")
  @DisplayName("a body that is not a JSON object or array is 400 with a detail at the root")
  void bodyNotJson(String name, String body) throws SQLException {
    Stored before = stored();

    JsonObject error = assertError(server.sendFeedback(acmeIngest, body), 400, "invalid");

    assertThat(paths(error)).containsExactly("");
    assertThat(stored()).isEqualTo(before);
  }

  @Test
  @DisplayName("NDJSON whose third item is not JSON is 400 pointing at /2, and the good lines are not stored")
  void ndjsonBadLine() throws SQLException {
    Stored before = stored();
    String body = valid("nd-bad", 9).encode() + "\n" + valid("nd-bad", 3).encode() + "\n{\"touchpoint\": \"hotline\", nps: 9}\n";

    JsonObject error = assertError(server.post(FEEDBACK, acmeIngest, "application/x-ndjson", body), 400, "invalid");

    assertThat(paths(error)).containsExactly("/2");
    assertThat(stored()).isEqualTo(before);
  }

  @Test
  @DisplayName("NDJSON with one line that is not JSON and another that breaks a rule reports both at once")
  void ndjsonReportsEveryProblem() throws SQLException {
    Stored before = stored();
    String body = valid("nd-two", 9).encode() + "\n"
        + "not json at all\n"
        + valid("nd-two", 4).encode() + "\n"
        + new JsonObject().put("touchpoint", "hotline").put("nps", 11).encode() + "\n";

    JsonObject error = assertError(server.post(FEEDBACK, acmeIngest, "application/x-ndjson", body), 400, "invalid");

    assertThat(paths(error)).containsExactlyInAnyOrder("/1", "/3/nps");
    assertThat(stored()).isEqualTo(before);
  }

  @Test
  @DisplayName("a path segment holding '/' or '~' is escaped as ~1 and ~0, so the pointer names the field")
  void pointerEscapesFieldNames() throws SQLException {
    Stored before = stored();
    JsonObject item = base().put("a/b", 1).put("c~d", 2);

    JsonObject error = assertError(server.sendFeedback(acmeIngest, item.encode()), 400, "invalid");

    assertThat(paths(error)).containsExactlyInAnyOrder("/a~1b", "/c~0d");
    assertThat(stored()).isEqualTo(before);
  }

  // ---------------------------------------------------------------- all or nothing, every error at once

  @Test
  @DisplayName("an array of 5 whose item 3 is invalid is 400 for /3 only, and items 0, 1, 2 and 4 are not stored")
  void batchIsAllOrNothing() throws SQLException {
    Stored before = stored();
    List<JsonObject> good = List.of(valid("aon", 10), valid("aon", 9), valid("aon", 0), valid("aon", 7));
    JsonArray batch = new JsonArray().add(good.get(0)).add(good.get(1)).add(good.get(2))
        .add(new JsonObject().put("eventId", uniqueId("aon")).put("touchpoint", "hotline").put("nps", 12))
        .add(good.get(3));

    JsonObject error = assertError(server.sendFeedback(acmeIngest, batch.encode()), 400, "invalid");

    assertThat(paths(error)).containsExactly("/3/nps");
    assertThat(stored()).isEqualTo(before);

    // Had any good item been stored, sending them again would count it as a duplicate.
    JsonArray again = new JsonArray();
    good.forEach(again::add);
    assertAccepted(server.sendFeedback(acmeIngest, again.encode()), 4, 0);
    assertThat(stored()).isEqualTo(before.plus(4, 0, 4, 0));
  }

  @Test
  @DisplayName("two invalid items in a batch give two details, one under each item")
  void everyErrorAtOnce() throws SQLException {
    Stored before = stored();
    JsonArray batch = new JsonArray()
        .add(valid("two", 9))
        .add(new JsonObject().put("touchpoint", "hotline").put("nps", 11))
        .add(valid("two", 6))
        .add(new JsonObject().put("touchpoint", "store").put("csat", 9));

    JsonObject error = assertError(server.sendFeedback(acmeIngest, batch.encode()), 400, "invalid");

    assertThat(paths(error)).containsExactlyInAnyOrder("/1/nps", "/3/csat");
    assertThat(stored()).isEqualTo(before);
  }

  @Test
  @DisplayName("one item breaking three rules gives three details")
  void everyErrorOfOneItem() throws SQLException {
    Stored before = stored();
    JsonObject item = new JsonObject().put("touchpoint", "hotline").put("nps", 11).put("ces", 0).put("contactConsent", "no");

    JsonObject error = assertError(server.sendFeedback(acmeIngest, item.encode()), 400, "invalid");

    assertThat(paths(error)).containsExactlyInAnyOrder("/nps", "/ces", "/contactConsent");
    assertThat(stored()).isEqualTo(before);
  }

  // ---------------------------------------------------------------- unknown codes, 422

  static Stream<Arguments> unknownCodes() {
    return Stream.of(
        Arguments.of("an unknown touchpoint", new JsonObject().put("touchpoint", "mall").put("nps", 9), "/touchpoint"),
        Arguments.of("an unknown reason code", base().put("reasons", new JsonArray().add("speed").add("parking")), "/reasons/1"),
        Arguments.of("an unknown sub-reason code", base().put("subReasons", new JsonArray().add("speed.queue")), "/subReasons/0"),
        Arguments.of("an unknown value element", base().put("values", new JsonObject().put("quality", 8).put("fun", 9)),
            "/values/fun"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unknownCodes")
  @DisplayName("a code the tenant's catalog does not know is 422 unknown_code naming the field, in an object and in an array")
  void unknownCode(String name, JsonObject item, String path) throws SQLException {
    Stored before = stored();

    JsonObject single = assertError(server.sendFeedback(acmeIngest, item.encode()), 422, "unknown_code");
    assertThat(paths(single)).containsExactly(path);

    JsonArray batch = new JsonArray().add(valid("unknown", 9)).add(item);
    JsonObject inArray = assertError(server.sendFeedback(acmeIngest, batch.encode()), 422, "unknown_code");
    assertThat(paths(inArray)).containsExactly("/1" + path);

    assertThat(stored()).isEqualTo(before);
  }

  @Test
  @DisplayName("a batch with both a broken rule and an unknown code is 400 and lists both problems")
  void invalidAndUnknownTogether() throws SQLException {
    Stored before = stored();
    JsonArray batch = new JsonArray()
        .add(new JsonObject().put("touchpoint", "mall").put("nps", 9))
        .add(valid("mixed", 8))
        .add(new JsonObject().put("touchpoint", "hotline").put("csat3", 5));

    JsonObject error = assertError(server.sendFeedback(acmeIngest, batch.encode()), 400, "invalid");

    assertThat(paths(error)).containsExactlyInAnyOrder("/0/touchpoint", "/2/csat3");
    assertThat(stored()).isEqualTo(before);
  }

  // ---------------------------------------------------------------- body limit and content type

  @Test
  @DisplayName("with BODY_LIMIT_BYTES=2048 a 3 KB body is 413 and not stored, while a 1.5 KB body is accepted")
  void bodyOverTheLimit() throws SQLException {
    try (TestServer small = TestServer.start(Map.of("BODY_LIMIT_BYTES", "2048"))) {
      String token = small.ingestToken("acme");
      String big = new JsonObject().put("touchpoint", "hotline").put("nps", 9).put("comment", "z".repeat(3000)).encode();
      assertThat(big.getBytes(StandardCharsets.UTF_8).length).isGreaterThan(2048);

      assertError(small.sendFeedback(token, big), 413, "payload_too_large");
      assertThat(rows(small, "acme")).isZero();

      // The same body sent chunked, without a Content-Length, must be cut off too.
      HttpRequest chunked = HttpRequest.newBuilder(small.uri(FEEDBACK))
          .timeout(Duration.ofSeconds(30))
          .header("Content-Type", "application/json")
          .header("Authorization", "Bearer " + token)
          .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big.getBytes(StandardCharsets.UTF_8))))
          .build();
      assertError(small.send(chunked), 413, "payload_too_large");
      assertThat(rows(small, "acme")).isZero();

      String fits = new JsonObject().put("touchpoint", "hotline").put("nps", 9).put("comment", "z".repeat(1500)).encode();
      assertAccepted(small.sendFeedback(token, fits), 1, 0);
      assertThat(rows(small, "acme")).isEqualTo(1);
    }
  }

  @Test
  @DisplayName("text/plain is 415 and nothing is stored")
  void textPlainIs415() throws SQLException {
    Stored before = stored();

    assertError(server.post(FEEDBACK, acmeIngest, "text/plain", base().encode()), 415, "unsupported_media_type");

    assertThat(stored()).isEqualTo(before);
  }

  @Test
  @DisplayName("a request without a Content-Type is 415 and nothing is stored")
  void missingContentTypeIs415() throws SQLException {
    Stored before = stored();

    assertError(server.post(FEEDBACK, acmeIngest, null, base().encode()), 415, "unsupported_media_type");

    assertThat(stored()).isEqualTo(before);
  }

  // ---------------------------------------------------------------- authentication and authorization

  @Test
  @DisplayName("without a token, with a garbage token or with an expired token, posting is 401 and nothing is stored")
  void badTokensAre401() throws SQLException {
    Stored before = stored();
    String expired = server.server().tokens().issue("test", "acme", List.of("ingest"), null, Duration.ofMinutes(-10));

    assertError(server.sendFeedback(null, base().encode()), 401, "unauthorized");
    assertError(server.sendFeedback("garbage", base().encode()), 401, "unauthorized");
    assertError(server.sendFeedback("eyJhbGciOiJub25lIn0.eyJ0ZW5hbnQiOiJhY21lIn0.", base().encode()), 401, "unauthorized");
    assertError(server.sendFeedback(expired, base().encode()), 401, "unauthorized");

    assertThat(stored()).isEqualTo(before);
  }

  @Test
  @DisplayName("a viewer token posting feedback is 403 and nothing is stored")
  void viewerCannotIngest() throws SQLException {
    Stored before = stored();

    assertError(server.sendFeedback(acmeViewer, base().encode()), 403, "forbidden");

    assertThat(stored()).isEqualTo(before);
  }

  @Test
  @DisplayName("an ingest token reading scorecards is 403")
  void ingestCannotRead() {
    assertError(server.get("/api/v1/scorecards?window=1h", acmeIngest), 403, "forbidden");
  }

  @Test
  @DisplayName("a token of a tenant the server does not know is 403")
  void unknownTenantIs403() throws SQLException {
    Stored before = stored();

    assertError(server.sendFeedback(server.ingestToken("initech"), base().encode()), 403, "forbidden");

    assertThat(stored()).isEqualTo(before);
  }

  @Test
  @DisplayName("an ingest token scoped to store may post for store but posting for hotline is 403 on /touchpoint")
  void touchpointScope() throws SQLException {
    String storeOnly = server.token("acme", List.of("store"), "ingest");
    Stored before = stored();

    JsonObject error = assertError(server.sendFeedback(storeOnly, base().encode()), 403, "forbidden");
    assertThat(paths(error)).containsExactly("/touchpoint");
    assertThat(stored()).isEqualTo(before);

    JsonArray mixed = new JsonArray().add(valid("scope", 9).put("touchpoint", "store")).add(valid("scope", 2));
    JsonObject mixedError = assertError(server.sendFeedback(storeOnly, mixed.encode()), 403, "forbidden");
    assertThat(paths(mixedError)).containsExactly("/1/touchpoint");
    assertThat(stored()).isEqualTo(before);

    assertAccepted(server.sendFeedback(storeOnly, valid("scope", 9).put("touchpoint", "store").encode()), 1, 0);
    assertThat(stored()).isEqualTo(before.plus(1, 0, 1, 0));
  }

  @Test
  @DisplayName("an out-of-scope touchpoint in an array of one item is reported under /0, as for any array")
  void touchpointScopeInArrayOfOne() throws SQLException {
    String storeOnly = server.token("acme", List.of("store"), "ingest");
    Stored before = stored();

    JsonArray one = new JsonArray().add(valid("scope1", 9));
    JsonObject error = assertError(server.sendFeedback(storeOnly, one.encode()), 403, "forbidden");

    assertThat(paths(error)).containsExactly("/0/touchpoint");
    assertThat(stored()).isEqualTo(before);
  }

  // ---------------------------------------------------------------- tenants

  @Test
  @DisplayName("a globex token posting for store, which only acme has, is 422 and acme's counts do not change")
  void otherTenantCannotWriteIntoAcme() throws SQLException {
    Stored before = stored();

    JsonObject error = assertError(server.sendFeedback(globexIngest,
        new JsonObject().put("touchpoint", "store").put("nps", 0).encode()), 422, "unknown_code");

    assertThat(paths(error)).containsExactly("/touchpoint");
    assertThat(stored()).isEqualTo(before);
  }

  @Test
  @DisplayName("the same eventId sent by acme and by globex is two responses, each counted only in its own tenant")
  void sameEventIdInTwoTenants() throws SQLException {
    Stored before = stored();
    String id = uniqueId("shared");
    String item = new JsonObject().put("eventId", id).put("touchpoint", "hotline").put("nps", 4).encode();

    assertAccepted(server.sendFeedback(globexIngest, item), 1, 0);
    assertThat(stored()).isEqualTo(before.plus(0, 1, 0, 1));

    assertAccepted(server.sendFeedback(acmeIngest, item), 1, 0);
    assertThat(stored()).isEqualTo(before.plus(1, 1, 1, 1));

    assertAccepted(server.sendFeedback(acmeIngest, item), 0, 1);
    assertThat(stored()).isEqualTo(before.plus(1, 1, 1, 1));
  }

  // ---------------------------------------------------------------- odd input is never a 5xx

  static Stream<Arguments> oddBodies() {
    StringBuilder deep = new StringBuilder();
    for (int i = 0; i < 5000; i++) deep.append('[');
    for (int i = 0; i < 5000; i++) deep.append(']');
    return Stream.of(
        Arguments.of("an array holding null", "[null]"),
        Arguments.of("an array holding an array", "[[{\"touchpoint\": \"hotline\", \"nps\": 9}]]"),
        Arguments.of("an nps of 1e400", "{\"touchpoint\": \"hotline\", \"nps\": 1e400}"),
        Arguments.of("an nps beyond a long", "{\"touchpoint\": \"hotline\", \"nps\": 99999999999999999999999}"),
        Arguments.of("a null nps", "{\"touchpoint\": \"hotline\", \"nps\": null}"),
        Arguments.of("a touchpoint that is an array", "{\"touchpoint\": [\"hotline\"], \"nps\": 9}"),
        Arguments.of("a null touchpoint", "{\"touchpoint\": null, \"nps\": 9}"),
        Arguments.of("a segment value that is an object", "{\"touchpoint\": \"hotline\", \"nps\": 9, \"segment\": {\"region\": {\"a\": 1}}}"),
        Arguments.of("a reason that is a number", "{\"touchpoint\": \"hotline\", \"nps\": 9, \"reasons\": [7]}"),
        Arguments.of("rater as an array", "{\"touchpoint\": \"hotline\", \"rater\": [5, 5]}"),
        Arguments.of("values as a number", "{\"touchpoint\": \"hotline\", \"values\": 10}"),
        Arguments.of("a touchpoint of 10000 characters", "{\"touchpoint\": \"" + "t".repeat(10_000) + "\", \"nps\": 9}"),
        Arguments.of("5000 nested arrays", deep.toString()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("oddBodies")
  @DisplayName("odd but well-formed or deeply nested input is a 400 JSON error, never a 5xx, and nothing is stored")
  void oddInputIsNever5xx(String name, String body) throws SQLException {
    Stored before = stored();

    HttpResponse<String> r = server.sendFeedback(acmeIngest, body);

    assertError(r, 400, "invalid");
    assertThat(stored()).isEqualTo(before);
  }

  @Test
  @DisplayName("an occurredAt far outside any storable time is refused as 400 on /occurredAt, not a 5xx")
  void occurredAtOutOfRange() throws SQLException {
    Stored before = stored();
    JsonObject item = base().put("occurredAt", "-999999999-01-01T00:00:00Z");

    HttpResponse<String> r = server.sendFeedback(acmeIngest, item.encode());

    JsonObject error = assertError(r, 400, "invalid");
    assertThat(paths(error)).containsExactly("/occurredAt");
    assertThat(stored()).isEqualTo(before);
  }

  static Stream<Arguments> emptyRatings() {
    return Stream.of(
        Arguments.of("an empty rater object", new JsonObject().put("touchpoint", "hotline").put("rater", new JsonObject()), "/rater"),
        Arguments.of("an empty values object", new JsonObject().put("touchpoint", "hotline").put("values", new JsonObject()), "/values"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("emptyRatings")
  @DisplayName("an item whose only rating is an empty rater or values object carries no feedback and is 400")
  void emptyRatingObjectIsNoFeedback(String name, JsonObject item, String field) throws SQLException {
    Stored before = stored();

    HttpResponse<String> r = server.sendFeedback(acmeIngest, item.encode());

    JsonObject error = assertError(r, 400, "invalid");
    assertThat(paths(error)).singleElement().isIn("", field);
    assertThat(stored()).isEqualTo(before);
  }

  // ---------------------------------------------------------------- accepted shapes

  @Test
  @DisplayName("a single object is accepted with {accepted: 1, duplicates: 0}, and sent again is one duplicate")
  void singleObjectAccepted() throws SQLException {
    Stored before = stored();
    String item = valid("one", 9).encode();

    assertAccepted(server.sendFeedback(acmeIngest, item), 1, 0);
    assertThat(stored()).isEqualTo(before.plus(1, 0, 1, 0));

    assertAccepted(server.sendFeedback(acmeIngest, item), 0, 1);
    assertThat(stored()).isEqualTo(before.plus(1, 0, 1, 0));
  }

  @Test
  @DisplayName("an array is accepted whole, and a repeated eventId inside it counts once")
  void arrayAccepted() throws SQLException {
    Stored before = stored();
    JsonObject first = valid("arr", 10);
    JsonArray batch = new JsonArray().add(first).add(valid("arr", 6)).add(valid("arr", 8)).add(first.copy());

    assertAccepted(server.sendFeedback(acmeIngest, batch.encode()), 3, 1);
    assertThat(stored()).isEqualTo(before.plus(3, 0, 3, 0));
  }

  @Test
  @DisplayName("NDJSON with blank lines, whitespace lines and CRLF endings is accepted, one response per JSON line")
  void ndjsonWithBlankLinesAccepted() throws SQLException {
    Stored before = stored();
    String body = "\n"
        + valid("nd", 9).encode() + "\n"
        + "\n"
        + "   \n"
        + valid("nd", 2).encode() + "\r\n"
        + "\r\n"
        + new JsonObject().put("eventId", uniqueId("nd")).put("touchpoint", "app").put("csat", 4).encode() + "\n"
        + "\n";

    assertAccepted(server.post(FEEDBACK, acmeIngest, "application/x-ndjson; charset=utf-8", body), 3, 0);
    // Two of the three carry an nps.
    assertThat(stored()).isEqualTo(before.plus(3, 0, 2, 0));
  }

  @Test
  @DisplayName("application/json with a charset parameter is accepted")
  void jsonWithCharsetAccepted() throws SQLException {
    Stored before = stored();

    assertAccepted(server.post(FEEDBACK, acmeIngest, "application/json; charset=UTF-8", valid("cs", 7).encode()), 1, 0);

    assertThat(stored()).isEqualTo(before.plus(1, 0, 1, 0));
  }

  // ---------------------------------------------------------------- helpers

  /** What the server holds: raw rows per tenant (JDBC) and the nps n of the last hour (HTTP). */
  private record Stored(long acmeRows, long globexRows, long acmeNpsN, long globexNpsN) {
    Stored plus(long acmeRows, long globexRows, long acmeNpsN, long globexNpsN) {
      return new Stored(this.acmeRows + acmeRows, this.globexRows + globexRows,
          this.acmeNpsN + acmeNpsN, this.globexNpsN + globexNpsN);
    }
  }

  private static Stored stored() throws SQLException {
    return new Stored(rows(server, "acme"), rows(server, "globex"), npsN(acmeViewer), npsN(globexViewer));
  }

  private static long rows(TestServer s, String tenant) throws SQLException {
    try (Connection c = TestDatabase.connect(s.databaseUrl());
         PreparedStatement st = c.prepareStatement("SELECT count(*) FROM feedback WHERE tenant = ?")) {
      st.setString(1, tenant);
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static long npsN(String viewerToken) {
    return server.scorecards(viewerToken, "window=1h").getJsonObject("overall").getJsonObject("nps").getLong("n");
  }

  private static String uniqueId(String prefix) {
    return "ivt-" + prefix + "-" + IDS.incrementAndGet();
  }

  private static JsonObject valid(String prefix, int nps) {
    return new JsonObject().put("eventId", uniqueId(prefix)).put("touchpoint", "hotline").put("nps", nps);
  }

  /** Checks the API.md error shape and returns the parsed body. */
  private static JsonObject assertError(HttpResponse<String> r, int status, String code) {
    assertThat(r.statusCode()).as("status; body: %s", abbreviate(r.body())).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type")).as("Content-Type of a %s reply", status)
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
    JsonObject body = new JsonObject(r.body());
    assertThat(body.getString("error")).as("error code; body: %s", abbreviate(r.body())).isEqualTo(code);
    assertThat(body.getString("message")).as("message").isNotBlank();
    return body;
  }

  /** The details' paths, after checking that each detail has a path and a message. */
  private static List<String> paths(JsonObject error) {
    JsonArray details = error.getJsonArray("details");
    assertThat(details).as("details of %s", error.encode()).isNotNull();
    List<String> out = new ArrayList<>();
    for (int i = 0; i < details.size(); i++) {
      JsonObject d = details.getJsonObject(i);
      assertThat(d.getValue("path")).as("details[%s].path", i).isInstanceOf(String.class);
      assertThat(d.getString("message")).as("details[%s].message", i).isNotBlank();
      out.add(d.getString("path"));
    }
    return out;
  }

  private static void assertAccepted(HttpResponse<String> r, int accepted, int duplicates) {
    assertThat(r.statusCode()).as("status; body: %s", abbreviate(r.body())).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
    assertThat(new JsonObject(r.body()))
        .isEqualTo(new JsonObject().put("accepted", accepted).put("duplicates", duplicates));
  }

  private static String abbreviate(String s) {
    return s.length() <= 500 ? s : s.substring(0, 500) + "…";
  }
}
