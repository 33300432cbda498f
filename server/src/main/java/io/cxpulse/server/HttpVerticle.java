package io.cxpulse.server;

import io.cxpulse.auth.CachingVerifier;
import io.cxpulse.auth.ClientAddress;
import io.cxpulse.auth.Principal;
import io.cxpulse.auth.RateLimits;
import io.cxpulse.catalog.TenantCatalog;
import io.cxpulse.devices.DeviceRoutes;
import io.cxpulse.http.ApiError;
import io.cxpulse.http.ApiGuards;
import io.cxpulse.http.Requests;
import io.cxpulse.http.ServerContext;
import io.cxpulse.ingest.FeedbackParser;
import io.cxpulse.ingest.FeedbackWriterVerticle;
import io.cxpulse.ingest.WriteRequest;
import io.cxpulse.ingest.WriteResult;
import io.cxpulse.live.LiveEndpoint;
import io.cxpulse.live.LiveSettings;
import io.cxpulse.metrics.HttpObservability;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP server instance (deployed once per core; Vert.x shares the port between them). Parses
 * and validates requests, authenticates tokens, and forwards work to the writer and the counters
 * over the local event bus. Owns no shared state; runs on its own event loop.
 */
public final class HttpVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(HttpVerticle.class);
  private static final String PRINCIPAL = Requests.PRINCIPAL;

  private final ServerContext ctx;
  private HttpServer server;
  private LiveEndpoint live;
  private CachingVerifier verifier;

  public HttpVerticle(ServerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Future<?> start() {
    // Our own JWTAuth (its signature check locks per instance) and our own cache of verified tokens.
    verifier = new CachingVerifier(ctx.security().newVerifier(vertx), ctx.security().revocations(),
        10_000, 60, () -> ctx.clock().instant().getEpochSecond());
    Router router = Router.router(vertx);
    HttpObservability.install(vertx, router, ctx.metrics(), ctx.config().logRequests());
    router.get("/health/live").handler(rc -> json(rc, 200, new JsonObject().put("status", "up").encode()));
    router.get("/health/ready").handler(this::ready);

    // Browsers cannot set headers on a WebSocket: the live endpoint authenticates with its first message.
    live = new LiveEndpoint(vertx, verifier, ctx.catalog(), ctx.config().allowedOrigins(),
        LiveSettings.of(ctx.config(), ctx.liveStats()), ctx.security());
    router.get("/api/v1/live").handler(rc -> live.handle(rc.request()));
    router.route("/api/*").handler(Requests::rawUtf8Query);
    router.route("/api/*").handler(ApiGuards.cors(ctx.config().allowedOrigins()));
    router.route("/api/*").handler(this::authenticate);
    for (String path : List.of("/api/v1/feedback", "/api/v1/outcomes")) {
      router.post(path).handler(rc -> ApiGuards.ingestLimit(rc, ctx.security()));
    }
    // The media type is checked before the body is read (a route of its own: Vert.x wants the
    // body handler first on a route), so a form or multipart body is never decoded.
    router.post("/api/v1/feedback").handler(Requests::requireBatchMediaType);
    router.post("/api/v1/feedback")
        .handler(BodyHandler.create(false).setBodyLimit(ctx.config().bodyLimitBytes()))
        .handler(this::ingest);
    if (ctx.config().benchEndpoints()) {
      // The ceiling for bench/: the same HTTP, token check and body read as ingest, and nothing else.
      router.post("/api/v1/noop")
          .handler(BodyHandler.create(false).setBodyLimit(ctx.config().bodyLimitBytes()))
          .handler(rc -> json(rc, 200, "{\"accepted\":0,\"duplicates\":0}"));
    }
    io.cxpulse.catalog.admin.CatalogRoutes.mount(router, ctx, vertx);
    io.cxpulse.analysis.AnalysisRoutes.mount(router, ctx, vertx);
    io.cxpulse.cases.CaseRoutes.mount(router, ctx, vertx);
    io.cxpulse.value.ValueRoutes.mount(router, ctx, vertx);
    DeviceRoutes.mount(router, ctx);
    router.route("/api/*").handler(rc -> rc.fail(new ApiError(404, "not_found", "no such endpoint: " + rc.request().path())));
    pages(router);
    router.route().failureHandler(this::failure);
    // Requests no route takes (after path normalisation, e.g. "/api/../x") also answer in JSON.
    for (int status : new int[] {400, 404, 405, 413, 415, 500}) router.errorHandler(status, this::failure);

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
        .setSendBufferSize(64 * 1024));
    return server.requestHandler(router).invalidRequestHandler(HttpVerticle::undecodable).listen();
  }

  /**
   * A request Netty could not decode (request line or headers over their limits, a broken request
   * line) never reaches the router; it still gets the JSON error of API.md (Vert.x's default
   * answers with an empty body), and the connection is closed since its state is unknown.
   */
  private static void undecodable(io.vertx.core.http.HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    ApiError error;
    if (cause instanceof io.netty.handler.codec.http.TooLongHttpLineException) {
      error = new ApiError(414, "uri_too_long", "the request line is too long; send at most 4096 bytes");
    } else if (cause instanceof io.netty.handler.codec.http.TooLongHttpHeaderException) {
      error = new ApiError(431, "headers_too_large", "the request headers are too large; send at most 8192 bytes");
    } else {
      error = new ApiError(400, "invalid", "the request cannot be decoded");
    }
    request.response().setStatusCode(error.status())
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .putHeader("Connection", "close")
        .end(error.toJson().encode())
        .onComplete(done -> request.connection().close());
  }

  /** Stops accepting, lets requests in flight finish (their batches commit), closes sockets with 1001. */
  @Override
  public Future<?> stop() {
    if (live != null) live.shutdown();
    return server == null ? Future.succeededFuture() : server.shutdown(15, java.util.concurrent.TimeUnit.SECONDS);
  }

  /**
   * The pages in web/ (packaged under web/ in the jar): "/" is the manager console, "/wall" the
   * wall screen, the rest ES modules and styles; library files from WebJars under /webjars/.
   * Pages get a Content-Security-Policy with no inline script and no framing.
   */
  private void pages(Router router) {
    router.route().handler(rc -> {
      String path = rc.request().path();
      if (!path.startsWith("/api/") && !path.startsWith("/health/") && !path.equals("/metrics")) {
        rc.response()
            .putHeader("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                + "img-src 'self' data:; connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
            .putHeader("X-Content-Type-Options", "nosniff")
            .putHeader("Referrer-Policy", "no-referrer")
            .putHeader("X-Frame-Options", "DENY");
      }
      rc.next();
    });
    router.route("/").method(io.vertx.core.http.HttpMethod.GET).method(io.vertx.core.http.HttpMethod.HEAD)
        .handler(rc -> rc.reroute("/index.html"));
    router.route("/wall").method(io.vertx.core.http.HttpMethod.GET).method(io.vertx.core.http.HttpMethod.HEAD)
        .handler(rc -> rc.reroute("/wall.html"));
    router.route("/webjars/*").handler(io.vertx.ext.web.handler.StaticHandler.create("META-INF/resources/webjars")
        .setMaxAgeSeconds(86_400));
    // Libraries from mvnpm (org.mvnpm:*, e.g. ECharts) sit under META-INF/resources/_static/<name>/<version>/.
    router.route("/_static/*").handler(io.vertx.ext.web.handler.StaticHandler.create("META-INF/resources/_static")
        .setMaxAgeSeconds(86_400));
    router.route("/*").handler(io.vertx.ext.web.handler.StaticHandler.create("web").setMaxAgeSeconds(60)
        .setIndexPage("index.html"));
  }

  private void ready(RoutingContext rc) {
    if (ctx.readiness().shuttingDown() || !ctx.readiness().countersLoaded() || !ctx.readiness().listening()) {
      json(rc, 503, new JsonObject().put("status", "not ready")
          .put("countersLoaded", ctx.readiness().countersLoaded())
          .put("listening", ctx.readiness().listening())
          .put("shuttingDown", ctx.readiness().shuttingDown()).encode());
      return;
    }
    ctx.readPool().query("SELECT 1").execute()
        .timeout(2, java.util.concurrent.TimeUnit.SECONDS)
        .onSuccess(rs -> json(rc, 200, new JsonObject().put("status", "ready").encode()))
        .onFailure(err -> json(rc, 503, new JsonObject().put("status", "not ready")
            .put("database", "unreachable").encode()));
  }

  private void authenticate(RoutingContext rc) {
    String client = ClientAddress.of(rc.request(), ctx.security().trustedProxies());
    RateLimits.Decision allowed = ctx.security().rateLimits().mayAuthenticate(client);
    if (!allowed.allowed()) {
      rc.fail(ApiGuards.tooManyRequests("too many failed authentications from this address", allowed.retryAfterSeconds()));
      return;
    }
    String header = rc.request().getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      ctx.security().rateLimits().failed(client);
      rc.fail(new ApiError(401, "unauthorized", "send Authorization: Bearer <token>"));
      return;
    }
    verifier.verify(header.substring(7).trim()).onComplete(
        principal -> {
          if (ctx.catalog().get().tenant(principal.tenant()) == null) {
            rc.fail(new ApiError(403, "forbidden", "the token's tenant is not configured on this server"));
            return;
          }
          rc.put(PRINCIPAL, principal);
          rc.next();
        },
        err -> {
          if (!(err instanceof SecurityException)) {
            rc.fail(ApiError.unavailable("cannot check the token right now; retry later", 1));
            return;
          }
          ctx.security().rateLimits().failed(client);
          rc.fail(new ApiError(401, "unauthorized", "the token is missing, malformed, expired, revoked or not ours"));
        });
  }

  private void ingest(RoutingContext rc) {
    Principal principal = rc.get(PRINCIPAL);
    if (!principal.canIngest()) {
      rc.fail(new ApiError(403, "forbidden", "this token may not send feedback (role ingest required)"));
      return;
    }
    TenantCatalog tenant = ctx.catalog().get().tenant(principal.tenant());
    FeedbackParser.Parsed parsed = FeedbackParser.parse(
        rc.body().buffer() == null ? io.vertx.core.buffer.Buffer.buffer() : rc.body().buffer(),
        Requests.ndjson(rc), tenant, ctx.clock().instant());
    var items = parsed.items();
    List<ApiError.Detail> outOfScope = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      if (!principal.mayAccess(items.get(i).touchpoint())) {
        outOfScope.add(new ApiError.Detail(parsed.path(i) + "/touchpoint",
            "this token may not send feedback for '" + items.get(i).touchpoint() + "'"));
      }
    }
    if (!outOfScope.isEmpty()) {
      rc.fail(new ApiError(403, "forbidden", "touchpoints outside the token's scope; nothing was stored", outOfScope, null));
      return;
    }
    vertx.eventBus().<WriteResult>request(FeedbackWriterVerticle.WRITE,
            new WriteRequest(tenant.id(), tenant.zone(), items), new DeliveryOptions().setSendTimeout(30_000))
        .onSuccess(reply -> json(rc, 200, new JsonObject()
            .put("accepted", reply.body().accepted())
            .put("duplicates", reply.body().duplicates()).encode()))
        .onFailure(rc::fail);
  }

  private void failure(RoutingContext rc) {
    Throwable err = rc.failure();
    ApiError api;
    if (err instanceof ApiError a) {
      api = a;
    } else if (err instanceof io.netty.handler.codec.DecoderException
        || err instanceof io.netty.handler.codec.http.multipart.HttpPostRequestDecoder.ErrorDataDecoderException
        || err instanceof io.netty.handler.codec.http.multipart.HttpPostRequestDecoder.TooLongFormFieldException) {
      api = new ApiError(400, "invalid", "the request body cannot be decoded");
    } else if (err instanceof ReplyException re && re.failureCode() == FeedbackWriterVerticle.UNAVAILABLE) {
      api = ApiError.unavailable("cannot store feedback right now (" + re.getMessage() + "); retry with the same eventId", 1);
    } else if (err instanceof ReplyException re && re.failureCode() == io.cxpulse.ingest.SegmentLimits.REJECTED) {
      api = io.cxpulse.ingest.SegmentLimits.fromReply(re.getMessage());
    } else if (err instanceof ReplyException re && re.failureCode() == 404) {
      api = new ApiError(404, "not_found", re.getMessage());
    } else if (err instanceof ReplyException re) {
      LOG.warn("internal request failed: {}", re.getMessage());
      api = ApiError.unavailable("the server is busy; retry later", 1);
    } else if (err == null || err instanceof io.vertx.ext.web.handler.HttpException) {
      int status = err == null ? rc.statusCode() : ((io.vertx.ext.web.handler.HttpException) err).getStatusCode();
      api = switch (status) {
        case 413 -> new ApiError(413, "payload_too_large", "the body exceeds " + ctx.config().bodyLimitBytes() + " bytes");
        case 404 -> new ApiError(404, "not_found", "no such resource");
        case 405 -> new ApiError(405, "method_not_allowed", "method not allowed");
        // Vert.x Web's own words, e.g. "Error while decoding query params" for "?q=%zz" (never user input).
        case 400 -> err instanceof io.vertx.ext.web.handler.HttpException he && he.getPayload() != null
            && he.getPayload().contains("query")
            ? new ApiError(400, "invalid", "the query string cannot be decoded: send UTF-8, percent-encoded (%XX)")
            : new ApiError(400, "invalid", "bad request");
        default -> new ApiError(status >= 400 ? status : 500, "error", "request failed");
      };
    } else {
      LOG.error("unexpected error on {} {}", rc.request().method(), rc.request().path(), err);
      api = new ApiError(500, "internal", "internal error");
    }
    if (rc.response().ended()) return;
    if (api.retryAfterSeconds() != null) rc.response().putHeader("Retry-After", String.valueOf(api.retryAfterSeconds()));
    json(rc, api.status(), api.toJson().encode());
  }

  private static void json(RoutingContext rc, int status, String body) {
    Requests.json(rc, status, body);
  }
}
