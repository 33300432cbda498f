package io.cxpulse.ingest;

import io.cxpulse.auth.Principal;
import io.cxpulse.catalog.TenantCatalog;
import io.cxpulse.http.ApiError;
import io.cxpulse.http.ApiGuards;
import io.cxpulse.http.Requests;
import io.cxpulse.http.ServerContext;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /api/v1/feedback} (role ingest, within the token's touchpoints): the ingest rate
 * limits, the media type before the body is read, the body limit, validation of the whole batch
 * on the HTTP verticle's event loop, then the validated responses go to the writer
 * ({@value FeedbackWriterVerticle#WRITE}) and the reply waits for its COMMIT. With
 * {@code BENCH_ENDPOINTS}, also {@code POST /api/v1/noop}: the same HTTP, token check and body
 * read, and nothing else, as the ceiling that bench/ measures ingest against.
 */
public final class IngestRoutes {
  private final ServerContext ctx;

  private IngestRoutes(ServerContext ctx) {
    this.ctx = ctx;
  }

  public static void mount(Router router, ServerContext ctx) {
    IngestRoutes routes = new IngestRoutes(ctx);
    router.post("/api/v1/feedback").handler(rc -> ApiGuards.ingestLimit(rc, ctx.security()));
    // The media type is checked before the body is read (a route of its own: Vert.x wants the
    // body handler first on a route), so a form or multipart body is never decoded.
    router.post("/api/v1/feedback").handler(Requests::requireBatchMediaType);
    router.post("/api/v1/feedback")
        .handler(BodyHandler.create(false).setBodyLimit(ctx.config().bodyLimitBytes()))
        .handler(routes::ingest);
    if (ctx.config().benchEndpoints()) {
      router.post("/api/v1/noop")
          .handler(BodyHandler.create(false).setBodyLimit(ctx.config().bodyLimitBytes()))
          .handler(rc -> Requests.json(rc, 200, "{\"accepted\":0,\"duplicates\":0}"));
    }
  }

  private void ingest(RoutingContext rc) {
    Principal principal = Requests.principal(rc);
    if (!principal.canIngest()) {
      rc.fail(new ApiError(403, "forbidden", "this token may not send feedback (role ingest required)"));
      return;
    }
    TenantCatalog tenant = Requests.tenant(ctx, principal);
    FeedbackParser.Parsed parsed = FeedbackParser.parse(
        rc.body().buffer() == null ? Buffer.buffer() : rc.body().buffer(),
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
    rc.vertx().eventBus().<WriteResult>request(FeedbackWriterVerticle.WRITE,
            new WriteRequest(tenant.id(), tenant.zone(), items, principal.knownSegmentsOnly()), new DeliveryOptions().setSendTimeout(30_000))
        .onSuccess(reply -> Requests.json(rc, 200, new JsonObject()
            .put("accepted", reply.body().accepted())
            .put("duplicates", reply.body().duplicates()).encode()))
        .onFailure(rc::fail);
  }
}
