package io.cxpulse.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxpulse.store.CounterStore;
import io.cxpulse.testing.LiveClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** What every fault test asserts once the fault is over. */
final class FaultChecks {
  private FaultChecks() {}

  static void assertConsistent(String databaseUrl, RetryingLoad load, int port, String viewerToken, Vertx vertx)
      throws Exception {
    assertThat(load.unexpected).as("unexpected replies").isEmpty();
    Set<String> stored = new HashSet<>();
    // postgresql://user:password@host:port/db → JDBC without the credentials, which go apart.
    java.util.regex.Matcher url = java.util.regex.Pattern.compile("postgresql://([^:@/]+):([^@/]*)@(.*)").matcher(databaseUrl);
    if (!url.matches()) throw new IllegalArgumentException("not a postgresql://user:password@… URL: " + databaseUrl);
    String jdbc = "jdbc:postgresql://" + url.group(3);
    try (Connection c = DriverManager.getConnection(jdbc, url.group(1), url.group(2)); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT event_id FROM feedback WHERE tenant = 'acme'")) {
      while (rs.next()) assertThat(stored.add(rs.getString(1))).as("stored once").isTrue();
    }
    // Every acknowledged response is stored; nothing is stored that was never sent.
    assertThat(stored).containsAll(load.acknowledged);
    assertThat(load.sent).containsAll(stored);
    assertThat(verify(databaseUrl)).as("counters equal the recount").isEmpty();

    // The server's own numbers (REST) equal the stored rows, and a live snapshot equals REST.
    HttpResponse<String> rest = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://localhost:" + port + "/api/v1/scorecards?window=today"))
        .header("Authorization", "Bearer " + viewerToken).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(rest.statusCode()).isEqualTo(200);
    JsonObject scorecards = new JsonObject(rest.body());
    assertThat(scorecards.getJsonObject("overall").getLong("responses")).isEqualTo(stored.size());
    try (LiveClient live = LiveClient.ready(vertx, port, viewerToken)) {
      live.subscribe("after", "today");
      JsonObject snapshot = live.next(10, LiveClient.type("snapshot"));
      assertThat(snapshot.getJsonObject("data")).isEqualTo(scorecards);
    }
  }

  static java.util.List<CounterStore.Difference> verify(String databaseUrl) throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      Pool pool = PgBuilder.pool().connectingTo(PgConnectOptions.fromUri(databaseUrl)).using(vertx).build();
      return new CounterStore(pool, Duration.ofHours(6), Duration.ofDays(8)).verify(Instant.now())
          .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
