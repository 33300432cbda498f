package io.cxpulse;

import io.cxpulse.auth.ConnectionCaps;
import io.cxpulse.auth.KeyRing;
import io.cxpulse.auth.RateLimits;
import io.cxpulse.auth.RevocationVerticle;
import io.cxpulse.auth.Revocations;
import io.cxpulse.auth.Security;
import io.cxpulse.auth.TokenPolicy;
import io.cxpulse.auth.Tokens;
import io.cxpulse.cases.CaseWatchVerticle;
import io.cxpulse.catalog.CatalogFile;
import io.cxpulse.catalog.CatalogRef;
import io.cxpulse.catalog.TenantCatalog;
import io.cxpulse.config.Config;
import io.cxpulse.demo.DemoGenerator;
import io.cxpulse.demo.DemoTrafficVerticle;
import io.cxpulse.http.Connections;
import io.cxpulse.http.ReadBudget;
import io.cxpulse.http.ServerContext;
import io.cxpulse.ingest.FeedbackWriterVerticle;
import io.cxpulse.ingest.WriteRequest;
import io.cxpulse.ingest.WriteResult;
import io.cxpulse.live.AlertBatch;
import io.cxpulse.live.CaseCounts;
import io.cxpulse.live.CounterDeltaBatch;
import io.cxpulse.live.CounterQuery;
import io.cxpulse.live.LiveHub;
import io.cxpulse.live.LiveStatus;
import io.cxpulse.live.TickFrames;
import io.cxpulse.live.ViewFrame;
import io.cxpulse.live.ViewKey;
import io.cxpulse.metrics.LiveStats;
import io.cxpulse.metrics.Metrics;
import io.cxpulse.metrics.Readiness;
import io.cxpulse.metrics.StructuredLogs;
import io.cxpulse.server.HttpVerticle;
import io.cxpulse.server.MetricsVerticle;
import io.cxpulse.store.CatalogStore;
import io.cxpulse.store.CounterStore;
import io.cxpulse.store.Database;
import io.cxpulse.store.DeviceTokenStore;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running cxpulse: the database, the Vert.x instance and the deployed verticles. Starting is
 * blocking (embedded PostgreSQL, migrations), so call it from a plain thread: main() or a test.
 */
public final class Server implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Server.class);

  private final Config config;
  private final Database database;
  private final Vertx vertx;
  private final Tokens tokens;
  private final Readiness readiness;
  private final LiveStats liveStats;
  /** Newest first: demo traffic, HTTP (stop accepting), writer (drain), counters. */
  private final List<String> deployments;
  private boolean closed;

  private Server(Config config, Database database, Vertx vertx, Tokens tokens, Readiness readiness, LiveStats liveStats,
      List<String> deployments) {
    this.config = config;
    this.database = database;
    this.vertx = vertx;
    this.tokens = tokens;
    this.readiness = readiness;
    this.liveStats = liveStats;
    this.deployments = deployments;
  }

  public static Server start(Config config, boolean demo) {
    return start(config, demo, Clock.systemUTC());
  }

  public static Server start(Config config, boolean demo, Clock clock) {
    StructuredLogs.apply(config.logFormat());
    // Keys first: a server without a usable verification key must not start.
    KeyRing keyRing = KeyRing.fromConfig(config.security(), config.dataDir());
    if (keyRing.development()) {
      LOG.warn("no JWT_PUBLIC_KEYS, JWT_PRIVATE_KEY or JWKS_URL configured: using the development key in {}; "
          + "anyone with that file can sign tokens, configure your own keys for production", config.dataDir().resolve("keys"));
    }
    Database database = Database.open(config.database(), config.dataDir(), false);
    Metrics metrics = new Metrics(config);
    Vertx vertx = metrics.newVertx(new VertxOptions());
    try {
      for (Class<?> type : List.of(WriteRequest.class, WriteResult.class, CounterQuery.class, CounterDeltaBatch.class,
          ViewKey.class, ViewFrame.class, TickFrames.class, AlertBatch.class, LiveStatus.class, CaseCounts.class)) {
        LocalCodec.register(vertx, type);
      }
      await(keyRing.start(vertx, config.security().jwksRefresh()));
      TokenPolicy policy = TokenPolicy.of(config.jwtIssuer(), config.jwtAudience(), config.security());
      Tokens tokens = new Tokens(vertx, keyRing, policy);
      Readiness readiness = new Readiness();
      Pool readPool = database.pool(vertx, "read", 4, 256);
      Pool writerPool = database.pool(vertx, "writer", 1, 16);
      Pool healthPool = database.pool(vertx, "health", 1, 8);

      List<TenantCatalog> seed = new ArrayList<>();
      if (demo) seed.addAll(CatalogFile.readResource(DemoGenerator.CATALOG_RESOURCE));
      if (config.catalogFile() != null) seed.addAll(CatalogFile.read(config.catalogFile()));
      CatalogStore catalogStore = new CatalogStore(readPool);
      CatalogRef catalog = await(catalogStore.upsert(seed).compose(v -> catalogStore.load()).map(CatalogRef::new));
      metrics.register(catalog, readiness);

      CounterStore counterStore = new CounterStore(readPool, config.minuteRetention(), config.quarterRetention());
      String nodeId = UUID.randomUUID().toString().substring(0, 8);
      List<String> deployments = new ArrayList<>();
      deployments.add(0, await(vertx.deployVerticle(new LiveHub(config, counterStore, catalog, readiness, clock, nodeId,
          database.connectOptions(), metrics.live()))));
      deployments.add(0, await(vertx.deployVerticle(new FeedbackWriterVerticle(config, writerPool, clock, nodeId, metrics,
          new io.cxpulse.ingest.SegmentLimits(catalog, config.segmentLimit())))));
      deployments.add(0, await(vertx.deployVerticle(new CaseWatchVerticle(readPool, catalog, clock, database.connectOptions(),
          config.caseCheckMs()))));
      deployments.add(0, await(vertx.deployVerticle(new io.cxpulse.catalog.admin.CatalogWatchVerticle(catalogStore, catalog,
          database.connectOptions()))));
      Revocations revocations = new Revocations();
      DeviceTokenStore deviceStore = new DeviceTokenStore(readPool);
      deployments.add(0, await(vertx.deployVerticle(new RevocationVerticle(revocations, deviceStore, database.connectOptions()))));
      RateLimits rateLimits = RateLimits.of(config.security());
      Security security = new Security(keyRing, policy, revocations, rateLimits, deviceStore,
          config.security().trustedProxies(), config.security().defaultDeviceTokenLifetime(),
          ConnectionCaps.of(config.security().limits()));
      LiveStats liveStats = new LiveStats();
      metrics.live().bind(liveStats, catalog.get());
      Connections connections = new Connections(config.security().limits().maxConnections());
      metrics.connections(connections::open, connections::refused, connections.max());
      ServerContext ctx = new ServerContext(config, security, tokens, catalog, readPool, readiness, clock, liveStats, metrics,
          new ReadBudget(rateLimits, config.security().limits()), healthPool, connections);
      deployments.add(0, await(vertx.deployVerticle(() -> new HttpVerticle(ctx),
          new DeploymentOptions().setInstances(config.httpInstances()))));
      if (config.security().limits().metricsHost() != null) {
        deployments.add(0, await(vertx.deployVerticle(new MetricsVerticle(metrics, config.security().limits()))));
      }
      LOG.info("cxpulse listening on http://localhost:{} ({} tenants, {} database)", config.httpPort(),
          catalog.get().tenants().size(), database.isEmbedded() ? "embedded" : "external");
      Server server = new Server(config, database, vertx, tokens, readiness, liveStats, deployments);
      if (demo && catalog.get().tenant("demo") != null) {
        deployments.add(0, await(vertx.deployVerticle(new DemoTrafficVerticle(tokens, config.httpPort(), config.demoRate(),
            catalog.get().tenant("demo").zone(), clock,
            () -> readPool.query("ANALYZE feedback, outcome, counter, segment_counter").execute()))));
      }
      return server;
    } catch (RuntimeException e) {
      vertx.close();
      database.close();
      throw e;
    }
  }

  static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw cause instanceof RuntimeException re ? re : new IllegalStateException(cause.getMessage(), cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("timed out", e);
    }
  }

  public Config config() { return config; }
  public Tokens tokens() { return tokens; }
  public Vertx vertx() { return vertx; }
  public Database database() { return database; }
  public int port() { return config.httpPort(); }
  public LiveStats liveStats() { return liveStats; }
  public Readiness readiness() { return readiness; }

  /**
   * Graceful stop, also on SIGTERM: not ready at once, then the HTTP servers stop accepting and
   * finish what is in flight, the writer commits and answers everything queued, WebSockets close
   * with 1001, and only then the counters, Vert.x and the database stop.
   */
  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    readiness.shuttingDown(true);
    for (String id : deployments) {
      try {
        await(vertx.undeploy(id));
      } catch (RuntimeException e) {
        LOG.warn("undeploying {} failed: {}", id, e.getMessage());
      }
    }
    try {
      await(vertx.close());
    } catch (RuntimeException e) {
      LOG.warn("Vert.x did not close cleanly: {}", e.getMessage());
    }
    database.close();
  }
}
