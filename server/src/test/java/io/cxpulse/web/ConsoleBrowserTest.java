package io.cxpulse.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cxpulse.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.support.ui.Select;

/** The manager console (/) in real headless Chromium against a real server and PostgreSQL. */
class ConsoleBrowserTest {
  static TestServer server;
  static String manager;
  static String ingest;

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of("LIVE_TICK_MS", "200"));
    manager = server.token("acme", "manager");
    ingest = server.ingestToken("acme");
    Pages.seedAcme(server);
  }

  @AfterAll
  static void stop() {
    if (server != null) server.close();
  }

  static String text(Browser b, String selector) {
    return WallBrowserTest.text(b, selector);
  }

  static String row(Browser b, String tp, String cell) {
    return text(b, "tr[data-tp='" + tp + "'] " + cell);
  }

  /** Signs in the way a manager does: pastes the URL the server printed. */
  static void signIn(Browser b, int port) {
    b.driver.get("http://localhost:" + port + "/");
    b.await(Duration.ofSeconds(10), "the sign-in form", d -> !d.findElements(By.id("token-input")).isEmpty());
    b.driver.findElement(By.id("token-input")).sendKeys("not a token");
    b.driver.findElement(By.id("signin-submit")).click();
    b.await(Duration.ofSeconds(5), "a helpful error", d -> "This is not a token.".equals(text(b, "#signin-error")));
    b.driver.findElement(By.id("token-input")).clear();
    b.driver.findElement(By.id("token-input")).sendKeys("http://localhost:" + port + "/#token=" + manager);
    b.driver.findElement(By.id("signin-submit")).click();
    b.await(Duration.ofSeconds(20), "the live scorecard", d -> "open".equals(b.js("return document.body.dataset.conn"))
        && row(b, "hotline", ".nps-n") != null);
  }

  @Test
  void signInShowsTheLiveScorecardWithThePreviousPeriod() {
    try (Browser b = Browser.open(1920, 1080)) {
      signIn(b, server.server().port());
      assertThat(b.js("return localStorage.getItem('cxpulse.console.token')")).isEqualTo(manager);
      JsonObject rest = Pages.scorecards(server, manager, "window=7d");
      for (String code : new String[] {"hotline", "store", "app"}) {
        JsonObject nps = Pages.touchpoint(rest, code).getJsonObject("nps");
        assertThat(row(b, code, ".nps-n")).isEqualTo(Pages.n(nps.getLong("n")));
        assertThat(row(b, code, ".nps-score")).isEqualTo(Pages.score(nps.getDouble("score")));
      }
      assertThat(row(b, "store", ".badge")).isEqualTo("LOW n");
      // The previous 7 days had no responses: the comparison says so instead of inventing a change.
      b.await(Duration.ofSeconds(10), "the comparison column", d -> "—".equals(row(b, "hotline", ".cmp")));

      // Live, not polled: a posted response shows up in the table.
      long n = Pages.touchpoint(rest, "hotline").getJsonObject("nps").getLong("n");
      Pages.post(server, ingest, new JsonObject().put("touchpoint", "hotline").put("nps", 10));
      b.await(Duration.ofSeconds(5), "the live update", d -> Pages.n(n + 1).equals(row(b, "hotline", ".nps-n")));

      // The window selector resubscribes the same view with another window.
      new Select(b.driver.findElement(By.id("window-select"))).selectByValue("15m");
      b.await(Duration.ofSeconds(10), "the 15-minute window", d -> "15m".equals(b.js(
          "const d = window.cxpulseConsole.state.data; return d && d.window.name")) && row(b, "hotline", ".nps-n") != null);
      JsonObject rest15 = Pages.scorecards(server, manager, "window=15m");
      assertThat(row(b, "hotline", ".nps-n")).isEqualTo(Pages.n(Pages.touchpoint(rest15, "hotline").getJsonObject("nps").getLong("n")));
    }
  }

  @Test
  void drillDownShowsTheHistogramAndAClickableQuadrant() {
    try (Browser b = Browser.open(1920, 1080)) {
      signIn(b, server.server().port());
      b.click(By.cssSelector("tr[data-tp='hotline'] td.name a"));
      b.await(Duration.ofSeconds(10), "the drill-down", d -> "drill".equals(b.js("return document.body.dataset.view")));
      assertThat(text(b, ".drill-head h1")).isEqualTo("Hotline");

      JsonObject hotline = Pages.touchpoint(Pages.scorecards(server, manager, "window=7d"), "hotline");
      b.await(Duration.ofSeconds(10), "the histogram of the REST scorecard", d -> {
        List<Object> bars = Charts.seriesValues(b, ".drill .panel:nth-of-type(1) .chart");
        return bars != null && bars.stream().map(x -> ((Number) x).longValue()).toList()
            .equals(hotline.getJsonObject("nps").getJsonArray("histogram").stream().map(x -> ((Number) x).longValue()).toList());
      });

      // The quadrant comes from GET /api/v1/reasons for this touchpoint; click an item.
      JsonObject reasons = new JsonObject(server.get("/api/v1/reasons?window=7d&touchpoints=hotline", manager).body());
      b.await(Duration.ofSeconds(10), "the quadrant", d -> Charts.firstPoint(b, "#drill-quadrant") != null);
      List<Object> point = Charts.firstPoint(b, "#drill-quadrant");
      String code = (String) point.get(0);
      JsonObject item = reasons.getJsonArray("items").stream().map(o -> (JsonObject) o)
          .filter(i -> i.getString("code").equals(code)).findFirst().orElseThrow();
      b.js("window.scrollTo(0, 0)");
      b.js("document.querySelector('#drill-quadrant').scrollIntoView({block: 'center'})");
      point = Charts.firstPoint(b, "#drill-quadrant");
      Charts.clickAt(b, (Number) point.get(2), (Number) point.get(3));
      b.await(Duration.ofSeconds(5), "the selected item", d -> item.getString("label").equals(text(b, "#selected-reason .sel-name")));
      assertThat(text(b, "#selected-reason .sel-stats")).contains(Pages.score(item.getDouble("subNps"))).contains(Pages.n(item.getLong("n")));
      assertThat(text(b, "#selected-reason .placeholder")).contains("GET /api/v1/verbatims?reason=" + code);
      // Panels without an endpoint say which endpoint they wait for, and show no numbers.
      assertThat(b.js("return [...document.querySelectorAll('.drill .placeholder')].map(p => p.dataset.endpoint).join(' | ')"))
          .asString().contains("GET /api/v1/trends").contains("GET /api/v1/leaderboard").contains("GET /api/v1/verbatims");
    }
  }

  @Test
  void alertCommentsAreText() {
    try (Browser b = Browser.open(1920, 1080)) {
      signIn(b, server.server().port());
      b.driver.get("http://localhost:" + server.server().port() + "/#/alerts");
      b.await(Duration.ofSeconds(20), "the alerts view", d -> "alerts".equals(b.js("return document.body.dataset.view"))
          && "open".equals(b.js("return document.body.dataset.conn")));
      String comment = "<script>alert(1)</script><b>bold?</b>";
      Pages.post(server, ingest, new JsonArray().add(new JsonObject().put("touchpoint", "store").put("nps", 1).put("comment", comment)));
      b.await(Duration.ofSeconds(10), "the alert", d -> comment.equals(text(b, "#alerts-list .alert-comment")));
      assertThat(b.js("return document.querySelectorAll('#alerts-list script, #alerts-list b').length")).isEqualTo(0L);
      assertThatThrownBy(() -> b.driver.switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
      assertThat(text(b, ".panel:nth-of-type(2) .placeholder")).contains("GET /api/v1/cases");
    }
  }

  @Test
  void aRejectedTokenGoesBackToSignIn() {
    try (Browser b = Browser.open(1280, 800)) {
      b.driver.get("http://localhost:" + server.server().port() + "/#token=eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln");
      b.await(Duration.ofSeconds(10), "the sign-in form with the reason",
          d -> !d.findElements(By.id("token-input")).isEmpty() && text(b, "#signin-error").contains("rejected"));
      assertThat(b.driver.getCurrentUrl()).doesNotContain("token=");
    }
  }
}
