package io.cxpulse.store;

import io.cxpulse.config.Config;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where PostgreSQL is: an external server from DATABASE_URL / PG* variables, or an embedded one
 * whose data lives under DATA_DIR/pg and survives restarts. Opening runs the Flyway migrations
 * (the only JDBC use); everything else goes through vertx-pg-client pools made here.
 *
 * <p>The embedded server listens on localhost only and asks for a password (SCRAM-SHA-256) on every
 * connection, TCP and Unix socket: a random one generated at its first start and kept in
 * {@value #PASSWORD_FILE} under DATA_DIR, readable by the server's user only. (The library's
 * default, "trust", let any local user read every tenant.) A data directory made by an earlier
 * version, which trusted everyone, is switched over at its next start.
 */
public final class Database implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Database.class);
  /** The embedded superuser's password, one line, in DATA_DIR (mode 0600). */
  public static final String PASSWORD_FILE = "pg-password";

  private final PgConnectOptions connectOptions;
  private final EmbeddedPostgres embedded;
  private final FileChannel lockChannel;

  private Database(PgConnectOptions connectOptions, EmbeddedPostgres embedded, FileChannel lockChannel) {
    this.connectOptions = connectOptions;
    this.embedded = embedded;
    this.lockChannel = lockChannel;
  }

  /**
   * Blocking: starts the embedded server if needed and migrates the schema. Call before Vert.x work.
   * In embedded mode the server holds a lock on DATA_DIR for its lifetime; the OS releases it when
   * the process dies, even by kill -9, which is how an orphaned postmaster is told from a live one.
   *
   * @param attachToRunning for commands such as verify: use the embedded database of a server that
   *     is running on the same DATA_DIR instead of refusing to start
   */
  public static Database open(Config.DatabaseConfig db, Path dataDir, boolean attachToRunning) {
    Database database = db.embedded() ? embedded(dataDir, attachToRunning) : new Database(external(db), null, null);
    database.migrate();
    return database;
  }

  private static Database embedded(Path dataDir, boolean attachToRunning) {
    FileChannel lock = null;
    try {
      Files.createDirectories(dataDir);
      lock = FileChannel.open(dataDir.resolve("cxpulse.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      if (tryLock(lock)) return startEmbedded(dataDir, lock);
      lock.close();
      if (!attachToRunning) {
        throw new IllegalStateException("another cxpulse server is running with DATA_DIR " + dataDir);
      }
      List<String> pid = Files.readAllLines(dataDir.resolve("pg").resolve("postmaster.pid"));
      int port = Integer.parseInt(pid.get(3).trim());
      return new Database(new PgConnectOptions().setHost("localhost").setPort(port).setDatabase("postgres")
          .setUser("postgres").setPassword(embeddedPassword(dataDir)), null, null);
    } catch (IOException | RuntimeException e) {
      if (lock != null) {
        try {
          lock.close();
        } catch (IOException ignored) {
          // already failing
        }
      }
      if (e instanceof IllegalStateException ise) throw ise;
      throw new IllegalStateException("cannot open the embedded database in " + dataDir + ": " + e.getMessage(), e);
    }
  }

  public PgConnectOptions connectOptions() {
    return new PgConnectOptions(connectOptions);
  }

  public boolean isEmbedded() {
    return embedded != null;
  }

  /**
   * A bounded pool for the server: PoolOptions' default wait queue is unbounded, which turns
   * overload into memory growth, and a request waits at most 5 s for a connection.
   */
  public Pool pool(Vertx vertx, String name, int size, int waitQueue) {
    return pool(vertx, name, size, waitQueue, 5);
  }

  /**
   * One connection for a command-line tool ({@code verify}, {@code device}): nothing is shed, so
   * it waits up to 60 s to connect, as a database busy with a running server may need.
   */
  public Pool toolPool(Vertx vertx, String name) {
    return pool(vertx, name, 1, 4, 60);
  }

  private Pool pool(Vertx vertx, String name, int size, int waitQueue, int connectionTimeoutSeconds) {
    return PgBuilder.pool()
        .with(new PoolOptions().setName(name).setMaxSize(size).setMaxWaitQueueSize(waitQueue)
            .setConnectionTimeout(connectionTimeoutSeconds).setConnectionTimeoutUnit(TimeUnit.SECONDS))
        .connectingTo(connectOptions())
        .using(vertx)
        .build();
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://" + connectOptions.getHost() + ":" + connectOptions.getPort() + "/"
        + connectOptions.getDatabase();
  }

  private void migrate() {
    Flyway.configure()
        .dataSource(jdbcUrl(), connectOptions.getUser(), connectOptions.getPassword())
        .locations("classpath:db/migration")
        .load()
        .migrate();
  }

  private static PgConnectOptions external(Config.DatabaseConfig db) {
    PgConnectOptions options = db.url() != null ? PgConnectOptions.fromUri(db.url()) : new PgConnectOptions();
    if (db.url() == null) {
      options.setHost(db.host());
      options.setPort(db.port() == null ? 5432 : db.port());
      Optional.ofNullable(db.database()).ifPresent(options::setDatabase);
      Optional.ofNullable(db.user()).ifPresent(options::setUser);
      Optional.ofNullable(db.password()).ifPresent(options::setPassword);
    }
    return options.setCachePreparedStatements(true).setPipeliningLimit(256);
  }

  private static boolean tryLock(FileChannel channel) throws IOException {
    try {
      return channel.tryLock() != null;
    } catch (java.nio.channels.OverlappingFileLockException e) {
      return false; // held by this very JVM
    }
  }

  private static Database startEmbedded(Path dataDir, FileChannel lock) {
    Path pgData = dataDir.resolve("pg");
    try {
      Files.createDirectories(pgData);
      stopOrphan(pgData);
      boolean fresh = !Files.exists(pgData.resolve("PG_VERSION"));
      Path passwordFile = dataDir.resolve(PASSWORD_FILE);
      boolean hadPassword = Files.exists(passwordFile);
      String password = hadPassword ? embeddedPassword(dataDir) : newPassword(passwordFile);
      EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
          .setDataDirectory(pgData)
          // The library's readiness probe connects as postgres: it needs the password too.
          .setConnectConfig("password", password)
          .setServerConfig("listen_addresses", "localhost")
          .setServerConfig("password_encryption", "scram-sha-256");
      if (fresh) {
        // initdb's own options (the library passes them as --name=value): the superuser gets the
        // password at once, and every local and host connection must give it. The library's "-A
        // trust" comes first and is overridden by these.
        builder.setLocaleConfig("pwfile", passwordFile.toString())
            .setLocaleConfig("auth-local", "scram-sha-256")
            .setLocaleConfig("auth-host", "scram-sha-256");
      }
      EmbeddedPostgres pg = builder
          .setCleanDataDirectory(false)
          .setPort(freePort())
          .setOverrideWorkingDirectory(dataDir.resolve("pg-bin").toFile())
          .setServerConfig("max_connections", "100")
          .setServerConfig("synchronous_commit", "on")
          // The library starts PostgreSQL with -F (no fsync), fine for throwaway test databases;
          // ours holds the data: a 200 must survive a power cut. -c comes after -F and wins.
          .setServerConfig("fsync", "on")
          .setPGStartupWait(Duration.ofSeconds(60))
          .start();
      if (!fresh && (!hadPassword || trusts(pgData))) requirePassword(pg, pgData, password);
      LOG.info("embedded PostgreSQL running on port {} with data in {}", pg.getPort(), pgData);
      PgConnectOptions options = new PgConnectOptions()
          .setHost("localhost").setPort(pg.getPort()).setDatabase("postgres")
          .setUser("postgres").setPassword(password)
          .setCachePreparedStatements(true).setPipeliningLimit(256);
      return new Database(options, pg, lock);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the embedded PostgreSQL in " + pgData + ": " + e.getMessage(), e);
    }
  }

  /** The embedded superuser's password, from DATA_DIR. */
  public static String embeddedPassword(Path dataDir) throws IOException {
    return Files.readString(dataDir.resolve(PASSWORD_FILE), java.nio.charset.StandardCharsets.US_ASCII).trim();
  }

  private static String newPassword(Path file) throws IOException {
    byte[] random = new byte[24];
    new java.security.SecureRandom().nextBytes(random);
    String password = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    try {
      Files.createFile(tmp, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
          java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException notPosix) {
      Files.createFile(tmp);
    }
    Files.writeString(tmp, password + "\n", java.nio.charset.StandardCharsets.US_ASCII);
    Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    return password;
  }

  /** Whether pg_hba.conf still lets anyone in without a password (a data directory of an earlier version). */
  private static boolean trusts(Path pgData) throws IOException {
    return Files.readAllLines(pgData.resolve("pg_hba.conf")).stream()
        .map(String::trim).filter(l -> !l.startsWith("#") && !l.isEmpty())
        .anyMatch(l -> l.matches(".*\\s(trust)\\s*$"));
  }

  /** Gives the superuser the password and makes every connection ask for it, then reloads. */
  private static void requirePassword(EmbeddedPostgres pg, Path pgData, String password) throws IOException {
    LOG.warn("the embedded PostgreSQL in {} trusted every local user; it now asks for the password in {}", pgData,
        pgData.resolveSibling(PASSWORD_FILE));
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(
            "jdbc:postgresql://localhost:" + pg.getPort() + "/postgres", "postgres", password);
         java.sql.Statement s = c.createStatement()) {
      s.execute("SET password_encryption = 'scram-sha-256'");
      s.execute("ALTER ROLE postgres PASSWORD '" + password + "'"); // base64url: nothing to escape
      List<String> lines = Files.readAllLines(pgData.resolve("pg_hba.conf"));
      List<String> strict = lines.stream().map(l -> l.trim().startsWith("#") ? l
          : l.replaceAll("\\strust\\s*$", " scram-sha-256")).toList();
      Files.write(pgData.resolve("pg_hba.conf"), strict);
      s.execute("SELECT pg_reload_conf()");
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException("cannot set the embedded PostgreSQL's password: " + e.getMessage(), e);
    }
  }

  /**
   * A server killed with -9 leaves its embedded postmaster running on the data directory, which
   * would refuse the next start. Ask it to shut down (SIGINT is PostgreSQL's fast shutdown).
   */
  private static void stopOrphan(Path pgData) throws IOException {
    Path pidFile = pgData.resolve("postmaster.pid");
    if (!Files.exists(pidFile)) return;
    List<String> lines = Files.readAllLines(pidFile);
    if (lines.isEmpty()) return;
    long pid;
    try {
      pid = Long.parseLong(lines.get(0).trim());
    } catch (NumberFormatException e) {
      return;
    }
    Optional<ProcessHandle> handle = ProcessHandle.of(pid);
    if (handle.isEmpty() || !handle.get().isAlive()) return;
    String command = handle.get().info().command().orElse("");
    if (!command.contains("postgres")) return;
    LOG.warn("stopping orphaned embedded PostgreSQL (pid {}) left by an earlier run", pid);
    try {
      new ProcessBuilder("kill", "-INT", Long.toString(pid)).inheritIO().start().waitFor();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (handle.get().isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() {
    if (embedded != null) {
      try {
        embedded.close();
      } catch (IOException e) {
        LOG.warn("embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
      }
    }
    if (lockChannel != null) {
      try {
        lockChannel.close();
      } catch (IOException e) {
        LOG.warn("cannot release the DATA_DIR lock: {}", e.getMessage());
      }
    }
  }
}
