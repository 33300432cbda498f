package io.cxpulse.server;

import io.cxpulse.config.SecurityConfig;
import io.cxpulse.metrics.HttpObservability;
import io.cxpulse.metrics.Metrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;

/**
 * {@code GET /metrics} on a listener of its own ({@code METRICS_LISTEN}, e.g. 127.0.0.1:9464 or an
 * internal interface), when it should not share the API port with the world; with
 * {@code METRICS_TOKEN} it also wants the bearer token. Everything else there is 404. Owns that
 * listener; runs on its own event loop.
 */
public final class MetricsVerticle extends VerticleBase {
  private final Metrics metrics;
  private final SecurityConfig.Limits limits;
  private HttpServer server;

  public MetricsVerticle(Metrics metrics, SecurityConfig.Limits limits) {
    this.metrics = metrics;
    this.limits = limits;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    HttpObservability.mountMetrics(vertx, router, metrics, limits.metricsToken(), false);
    router.route().handler(rc -> rc.response().setStatusCode(404).putHeader("Content-Type", "application/json; charset=utf-8")
        .end("{\"error\":\"not_found\",\"message\":\"only /metrics here\"}"));
    server = vertx.createHttpServer(new HttpServerOptions().setHost(limits.metricsHost()).setPort(limits.metricsPort())
        .setIdleTimeout(limits.httpIdleTimeoutSeconds()));
    return server.requestHandler(router).listen();
  }

  /** The port it listens on (the configured one, or the one chosen for port 0). */
  public int port() {
    return server == null ? -1 : server.actualPort();
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
