package io.cxpulse.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cxpulse.testing.LiveClient;
import io.cxpulse.testing.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Lints a real scrape with Prometheus's own checker. The scrape is also kept in
 * {@code target/metrics-scrape.txt}, which {@code .ci/run} checks again with promtool.
 */
@DisplayName("The /metrics scrape follows Prometheus conventions")
class PromtoolScrapeTest {
  static final Path SCRAPE_FILE = Path.of("target", "metrics-scrape.txt");

  @Test
  @DisplayName("a scrape after ingest, refusals and live traffic passes promtool check metrics")
  void promtoolCheckMetrics() throws Exception {
    String text;
    Vertx vertx = Vertx.vertx();
    try (TestServer server = TestServer.start(Map.of("LIVE_TICK_MS", "100"));
         LiveClient wall = LiveClient.ready(vertx, server.server().port(), server.viewerToken("acme"))) {
      wall.subscribe("wall", "1h");
      wall.next(10, LiveClient.type("snapshot"));
      String ingest = server.ingestToken("acme");
      server.sendFeedback(ingest, MetricsTest.item("p-1", "hotline").put("nps", 9).put("csat", 5).put("ces", 6)
          .put("rater", new JsonObject().put("empathy", 4)));
      server.sendFeedback(ingest, MetricsTest.item("p-1", "hotline").put("nps", 9));
      server.sendFeedback(ingest, MetricsTest.item("p-2", "nowhere").put("nps", 9));
      wall.next(10, LiveClient.type("update"));
      text = server.get("/metrics", null).body();
    } finally {
      vertx.close();
    }
    Files.createDirectories(SCRAPE_FILE.getParent());
    Files.writeString(SCRAPE_FILE, text);
    assertThat(Scrape.parse(text).value("cxpulse_ingest_duplicates_total")).isEqualTo(1);

    Optional<Path> promtool = onPath("promtool");
    if ("true".equals(System.getenv("CI"))) {
      assertThat(promtool).as("CI must have promtool (.ci/run installs Debian's prometheus package)").isPresent();
    }
    assumeTrue(promtool.isPresent(), "promtool is not on PATH (apt-get install prometheus); skipping the lint");
    Process p = new ProcessBuilder(promtool.get().toString(), "check", "metrics")
        .redirectInput(SCRAPE_FILE.toFile()).redirectErrorStream(true).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(output).as("promtool's findings").isEmpty();
    assertThat(p.exitValue()).isZero();
  }

  static Optional<Path> onPath(String command) throws IOException {
    String path = System.getenv("PATH");
    if (path == null) return Optional.empty();
    try (Stream<String> dirs = Stream.of(path.split(File.pathSeparator))) {
      return dirs.map(d -> Path.of(d, command)).filter(Files::isExecutable).findFirst();
    }
  }
}
