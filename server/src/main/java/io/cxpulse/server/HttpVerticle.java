package io.cxpulse.server;

import io.cxpulse.analysis.AnalysisRoutes;
import io.cxpulse.auth.CachingVerifier;
import io.cxpulse.cases.CaseRoutes;
import io.cxpulse.catalog.admin.CatalogRoutes;
import io.cxpulse.catalog.admin.SegmentRoutes;
import io.cxpulse.devices.DeviceRoutes;
import io.cxpulse.http.ApiError;
import io.cxpulse.http.ApiGuards;
import io.cxpulse.http.Authenticate;
import io.cxpulse.http.Requests;
import io.cxpulse.http.ServerContext;
import io.cxpulse.ingest.IngestRoutes;
import io.cxpulse.live.LiveEndpoint;
import io.cxpulse.live.LiveSettings;
import io.cxpulse.metrics.HttpObservability;
import io.cxpulse.value.ValueRoutes;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP server instance (deployed once per core; Vert.x shares the port between them): puts
 * together the routes of every feature behind the /api guards (UTF-8 query, CORS, token), the
 * live WebSocket, health, the API contract and the pages, with one failure handler. Owns no
 * shared state; the WebSockets it accepts live on its event loop.
 */
public final class HttpVerticle extends VerticleBase {
  private final ServerContext ctx;
  private HttpServer server;
  private LiveEndpoint live;
  private ConnectionGuard guard;

  public HttpVerticle(ServerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Future<?> start() {
    // Our own JWTAuth (its signature check locks per instance) and our own cache of verified tokens.
    CachingVerifier verifier = new CachingVerifier(ctx.security().newVerifier(vertx), ctx.security().revocations(),
        10_000, 60, () -> ctx.clock().instant().getEpochSecond());
    Router router = Router.router(vertx);
    HttpObservability.install(vertx, router, ctx.metrics(), ctx.config().logRequests(), ctx.config().security().limits());
    Health.mount(router, ctx);
    Buffer contract = contract();
    router.get("/api/v1/openapi.yaml").handler(rc -> {
      if (contract == null) {
        rc.fail(new ApiError(404, "not_found", "this build carries no API contract"));
        return;
      }
      rc.response().putHeader("Content-Type", "application/yaml; charset=utf-8").end(contract);
    });

    // Browsers cannot set headers on a WebSocket: the live endpoint authenticates with its first message.
    live = new LiveEndpoint(vertx, verifier, ctx.catalog(), ctx.config().allowedOrigins(),
        LiveSettings.of(ctx.config(), ctx.liveStats()), ctx.security());
    router.get("/api/v1/live").handler(rc -> live.handle(rc.request()));
    router.route("/api/*").handler(Requests::rawUtf8Query);
    router.route("/api/*").handler(ApiGuards.cors(ctx.config().allowedOrigins()));
    router.route("/api/*").handler(new Authenticate(ctx, verifier));
    router.route("/api/*").handler(Requests::cleanQuery);
    router.get("/api/*").handler(ctx.readBudget()::handle);
    IngestRoutes.mount(router, ctx);
    CatalogRoutes.mount(router, ctx, vertx);
    SegmentRoutes.mount(router, ctx);
    AnalysisRoutes.mount(router, ctx);
    CaseRoutes.mount(router, ctx, vertx);
    ValueRoutes.mount(router, ctx, vertx);
    DeviceRoutes.mount(router, ctx);
    router.route("/api/*").handler(rc -> rc.fail(new ApiError(404, "not_found", "no such endpoint: " + rc.request().path())));
    Pages.mount(router);
    Failures failures = new Failures(ctx.config().bodyLimitBytes());
    router.route().failureHandler(failures::handle);
    // Requests no route takes (after path normalisation, e.g. "/api/../x") also answer in JSON.
    for (int status : new int[] {400, 404, 405, 413, 415, 500}) router.errorHandler(status, failures::handle);

    server = vertx.createHttpServer(new HttpServerOptions()
        .setPort(ctx.config().httpPort())
        .setCompressionSupported(true)
        .setMaxFormAttributeSize(8192)
        // HTTP/1.1 (and WebSocket) only: cleartext HTTP/2 upgrades bring their own attack surface
        // (stream resets, GOAWAY on a bad request) for no gain behind a TLS-terminating proxy.
        .setHttp2ClearTextEnabled(false)
        // Clients only send small control messages; deflate costs memory per connection for
        // payloads that change every tick, so it stays off.
        .setMaxWebSocketFrameSize(16 * 1024)
        .setMaxWebSocketMessageSize(64 * 1024)
        .setPerMessageWebSocketCompressionSupported(false)
        .setPerFrameWebSocketCompressionSupported(false)
        // A fixed kernel send buffer bounds what a client that stopped reading can hold up
        // (autotuning would let it grow to megabytes before the write queue ever fills).
        .setSendBufferSize(64 * 1024)
        // No byte either way for this long: closed (WebSockets hear a ping every LIVE_PING_INTERVAL_MS).
        .setIdleTimeout(ctx.config().security().limits().httpIdleTimeoutSeconds()));
    guard = new ConnectionGuard(vertx, ctx.connections(), ctx.config().security().limits());
    guard.start();
    return server.connectionHandler(guard::connected)
        .requestHandler(request -> {
          if (guard.admit(request)) router.handle(request);
        })
        .invalidRequestHandler(request -> {
          if (guard.admit(request)) Failures.undecodable(request);
        })
        .listen();
  }

  /** Stops accepting, lets requests in flight finish (their batches commit), closes sockets with 1001. */
  @Override
  public Future<?> stop() {
    if (live != null) live.shutdown();
    if (guard != null) guard.stop();
    return server == null ? Future.succeededFuture() : server.shutdown(15, TimeUnit.SECONDS);
  }

  /** docs/openapi.yaml as packaged in the jar, or null in a build without it. */
  private static Buffer contract() {
    try (InputStream in = HttpVerticle.class.getResourceAsStream("/openapi.yaml")) {
      return in == null ? null : Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
