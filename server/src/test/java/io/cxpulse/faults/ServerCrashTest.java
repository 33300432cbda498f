package io.cxpulse.faults;

import static io.cxpulse.testing.LiveClient.type;
import static org.assertj.core.api.Assertions.assertThat;

import io.cxpulse.auth.SigningKeys;
import io.cxpulse.auth.Tokens;
import io.cxpulse.testing.LiveClient;
import io.cxpulse.testing.TestDatabase;
import io.cxpulse.testing.TestServer;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The server process is killed or stopped under load: every acknowledged response survives")
class ServerCrashTest {
  private Vertx vertx;
  private Path dataDir;
  private Tokens tokens;
  private final int port = TestServer.freePort();

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    dataDir = Files.createTempDirectory("cxpulse-crash");
    tokens = new Tokens(vertx, SigningKeys.loadOrGenerate(dataDir), "cxpulse", "cxpulse");
  }

  @AfterEach
  void stop() {
    vertx.close();
  }

  private Map<String, String> env(String databaseUrl) {
    Map<String, String> env = new HashMap<>();
    env.put("DATA_DIR", dataDir.toString());
    env.put("CXPULSE_CATALOG", TestServer.catalogFile().toString());
    env.put("LIVE_TICK_MS", "200");
    env.put("HTTP_INSTANCES", "2");
    if (databaseUrl != null) env.put("DATABASE_URL", databaseUrl);
    return env;
  }

  private String token(String role) {
    return tokens.issue("test", "acme", List.of(role), null, Duration.ofHours(1));
  }

  /** 8 × 100 responses; each thread waits after 30 until {@link RetryingLoad#release()}, so the crash meets the rest. */
  private RetryingLoad load(String prefix) throws InterruptedException {
    RetryingLoad load = new RetryingLoad(() -> port, token("ingest"), 8, 100, prefix, Duration.ofSeconds(150))
        .holdingAfter(30).start();
    load.awaitHeld();
    load.release();
    Thread.sleep(200); // requests in flight; the 70 left per thread take well over a second (about 10 ms pause after each)
    return load;
  }

  @Test
  @DisplayName("kill -9 mid-load, restart: acknowledged responses kept once, counters equal the recount")
  void killNine() throws Exception {
    String db = TestDatabase.newDatabase();
    RetryingLoad load;
    try (ServerProcess first = new ServerProcess(env(db), port).awaitReady(Duration.ofSeconds(60))) {
      load = load("k9");
      first.kill9();
    }
    try (ServerProcess second = new ServerProcess(env(db), port).awaitReady(Duration.ofSeconds(60))) {
      load.await();
      assertThat(load.acknowledged).hasSize(800);
      FaultChecks.assertConsistent(db, load, port, token("viewer"), vertx);
    }
  }

  @Test
  @DisplayName("SIGTERM mid-load: in-flight requests finish, screens get 1001, the process exits; nothing lost")
  void sigterm() throws Exception {
    String db = TestDatabase.newDatabase();
    RetryingLoad load;
    try (ServerProcess first = new ServerProcess(env(db), port).awaitReady(Duration.ofSeconds(60));
         LiveClient screen = LiveClient.ready(vertx, port, token("viewer"))) {
      screen.subscribe("wall", "today");
      screen.next(10, type("snapshot"));
      load = load("term");
      first.terminate(Duration.ofSeconds(30));
      assertThat(screen.awaitClose(5)).isEqualTo((short) 1001);
      assertThat(first.output()).doesNotContain("ERROR");
    }
    try (ServerProcess second = new ServerProcess(env(db), port).awaitReady(Duration.ofSeconds(60))) {
      load.await();
      assertThat(load.acknowledged).hasSize(800);
      FaultChecks.assertConsistent(db, load, port, token("viewer"), vertx);
    }
  }

  @Test
  @DisplayName("embedded mode, kill -9: the orphaned PostgreSQL and the lock do not stop the next start")
  void killNineEmbedded() throws Exception {
    RetryingLoad load;
    try (ServerProcess first = new ServerProcess(env(null), port).awaitReady(Duration.ofSeconds(90))) {
      load = load("emb");
      first.kill9();
    }
    long orphan = Long.parseLong(Files.readAllLines(dataDir.resolve("pg").resolve("postmaster.pid")).get(0).trim());
    assertThat(ProcessHandle.of(orphan).map(ProcessHandle::isAlive)).as("postmaster outlives kill -9").contains(true);
    try (ServerProcess second = new ServerProcess(env(null), port).awaitReady(Duration.ofSeconds(90))) {
      load.await();
      assertThat(load.acknowledged).hasSize(800);
      int pgPort = Integer.parseInt(Files.readAllLines(dataDir.resolve("pg").resolve("postmaster.pid")).get(3).trim());
      // The embedded server's generated password (base64url: safe in a URL).
      String password = io.cxpulse.store.Database.embeddedPassword(dataDir);
      FaultChecks.assertConsistent("postgresql://postgres:" + password + "@localhost:" + pgPort + "/postgres", load, port,
          token("viewer"), vertx);
      long postmaster = Long.parseLong(Files.readAllLines(dataDir.resolve("pg").resolve("postmaster.pid")).get(0).trim());
      assertThat(postmaster).isNotEqualTo(orphan);
      assertThat(ProcessHandle.of(orphan).map(ProcessHandle::isAlive).orElse(false)).as("the orphan was stopped").isFalse();
      second.terminate(Duration.ofSeconds(30));
      long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
      while (ProcessHandle.of(postmaster).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < end) {
        Thread.sleep(100);
      }
      assertThat(ProcessHandle.of(postmaster).map(ProcessHandle::isAlive).orElse(false))
          .as("SIGTERM stops the embedded database too").isFalse();
    }
  }
}
