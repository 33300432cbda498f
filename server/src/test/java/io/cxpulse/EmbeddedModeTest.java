package io.cxpulse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cxpulse.config.Config;
import io.cxpulse.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("With no database configured, the server runs its own PostgreSQL under DATA_DIR")
class EmbeddedModeTest {

  @Test
  @DisplayName("responses survive a restart, keys are kept, and a second server on the same DATA_DIR is refused")
  void embeddedDataSurvivesRestart() throws Exception {
    Path dataDir = Files.createTempDirectory("cxpulse-embedded");
    Map<String, String> env = Map.of(
        "DATA_DIR", dataDir.toString(),
        "HTTP_PORT", String.valueOf(TestServer.freePort()),
        "CXPULSE_CATALOG", TestServer.catalogFile().toString());
    Config config = Config.fromMap(env);
    assertThat(config.database().embedded()).isTrue();
    HttpClient http = HttpClient.newHttpClient();
    String viewerToken;
    try (Server server = Server.start(config, false)) {
      assertThat(server.database().isEmbedded()).isTrue();
      // Issue 19: the embedded server used to trust every local user. It now has a generated
      // password, kept where only the server's user can read it, and refuses anything else.
      Path passwordFile = dataDir.resolve(io.cxpulse.store.Database.PASSWORD_FILE);
      assertThat(Files.getPosixFilePermissions(passwordFile))
          .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
              java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
      String password = Files.readString(passwordFile).trim();
      assertThat(password).hasSizeGreaterThanOrEqualTo(32).isNotEqualTo("postgres");
      for (String wrong : List.of("postgres", "")) {
        assertThatThrownBy(() -> java.sql.DriverManager.getConnection(server.database().jdbcUrl(), "postgres", wrong).close())
            .isInstanceOf(java.sql.SQLException.class);
      }
      assertThat(Files.readAllLines(dataDir.resolve("pg").resolve("pg_hba.conf")).stream()
          .filter(l -> !l.trim().startsWith("#") && !l.isBlank())).noneMatch(l -> l.contains("trust"));
      // Durable before acknowledged: the embedded server must really flush its commits.
      try (var c = java.sql.DriverManager.getConnection(server.database().jdbcUrl(), "postgres", password);
           var st = c.createStatement()) {
        for (String setting : List.of("fsync", "synchronous_commit")) {
          try (var rs = st.executeQuery("SHOW " + setting)) {
            rs.next();
            assertThat(rs.getString(1)).as(setting).isEqualTo("on");
          }
        }
      }
      String ingest = server.tokens().issue("t", "acme", List.of("ingest"), null, java.time.Duration.ofHours(1));
      viewerToken = server.tokens().issue("t", "acme", List.of("viewer"), null, java.time.Duration.ofHours(1));
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + "/api/v1/feedback"))
          .header("Authorization", "Bearer " + ingest).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("[{\"eventId\":\"e1\",\"touchpoint\":\"hotline\",\"nps\":10},"
              + "{\"eventId\":\"e2\",\"touchpoint\":\"hotline\",\"nps\":3}]")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      assertThatThrownBy(() -> Server.start(config, false)).hasMessageContaining("another cxpulse server");
    }
    assertThat(dataDir.resolve("pg").resolve("PG_VERSION")).exists();
    // A data directory of an earlier version: it trusted everyone and had no password file. The
    // next start gives it a password and makes it ask for it.
    Path hba = dataDir.resolve("pg").resolve("pg_hba.conf");
    Files.write(hba, Files.readAllLines(hba).stream().map(l -> l.replace("scram-sha-256", "trust")).toList());
    String before = Files.readString(dataDir.resolve(io.cxpulse.store.Database.PASSWORD_FILE)).trim();
    Files.delete(dataDir.resolve(io.cxpulse.store.Database.PASSWORD_FILE));
    try (Server server = Server.start(config, false)) {
      String after = Files.readString(dataDir.resolve(io.cxpulse.store.Database.PASSWORD_FILE)).trim();
      assertThat(after).isNotEqualTo(before);
      assertThatThrownBy(() -> java.sql.DriverManager.getConnection(server.database().jdbcUrl(), "postgres", before).close())
          .isInstanceOf(java.sql.SQLException.class);
      java.sql.DriverManager.getConnection(server.database().jdbcUrl(), "postgres", after).close();
      // The key pair was kept too: a token issued by the first run still verifies.
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(
              URI.create("http://localhost:" + server.port() + "/api/v1/scorecards?window=today&touchpoints=hotline"))
          .header("Authorization", "Bearer " + viewerToken).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      JsonObject nps = new JsonObject(r.body()).getJsonObject("overall").getJsonObject("nps");
      assertThat(nps.getLong("n")).isEqualTo(2);
      assertThat(nps.getLong("promoters")).isEqualTo(1);
      assertThat(nps.getLong("detractors")).isEqualTo(1);
      assertThat(nps.getDouble("score")).isEqualTo(0.0);
    }
  }
}
