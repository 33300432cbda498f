package io.cxpulse.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxpulse.Server;
import io.cxpulse.config.Config;
import io.cxpulse.testing.TestDatabase;
import io.cxpulse.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * Screenshots for review, written to target/screenshots/: the wall's pages at 1920×1080 and
 * 3840×2160 (no scrollbars at either) and the console's pages, on the demo tenant (30 days of
 * history and live traffic) so that the pictures look like a real centre.
 */
class ScreenshotsTest {
  static final String[] WALL_PAGES = {"grid", "rater", "quadrant", "journey", "alerts"};
  static Server server;
  static String viewer;
  static String manager;

  @BeforeAll
  static void start() throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("DATABASE_URL", TestDatabase.newDatabase());
    env.put("HTTP_PORT", String.valueOf(TestServer.freePort()));
    env.put("HTTP_INSTANCES", "2");
    env.put("DATA_DIR", Files.createTempDirectory("cxpulse-screens").toString());
    env.put("DEMO_RATE", "8");
    server = Server.start(Config.fromMap(env), true);
    viewer = server.tokens().issue("wall", "demo", List.of("viewer"), null, Duration.ofHours(1));
    manager = server.tokens().issue("manager", "demo", List.of("viewer", "manager"), null, Duration.ofHours(1));
    awaitBackfill();
  }

  /** The demo backfills 30 days through the ingest API; wait until the history stops growing. */
  static void awaitBackfill() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    String to = Instant.now().minus(Duration.ofHours(2)).toString();
    String from = Instant.now().minus(Duration.ofDays(40)).toString();
    long last = -1;
    int stable = 0;
    long deadline = System.currentTimeMillis() + 180_000;
    while (stable < 3 && System.currentTimeMillis() < deadline) {
      Thread.sleep(1000);
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base() + "/api/v1/scorecards?from=" + from + "&to=" + to))
          .header("Authorization", "Bearer " + viewer).build(), HttpResponse.BodyHandlers.ofString());
      long n = r.statusCode() == 200 ? new io.vertx.core.json.JsonObject(r.body()).getJsonObject("overall").getLong("responses") : -1;
      stable = n > 1000 && n == last ? stable + 1 : 0;
      last = n;
    }
    assertThat(stable).as("demo backfill finished").isEqualTo(3);
  }

  @AfterAll
  static void stop() {
    if (server != null) server.close();
  }

  static String base() {
    return "http://localhost:" + server.port();
  }

  @Test
  void wallAt1080pAnd4k() throws Exception {
    for (String lang : new String[] {"en", "zh"}) {
      try (Browser b = Browser.open(1920, 1080)) {
        b.driver.get(base() + "/wall?lang=" + lang + "&window=7d&interval=3600#token=" + viewer);
        WallBrowserTest.awaitLive(b);
        // Let the live traffic draw the sparklines and bring some detractor alerts.
        b.await(Duration.ofSeconds(60), "the trends, BEST and a few alerts", d -> Boolean.TRUE.equals(b.js(
            "const s = window.cxpulseWall.state; return s.alerts.length >= 3 && s.trends !== null && s.best !== null")));
        for (int[] size : new int[][] {{1920, 1080}, {3840, 2160}}) {
          b.resizeViewport(size[0], size[1]);
          String tag = size[0] == 1920 ? "1080p" : "4k";
          for (int i = 0; i < WALL_PAGES.length; i++) {
            if (lang.equals("zh") && i > 0 && i != 2) continue;
            b.js("window.cxpulseWall.showPage(arguments[0])", i);
            Thread.sleep(1500); // the layout, the charts' resize and the reasons request
            WallBrowserTest.assertNoScrollbars(b);
            assertThat(b.js("return document.getElementById('stale-banner').hidden")).isEqualTo(true);
            var file = b.screenshot("wall-" + WALL_PAGES[i] + (lang.equals("en") ? "" : "-" + lang) + "-" + tag);
            assertThat(Files.size(file)).isGreaterThan(10_000);
          }
        }
      }
    }
  }

  @Test
  void consolePages() throws Exception {
    try (Browser b = Browser.open(1920, 1080)) {
      b.driver.get(base() + "/");
      b.await(Duration.ofSeconds(10), "sign-in", d -> !d.findElements(By.id("token-input")).isEmpty());
      b.screenshot("console-signin-1080p");
      b.driver.findElement(By.id("token-input")).sendKeys(base() + "/#token=" + manager);
      b.driver.findElement(By.id("signin-submit")).click();
      b.await(Duration.ofSeconds(20), "the scorecard", d -> "open".equals(b.js("return document.body.dataset.conn"))
          && !d.findElements(By.cssSelector("tr[data-tp='hotline'] .cmp-ns, tr[data-tp='hotline'] .cmp-up, tr[data-tp='hotline'] .cmp-down")).isEmpty());
      Thread.sleep(500);
      b.screenshot("console-scorecard-1080p");

      b.click(By.cssSelector("tr[data-tp='hotline'] td.name a"));
      b.await(Duration.ofSeconds(15), "the drill-down quadrant", d -> Charts.firstPoint(b, "#drill-quadrant") != null);
      b.js("document.querySelector('#drill-quadrant').scrollIntoView({block: 'center'})");
      Thread.sleep(300);
      List<Object> point = Charts.firstPoint(b, "#drill-quadrant");
      Charts.clickAt(b, (Number) point.get(2), (Number) point.get(3));
      b.await(Duration.ofSeconds(5), "a selected item", d -> WallBrowserTest.text(b, "#selected-reason .sel-name") != null);
      b.await(Duration.ofSeconds(30), "the trend, the leaderboard and the verbatims", d -> Boolean.TRUE.equals(b.js(
          "return !!document.querySelector('#drill-trend[data-points]') && !!document.querySelector('#leaderboard tr[data-value]')"
              + " && document.querySelector('#drill-verbatims').dataset.state === 'done'"
              + " && document.querySelector('#reason-verbatims').dataset.state === 'done'")));
      b.js("window.scrollTo(0, 0)");
      Thread.sleep(300);
      b.fullPageScreenshot("console-drill-1080p", 1920);

      // The page and what it waits for before the picture: the reasons table, the case queue, the value panels.
      String[][] views = {
          {"reasons", "reasons", "#reasons-table tr[data-reason]"},
          {"alerts", "cases", "#cases-list tr.case-row"},
          {"value", "value", "#value-elements tr[data-element]"}};
      for (String[] view : views) {
        b.driver.get(base() + "/#/" + view[0]);
        b.await(Duration.ofSeconds(15), view[0], d -> view[0].equals(b.js("return document.body.dataset.view"))
            && "open".equals(b.js("return document.body.dataset.conn")));
        b.await(Duration.ofSeconds(60), view[2], d -> !d.findElements(By.cssSelector(view[2])).isEmpty());
        if (view[0].equals("value")) {
          b.await(Duration.ofSeconds(60), "revenue at risk", d -> !d.findElements(By.cssSelector("#issues-head, #issues-unavailable")).isEmpty()
              && !d.findElements(By.cssSelector("#earned-growth tr[data-period]")).isEmpty());
        }
        Thread.sleep(view[0].equals("alerts") ? 8000 : 1500); // alerts: a few live ones arrive
        if (view[0].equals("alerts")) {
          // One case opened, to show its history and actions.
          b.click(By.cssSelector("#cases-list tr.case-row"));
          b.await(Duration.ofSeconds(10), "the case's panel", d -> !d.findElements(By.cssSelector("#case-detail .case-history")).isEmpty());
        }
        b.fullPageScreenshot("console-" + view[1] + "-1080p", 1920);
      }
    }
  }
}
