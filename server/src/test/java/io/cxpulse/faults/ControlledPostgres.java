package io.cxpulse.faults;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** A real PostgreSQL of the test's own, which the test stops, starts, pauses and disconnects. */
final class ControlledPostgres implements AutoCloseable {
  private final Path dataDir;
  private final Path binDir;
  private final int port;
  private EmbeddedPostgres pg;

  ControlledPostgres() throws IOException {
    Path dir = Files.createTempDirectory("cxpulse-fault-pg");
    this.dataDir = dir.resolve("data");
    this.binDir = dir.resolve("bin");
    try (ServerSocket s = new ServerSocket(0)) {
      this.port = s.getLocalPort();
    }
    start();
  }

  void start() throws IOException {
    pg = EmbeddedPostgres.builder().setDataDirectory(dataDir).setCleanDataDirectory(false).setPort(port)
        .setOverrideWorkingDirectory(binDir.toFile()).setServerConfig("fsync", "on").start();
  }

  /** Fast shutdown: open connections are dropped, the port refuses connections until start(). */
  void stop() throws IOException {
    pg.close();
  }

  String url() {
    return "postgresql://postgres:postgres@localhost:" + port + "/postgres";
  }

  Connection jdbc() throws SQLException {
    return DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/postgres", "postgres", "postgres");
  }

  /** SIGSTOP / SIGCONT on the postmaster and every backend: connections stay open and hang. */
  void pause() throws IOException, InterruptedException {
    signal("-STOP");
  }

  void resume() throws IOException, InterruptedException {
    signal("-CONT");
  }

  private void signal(String sig) throws IOException, InterruptedException {
    long postmaster = Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).trim());
    List<String> cmd = new ArrayList<>(List.of("kill", sig, Long.toString(postmaster)));
    try (Stream<ProcessHandle> children = ProcessHandle.of(postmaster).orElseThrow().descendants()) {
      children.forEach(p -> cmd.add(Long.toString(p.pid())));
    }
    int rc = new ProcessBuilder(cmd).inheritIO().start().waitFor();
    if (rc != 0) throw new IOException("kill " + sig + " failed");
  }

  /** Kills every other backend, as an administrator or a failover would. */
  int terminateBackends() throws SQLException {
    try (Connection c = jdbc(); Statement s = c.createStatement();
         var rs = s.executeQuery("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
             + "WHERE pid <> pg_backend_pid() AND backend_type = 'client backend'")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  @Override
  public void close() throws IOException {
    try {
      resume();
    } catch (Exception ignored) {
      // not paused, or already gone
    }
    pg.close();
  }
}
