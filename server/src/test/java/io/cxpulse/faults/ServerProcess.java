package io.cxpulse.faults;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The real server as its own process (java io.cxpulse.Main serve), to kill with -9 or SIGTERM. */
final class ServerProcess implements AutoCloseable {
  private final Process process;
  final int port;
  final Path log;

  ServerProcess(Map<String, String> env, int port) throws IOException {
    this.port = port;
    this.log = Files.createTempFile("cxpulse-server", ".log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(List.of(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
        "io.cxpulse.Main", "serve"));
    pb.environment().keySet().removeIf(k -> k.startsWith("PG") || k.equals("DATABASE_URL"));
    pb.environment().putAll(env);
    pb.environment().put("HTTP_PORT", Integer.toString(port));
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    process = pb.start();
  }

  /** Waits until /health/ready answers 200. */
  ServerProcess awaitReady(Duration timeout) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      if (!process.isAlive()) throw new IllegalStateException("server exited: " + Files.readString(log));
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/health/ready"))
            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) return this;
      } catch (IOException ignored) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("server not ready in " + timeout + ": " + Files.readString(log));
  }

  void kill9() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /** SIGTERM; returns the exit code. */
  int terminate(Duration timeout) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("server did not exit within " + timeout + " after SIGTERM");
    }
    return process.exitValue();
  }

  long pid() {
    return process.pid();
  }

  String output() throws IOException {
    return Files.readString(log);
  }

  @Override
  public void close() {
    if (process.isAlive()) process.destroyForcibly();
  }
}
