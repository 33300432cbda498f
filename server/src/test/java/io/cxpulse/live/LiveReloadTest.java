package io.cxpulse.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxpulse.testing.TestDatabase;
import io.cxpulse.testing.TestServer;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A counter reload asked for while another runs reads a snapshot taken after the ask")
class LiveReloadTest {

  /**
   * The writer asks for a reload once a failed batch has ended (its COMMIT may have reached the
   * database although the reply did not reach the writer). If a reload is already running — the
   * listen connection came back — its snapshot may predate that COMMIT: answering the writer with
   * it would leave the committed rows out of the in-memory counters until the next reload.
   */
  @Test
  @DisplayName("a batch committed while a reload waits is in the counters of the reload asked for after it")
  void reloadAfterTheAsk() throws Exception {
    try (TestServer server = TestServer.start();
         Connection blocker = TestDatabase.connect(server.databaseUrl());
         Connection watcher = TestDatabase.connect(server.databaseUrl())) {
      long before = responses(server);
      blocker.setAutoCommit(false);
      try (Statement s = blocker.createStatement()) {
        s.execute("LOCK TABLE counter IN ACCESS EXCLUSIVE MODE");
      }
      // Reload 1 takes its snapshot, then waits for the lock on counter.
      Future<Message<Object>> first = server.server().vertx().eventBus().request(LiveHub.RELOAD, "test");
      awaitWaitingForLock(watcher);
      // A batch commits behind reload 1's snapshot: its row and its counter increment, as the
      // writer's transaction would have written them, without the in-memory apply.
      long day = LocalDate.now(ZoneId.of("Asia/Shanghai")).toEpochDay();
      try (Statement s = blocker.createStatement()) {
        s.execute("INSERT INTO feedback (tenant, event_id, touchpoint, occurred_at, nps) VALUES ('acme', 'lost-reply', 'hotline', now(), 9)");
        s.execute("INSERT INTO counter (tenant, touchpoint, grain, bucket, metric, key, idx, count) VALUES "
            + "('acme', 'hotline', 'd', " + day + ", 'responses', '', 0, 1) "
            + "ON CONFLICT (tenant, touchpoint, grain, bucket, metric, key, idx) DO UPDATE SET count = counter.count + 1");
      }
      Future<Message<Object>> second = server.server().vertx().eventBus().request(LiveHub.RELOAD, "test");
      blocker.commit();
      first.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      second.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      assertThat(responses(server)).isEqualTo(before + 1);
    }
  }

  private static long responses(TestServer server) {
    return server.scorecards(server.viewerToken("acme"), "window=today").getJsonObject("overall").getLong("responses");
  }

  private static void awaitWaitingForLock(Connection watcher) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < end) {
      try (Statement s = watcher.createStatement();
           ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
               + "AND query LIKE 'SELECT tenant, touchpoint, grain::text, bucket%'")) {
        rs.next();
        if (rs.getLong(1) > 0) return;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("the reload never waited for the lock on counter");
  }
}
