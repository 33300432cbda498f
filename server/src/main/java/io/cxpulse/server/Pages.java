package io.cxpulse.server;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The pages in web/ (packaged under web/ in the jar): "/" is the manager console, "/wall" the
 * wall screen, the rest ES modules and styles; library files from WebJars under /webjars/ and
 * mvnpm under /_static/. Pages get a Content-Security-Policy with no inline script and no framing.
 */
final class Pages {
  private Pages() {}

  /**
   * The live WebSocket of this very host (the pages open {@code ws(s)://<their host>/api/v1/live}),
   * not {@code ws:}/{@code wss:} to any host, which let an injected script talk to anyone. Browsers
   * that apply CSP 3 already count same-host WebSockets as 'self'; older ones need them named.
   */
  private static String liveSources(io.vertx.core.net.HostAndPort authority) {
    if (authority == null || !authority.host().matches("[A-Za-z0-9.\\-\\[\\]:]{1,255}")) return "";
    String host = authority.host() + (authority.port() > 0 ? ":" + authority.port() : "");
    return " ws://" + host + " wss://" + host;
  }

  static void mount(Router router) {
    router.route().handler(rc -> {
      String path = rc.request().path();
      if (!path.startsWith("/api/") && !path.startsWith("/health/") && !path.equals("/metrics")) {
        rc.response()
            .putHeader("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                + "img-src 'self' data:; connect-src 'self'" + liveSources(rc.request().authority())
                + "; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
            .putHeader("X-Content-Type-Options", "nosniff")
            .putHeader("Referrer-Policy", "no-referrer")
            .putHeader("X-Frame-Options", "DENY");
      }
      rc.next();
    });
    router.route("/").method(HttpMethod.GET).method(HttpMethod.HEAD).handler(rc -> rc.reroute("/index.html"));
    router.route("/wall").method(HttpMethod.GET).method(HttpMethod.HEAD).handler(rc -> rc.reroute("/wall.html"));
    router.route("/webjars/*").handler(StaticHandler.create("META-INF/resources/webjars").setMaxAgeSeconds(86_400));
    // Libraries from mvnpm (org.mvnpm:*, e.g. ECharts) sit under META-INF/resources/_static/<name>/<version>/.
    router.route("/_static/*").handler(StaticHandler.create("META-INF/resources/_static").setMaxAgeSeconds(86_400));
    router.route("/*").handler(StaticHandler.create("web").setMaxAgeSeconds(60).setIndexPage("index.html"));
  }
}
