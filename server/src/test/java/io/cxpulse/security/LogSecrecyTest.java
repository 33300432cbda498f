package io.cxpulse.security;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import io.cxpulse.testing.LiveClient;
import io.cxpulse.testing.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

@DisplayName("Logs never hold a token or a comment, with the access log on and io.cxpulse at DEBUG")
class LogSecrecyTest {

  @Test
  @DisplayName("tokens in headers, in a token= query parameter and in WebSocket auth, good and forged, and comment text appear in no log line")
  void noSecretsInLogs() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Logger cxpulse = context.getLogger("io.cxpulse");
    Level before = cxpulse.getLevel();
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.setContext(context);
    appender.start();
    root.addAppender(appender);
    cxpulse.setLevel(Level.DEBUG);
    String comment = "my phone is 138-0000-1234 and I hate it " + System.nanoTime();
    List<String> secrets = new ArrayList<>();
    Vertx vertx = Vertx.vertx();
    try (TestServer server = TestServer.start(Map.of("LOG_REQUESTS", "true"))) {
      String ingest = server.ingestToken("acme");
      String viewer = server.viewerToken("acme");
      String forged = Jws.unsigned(Jws.claims("acme", 300, "admin"));
      secrets.addAll(List.of(ingest, viewer, forged, comment));
      // Each token's payload segment alone is as telling as the whole token.
      for (String t : List.of(ingest, viewer, forged)) secrets.add(t.split("\\.", -1)[1]);

      server.postJson("/api/v1/feedback", ingest, new JsonObject().put("touchpoint", "hotline").put("nps", 1)
          .put("comment", comment).encode());
      server.postJson("/api/v1/feedback", ingest, new JsonObject().put("touchpoint", "nowhere").put("nps", 1)
          .put("comment", comment).encode());
      server.postJson("/api/v1/feedback", forged, new JsonObject().put("touchpoint", "hotline").put("comment", comment).encode());
      server.get("/api/v1/scorecards?window=1h&token=" + viewer, viewer);
      server.get("/api/v1/scorecards?token=" + forged, forged);
      server.get("/wall?token=" + viewer, null);
      try (LiveClient c = LiveClient.ready(vertx, server.server().port(), viewer)) {
        c.subscribe("w", "1h");
        c.next(10, LiveClient.type("snapshot"));
      }
      try (LiveClient c = LiveClient.connect(vertx, server.server().port(), null)) {
        c.send(new JsonObject().put("type", "auth").put("token", forged));
        c.awaitClose(10);
      }
    } finally {
      vertx.close();
      root.detachAppender(appender);
      cxpulse.setLevel(before);
    }
    assertThat(appender.list).as("the access log wrote lines").anyMatch(e -> e.getLoggerName().equals("io.cxpulse.access"));
    for (ILoggingEvent e : appender.list) {
      String text = e.getFormattedMessage() + " " + e.getKeyValuePairs()
          + (e.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(e.getThrowableProxy()));
      for (String secret : secrets) {
        assertThat(text).as("log line of %s", e.getLoggerName()).doesNotContain(secret);
      }
      assertThat(text).doesNotContain("token=").doesNotContain("Bearer ");
    }
  }
}
