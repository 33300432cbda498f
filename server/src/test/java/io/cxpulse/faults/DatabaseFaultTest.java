package io.cxpulse.faults;

import static io.cxpulse.testing.LiveClient.type;
import static org.assertj.core.api.Assertions.assertThat;

import io.cxpulse.testing.LiveClient;
import io.cxpulse.testing.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("PostgreSQL stops, hangs or drops connections under load: nothing lost, nothing counted twice")
class DatabaseFaultTest {
  private ControlledPostgres pg;
  private TestServer server;
  private Vertx vertx;

  @BeforeEach
  void start() throws Exception {
    pg = new ControlledPostgres();
    server = TestServer.start(Map.of("DATABASE_URL", pg.url(), "WRITE_TIMEOUT_MS", "3000", "LIVE_TICK_MS", "200",
        "INGEST_QUEUE_LIMIT", "2000"));
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close();
    server.close();
    pg.close();
  }

  /** 8 × 120 responses; each thread waits after 40 until {@link RetryingLoad#release()}, so the fault meets the rest. */
  private RetryingLoad load(String prefix) throws InterruptedException {
    RetryingLoad load = new RetryingLoad(() -> server.server().port(), server.ingestToken("acme"), 8, 120, prefix,
        Duration.ofSeconds(150)).holdingAfter(40).start();
    load.awaitHeld();
    return load;
  }

  private int ready() {
    return server.get("/health/ready", null).statusCode();
  }

  private void awaitReady() throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (ready() != 200) {
      assertThat(System.nanoTime()).as("ready again within 60 s").isLessThan(end);
      Thread.sleep(200);
    }
  }

  @Test
  @DisplayName("a stopped database: 503 with Retry-After, not ready, screens told stale; back by itself when it returns")
  void databaseStopsAndComesBack() throws Exception {
    try (LiveClient screen = LiveClient.ready(vertx, server.server().port(), server.viewerToken("acme"))) {
      screen.subscribe("wall", "today");
      screen.next(10, type("snapshot"));
      RetryingLoad load = load("stop");
      pg.stop();
      load.release(); // 80 more per thread, all meeting a stopped database first
      JsonObject stale = screen.next(15, m -> "status".equals(m.getString("type")) && m.getBoolean("stale"));
      assertThat(stale.getString("reason")).isNotBlank();
      assertThat(ready()).isEqualTo(503);
      Thread.sleep(3000);
      pg.start();
      screen.next(30, m -> "status".equals(m.getString("type")) && !m.getBoolean("stale"));
      load.await();
      awaitReady();
      assertThat(load.acknowledged).hasSize(960);
      assertThat(load.refusals.get()).as("some requests were refused while the database was down").isPositive();
      FaultChecks.assertConsistent(pg.url(), load, server.server().port(), server.viewerToken("acme"), vertx);
    }
  }

  @Test
  @DisplayName("a paused database (SIGSTOP): requests time out as 503 instead of hanging; all is consistent after SIGCONT")
  void databasePauses() throws Exception {
    RetryingLoad load = load("pause");
    pg.pause();
    load.release();
    Thread.sleep(6000);
    pg.resume();
    load.await();
    awaitReady();
    assertThat(load.acknowledged).hasSize(960);
    FaultChecks.assertConsistent(pg.url(), load, server.server().port(), server.viewerToken("acme"), vertx);
  }

  @Test
  @DisplayName("killed connections (pg_terminate_backend), twice: the pool and the listener reconnect, counters reload")
  void connectionsKilled() throws Exception {
    RetryingLoad load = load("term");
    assertThat(pg.terminateBackends()).isPositive();
    load.release();
    Thread.sleep(1500);
    pg.terminateBackends();
    load.await();
    awaitReady();
    assertThat(load.acknowledged).hasSize(960);
    FaultChecks.assertConsistent(pg.url(), load, server.server().port(), server.viewerToken("acme"), vertx);
  }
}
