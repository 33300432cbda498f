package io.cxpulse.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.cxpulse.config.Config;
import io.cxpulse.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

@DisplayName("Request ids and structured logs")
class StructuredLogsTest {

  @Test
  @DisplayName("LOG_FORMAT=json writes one JSON object a line with level, logger, message, MDC request id and exception")
  void jsonLines() {
    // A context of its own, so that the rest of the test JVM keeps logging as text; it shares SLF4J's MDC.
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(MDC.getMDCAdapter());
    context.start();
    StructuredLogs.apply(context);
    StructuredLogs.apply(context);
    PrintStream original = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      MDC.put(HttpObservability.REQUEST_ID, "req-42");
      context.getLogger("io.cxpulse.test").info("stored {} responses", 3);
      MDC.remove(HttpObservability.REQUEST_ID);
      context.getLogger("io.cxpulse.test").warn("batch failed\nsecond line", new IllegalStateException("boom"));
    } finally {
      System.setOut(original);
      context.stop();
    }
    List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(lines).hasSize(2);
    JsonObject first = new JsonObject(lines.get(0));
    assertThat(first.getString("level")).isEqualTo("INFO");
    assertThat(first.getString("loggerName")).isEqualTo("io.cxpulse.test");
    assertThat(first.getString("formattedMessage")).isEqualTo("stored 3 responses");
    assertThat(first.getJsonObject("mdc").getString("requestId")).isEqualTo("req-42");
    assertThat(first.getLong("timestamp")).isPositive();
    JsonObject second = new JsonObject(lines.get(1));
    assertThat(second.getString("formattedMessage")).isEqualTo("batch failed\nsecond line");
    assertThat(second.getJsonObject("mdc")).isEmpty();
    assertThat(second.getJsonObject("throwable").getString("message")).isEqualTo("boom");
  }

  @Test
  @DisplayName("LOG_FORMAT accepts text or json only")
  void logFormatValidated() {
    assertThat(Config.fromMap(Map.of()).logFormat()).isEqualTo("text");
    assertThat(Config.fromMap(Map.of("LOG_FORMAT", "JSON")).logFormat()).isEqualTo("json");
    assertThatThrownBy(() -> Config.fromMap(Map.of("LOG_FORMAT", "xml")))
        .hasMessageContaining("LOG_FORMAT must be one of text, json");
  }

  @Test
  @DisplayName("a request id is echoed, made up when missing or malformed, and carried by the access log line")
  void requestIds() throws InterruptedException {
    ch.qos.logback.classic.Logger access = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.cxpulse.access");
    ListAppender<ILoggingEvent> events = new ListAppender<>();
    events.start();
    access.addAppender(events);
    try (TestServer server = TestServer.start(Map.of("LOG_REQUESTS", "true"))) {
      HttpResponse<String> given = server.send(request(server, "caller-id.1"));
      HttpResponse<String> missing = server.send(request(server, null));
      HttpResponse<String> malformed = server.send(request(server, "has spaces"));
      assertThat(given.headers().firstValue(HttpObservability.HEADER)).hasValue("caller-id.1");
      String made = missing.headers().firstValue(HttpObservability.HEADER).orElseThrow();
      assertThat(made).matches("[0-9a-f]{32}");
      String replaced = malformed.headers().firstValue(HttpObservability.HEADER).orElseThrow();
      assertThat(replaced).matches("[0-9a-f]{32}").isNotEqualTo(made);

      long deadline = System.nanoTime() + 5_000_000_000L;
      while (events.list.size() < 3 && System.nanoTime() < deadline) Thread.sleep(20);
      assertThat(events.list).extracting(e -> e.getMDCPropertyMap().get(HttpObservability.REQUEST_ID))
          .containsExactlyInAnyOrder("caller-id.1", made, replaced);
      assertThat(events.list).extracting(ILoggingEvent::getFormattedMessage)
          .allSatisfy(m -> assertThat(m).startsWith("GET /api/v1/catalog 401 "));
    } finally {
      access.detachAppender(events);
    }
  }

  private static HttpRequest request(TestServer server, String requestId) {
    HttpRequest.Builder b = HttpRequest.newBuilder(server.uri("/api/v1/catalog")).timeout(Duration.ofSeconds(10)).GET();
    if (requestId != null) b.header(HttpObservability.HEADER, requestId);
    return b.build();
  }
}
