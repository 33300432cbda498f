package io.cxpulse.metrics;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The HTTP side of observability, installed first on each HTTP verticle's router:
 * <ul>
 *   <li>a request id for every request: the caller's {@code X-Request-Id} when it is a short
 *       token, a new random one otherwise; echoed in the response and put in the logging MDC
 *       (key {@value #REQUEST_ID}) while the request's handlers and its failure handler run;</li>
 *   <li>with {@code LOG_REQUESTS=true}, one access-log line per request (logger {@code io.cxpulse.access});</li>
 *   <li>the outcome of every ingest request, for {@code cxpulse_ingest_requests_total};</li>
 *   <li>{@code GET /metrics}: the registry in the Prometheus text format. It lists every tenant's
 *       live NPS, so by default it answers only clients on the loopback interface that did not
 *       come through a proxy (no forwarding header); with {@code METRICS_TOKEN} it answers whoever
 *       sends that bearer token; with {@code METRICS_LISTEN} it is not on the API port at all but
 *       on a listener of its own ({@link #mountMetrics}).</li>
 * </ul>
 */
public final class HttpObservability {
  public static final String REQUEST_ID = "requestId";
  public static final String HEADER = "X-Request-Id";
  private static final Pattern VALID_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
  private static final Logger ACCESS = LoggerFactory.getLogger("io.cxpulse.access");
  private static final String INGEST_PATH = "/api/v1/feedback";

  private HttpObservability() {}

  public static void install(Vertx vertx, Router router, Metrics metrics, boolean logRequests,
      io.cxpulse.config.SecurityConfig.Limits limits) {
    // Routes without a path, so that they do not show in the HTTP metrics' route label.
    router.route().handler(rc -> {
      if (HttpMethod.POST.equals(rc.request().method()) && INGEST_PATH.equals(rc.request().path())) {
        rc.addEndHandler(ar -> metrics.ingest().request(status(rc)));
      }
      requestId(rc, logRequests);
    });
    router.route().failureHandler(HttpObservability::withRequestId);
    if (limits.metricsHost() == null) mountMetrics(vertx, router, metrics, limits.metricsToken(), true);
  }

  /**
   * {@code GET /metrics} on {@code router}: with {@code token}, for that bearer token only; else,
   * when {@code loopbackOnly}, for loopback clients not behind a proxy; else for anyone who can
   * reach the listener (its own address and port, {@code METRICS_LISTEN}). Others get 403.
   */
  public static void mountMetrics(Vertx vertx, Router router, Metrics metrics, String token, boolean loopbackOnly) {
    router.get("/metrics").handler(rc -> {
      if (!allowed(rc, token, loopbackOnly)) {
        rc.response().setStatusCode(403).putHeader("Content-Type", "application/json; charset=utf-8")
            .end("{\"error\":\"forbidden\",\"message\":\"metrics are served to loopback clients, with METRICS_TOKEN, "
                + "or on METRICS_LISTEN\"}");
        return;
      }
      vertx.executeBlocking(metrics::scrape, false).onComplete(
          text -> rc.response().putHeader("Content-Type", Metrics.CONTENT_TYPE).putHeader("Cache-Control", "no-store")
              .end(text),
          rc::fail);
    });
  }

  private static boolean allowed(RoutingContext rc, String token, boolean loopbackOnly) {
    if (token != null) {
      String header = rc.request().getHeader("Authorization");
      return header != null && java.security.MessageDigest.isEqual(
          header.trim().getBytes(java.nio.charset.StandardCharsets.UTF_8),
          ("Bearer " + token).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    if (!loopbackOnly) return true;
    var remote = rc.request().remoteAddress();
    boolean loopback;
    try {
      loopback = remote != null && remote.hostAddress() != null
          && java.net.InetAddress.getByName(remote.hostAddress()).isLoopbackAddress();
    } catch (java.net.UnknownHostException e) {
      loopback = false;
    }
    // A reverse proxy on the same host makes every client look local: a forwarded request is not.
    return loopback && rc.request().getHeader("X-Forwarded-For") == null && rc.request().getHeader("Forwarded") == null
        && rc.request().getHeader("X-Real-IP") == null;
  }

  private static void requestId(RoutingContext rc, boolean logRequests) {
    String given = rc.request().getHeader(HEADER);
    String id = given != null && VALID_ID.matcher(given).matches() ? given : newId();
    rc.put(REQUEST_ID, id);
    rc.response().putHeader(HEADER, id);
    if (logRequests) {
      long started = System.nanoTime();
      rc.addEndHandler(ar -> access(rc, id, started));
    }
    MDC.put(REQUEST_ID, id);
    try {
      rc.next();
    } finally {
      MDC.remove(REQUEST_ID);
    }
  }

  /** The failure handler runs later, often on a callback: give it the request's id again. */
  private static void withRequestId(RoutingContext rc) {
    String id = rc.get(REQUEST_ID);
    if (id != null) MDC.put(REQUEST_ID, id);
    try {
      rc.next();
    } finally {
      if (id != null) MDC.remove(REQUEST_ID);
    }
  }

  /**
   * The status sent, or 0 when the connection closed before the response ended. (The end
   * handler's own result is no guide: over HTTP/2 it reports a failure for completed streams.)
   */
  private static int status(RoutingContext rc) {
    return rc.response().ended() ? rc.response().getStatusCode() : 0;
  }

  private static void access(RoutingContext rc, String id, long started) {
    long micros = (System.nanoTime() - started) / 1_000;
    int status = status(rc);
    boolean completed = status != 0;
    MDC.put(REQUEST_ID, id);
    try {
      ACCESS.atInfo()
          .addKeyValue("method", rc.request().method().name())
          .addKeyValue("path", rc.request().path())
          .addKeyValue("status", status)
          .addKeyValue("durationMs", micros / 1000.0)
          .addKeyValue("bytes", rc.response().bytesWritten())
          .log("{} {} {} {} ms{}", rc.request().method().name(), rc.request().path(), status, micros / 1000.0,
              completed ? "" : " (connection closed before the response ended)");
    } finally {
      MDC.remove(REQUEST_ID);
    }
  }

  private static String newId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    return Long.toHexString(random.nextLong() | Long.MIN_VALUE) + Long.toHexString(random.nextLong() | Long.MIN_VALUE);
  }
}
