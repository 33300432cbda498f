package io.cxpulse.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real PostgreSQL (the embedded one) for the whole test JVM; each test gets a fresh database
 * in it, so tests are isolated without paying for a server start each.
 */
public final class TestDatabase {
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static EmbeddedPostgres postgres;

  private TestDatabase() {}

  public static synchronized EmbeddedPostgres postgres() {
    if (postgres == null) {
      try {
        Path dir = Files.createTempDirectory("cxpulse-test-pg");
        postgres = EmbeddedPostgres.builder()
            .setDataDirectory(dir.resolve("data"))
            .setOverrideWorkingDirectory(dir.resolve("bin").toFile())
            .setServerConfig("max_connections", "300")
            .start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          try {
            postgres.close();
          } catch (IOException ignored) {
            // the JVM is exiting
          }
        }));
      } catch (IOException e) {
        throw new IllegalStateException("cannot start the test PostgreSQL", e);
      }
    }
    return postgres;
  }

  /** Creates an empty database and returns its postgresql:// URL. */
  public static String newDatabase() {
    String name = "t" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
    try (Connection c = postgres().getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return "postgresql://postgres:postgres@localhost:" + postgres().getPort() + "/" + name;
  }

  public static Connection connect(String url) throws SQLException {
    String db = url.substring(url.lastIndexOf('/') + 1);
    return postgres().getDatabase("postgres", db).getConnection();
  }
}
