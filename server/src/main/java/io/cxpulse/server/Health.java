package io.cxpulse.server;

import io.cxpulse.http.Requests;
import io.cxpulse.http.ServerContext;
import io.cxpulse.metrics.Readiness;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /health/live} (the process answers) and {@code GET /health/ready}: ready to take
 * traffic when not shutting down, counters loaded, other nodes' increments heard, and the
 * database answering within 2 s. No token: load balancers and orchestrators call them.
 */
final class Health {
  private Health() {}

  static void mount(Router router, ServerContext ctx) {
    router.get("/health/live").handler(rc -> Requests.json(rc, 200, new JsonObject().put("status", "up").encode()));
    router.get("/health/ready").handler(rc -> ready(rc, ctx));
  }

  private static void ready(RoutingContext rc, ServerContext ctx) {
    Readiness r = ctx.readiness();
    if (r.shuttingDown() || !r.countersLoaded() || !r.listening()) {
      Requests.json(rc, 503, new JsonObject().put("status", "not ready")
          .put("countersLoaded", r.countersLoaded())
          .put("listening", r.listening())
          .put("shuttingDown", r.shuttingDown()).encode());
      return;
    }
    // A connection of its own: one tenant's heavy reads on the read pool are not the server's health.
    ctx.healthPool().query("SELECT 1").execute()
        .timeout(2, TimeUnit.SECONDS)
        .onSuccess(rs -> Requests.json(rc, 200, new JsonObject().put("status", "ready").encode()))
        .onFailure(err -> Requests.json(rc, 503, new JsonObject().put("status", "not ready")
            .put("database", "unreachable").encode()));
  }
}
