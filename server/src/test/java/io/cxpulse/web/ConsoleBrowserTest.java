package io.cxpulse.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cxpulse.testing.LocalDay;
import io.cxpulse.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
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

  @BeforeAll
  static void start() {
    // The seed is "today" in the trend and the 7d window (acme: Asia/Shanghai): no local midnight while the class runs.
    LocalDay.awaitRoomBeforeMidnight(java.time.ZoneId.of("Asia/Shanghai"), Duration.ofMinutes(15));
    server = TestServer.start(Map.of("LIVE_TICK_MS", "200"));
    manager = server.token("acme", "manager");
    Pages.seedAcme(server);
    // The previous 7-day period (10 days ago): 40 hotline detractors, 5 store promoters.
    List<JsonObject> before = new ArrayList<>();
    String tenDaysAgo = java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC).minusDays(10).toString();
    for (int i = 0; i < 40; i++) {
      before.add(new JsonObject().put("eventId", "prev-h-" + i).put("touchpoint", "hotline").put("nps", i % 7).put("occurredAt", tenDaysAgo));
    }
    for (int i = 0; i < 5; i++) {
      before.add(new JsonObject().put("eventId", "prev-s-" + i).put("touchpoint", "store").put("nps", 10).put("occurredAt", tenDaysAgo));
    }
    server.postFeedback("acme", before);
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

  static List<String> rowClasses(Browser b, String tp) {
    return List.of(((String) b.js("return document.querySelector(\"tr[data-tp='\" + arguments[0] + \"']\").className", tp)).split(" "));
  }

  /** Signs in the way a manager does: pastes the URL the server printed. */
  static void signIn(Browser b, int port) {
    signIn(b, port, manager);
  }

  static void signIn(Browser b, int port, String token) {
    b.driver.get("http://localhost:" + port + "/");
    b.await(Duration.ofSeconds(10), "the sign-in form", d -> !d.findElements(By.id("token-input")).isEmpty());
    b.driver.findElement(By.id("token-input")).sendKeys("not a token");
    b.driver.findElement(By.id("signin-submit")).click();
    b.await(Duration.ofSeconds(5), "a helpful error", d -> "This is not a token.".equals(text(b, "#signin-error")));
    b.driver.findElement(By.id("token-input")).clear();
    b.driver.findElement(By.id("token-input")).sendKeys("http://localhost:" + port + "/#token=" + token);
    b.driver.findElement(By.id("signin-submit")).click();
    b.await(Duration.ofSeconds(20), "the live scorecard", d -> "open".equals(b.js("return document.body.dataset.conn"))
        && row(b, "hotline", ".nps-n") != null);
  }

  @Test
  void signInShowsTheLiveScorecardWithThePreviousPeriod() {
    try (Browser b = Browser.open(1920, 1080)) {
      signIn(b, server.server().port());
      assertThat(b.js("return localStorage.getItem('cxpulse.console.token')")).isEqualTo(manager);
      JsonObject rest = server.scorecards(manager, "window=7d");
      for (String code : new String[] {"hotline", "store", "app"}) {
        JsonObject nps = Pages.touchpoint(rest, code).getJsonObject("nps");
        assertThat(row(b, code, ".nps-n")).isEqualTo(Pages.n(nps.getLong("n")));
        assertThat(row(b, code, ".nps-score")).isEqualTo(Pages.score(nps.getDouble("score")));
      }
      assertThat(row(b, "store", ".badge")).isEqualTo("LOW n");
      // Each row's colour is the server's status. The store (target 50) is below the minimum n of 30:
      // grey "not enough data", never green or red.
      for (String code : new String[] {"hotline", "store", "app"}) {
        String status = Pages.touchpoint(rest, code).getJsonObject("nps").getString("status");
        assertThat(rowClasses(b, code)).contains("rag-" + status);
      }
      JsonObject storeNps = Pages.touchpoint(rest, "store").getJsonObject("nps");
      assertThat(storeNps.getLong("n")).as("the seed's 12, and a few from other tests").isLessThan(30L);
      assertThat(storeNps.getString("status")).isEqualTo("insufficient");
      assertThat(rowClasses(b, "store")).doesNotContain("rag-green", "rag-amber", "rag-red");
      assertThat(row(b, "store", ".target")).isEqualTo(" 50 · not enough data");
      assertThat(b.js("return getComputedStyle(document.querySelector(\"tr[data-tp='store'] td.name\")).borderLeftColor")).as("grey")
          .isEqualTo("rgb(138, 148, 166)");
      // The previous 7 days: hotline 40 detractors (NPS −100), store 5 promoters, app nothing.
      JsonObject hotline = Pages.touchpoint(rest, "hotline").getJsonObject("nps");
      double z = Pages.npsZ(hotline.getLong("n"), hotline.getLong("promoters"), hotline.getLong("detractors"), 40, 0, 40);
      assertThat(z).as("the test's own z").isGreaterThan(io.cxpulse.testing.Reference.CHANGE_CRITICAL);
      b.await(Duration.ofSeconds(10), "the comparison column", d -> row(b, "hotline", ".cmp-up") != null);
      assertThat(row(b, "hotline", ".cmp")).isEqualTo("▲ " + Pages.signed(hotline.getDouble("score") + 100) + " significantly up");
      assertThat(b.js("return document.querySelector(\"tr[data-tp='hotline'] .cmp\").dataset.z")).isEqualTo(String.format(java.util.Locale.US, "%.2f", z));
      // The marker is the server's verdict (compare=previous), not a test the page runs itself.
      JsonObject compared = server.scorecards(manager, "window=7d&compare=previous");
      assertThat(Pages.touchpoint(compared, "hotline").getJsonObject("change").getJsonObject("nps").getString("verdict")).isEqualTo("up");
      assertThat(b.js("return document.querySelector(\"tr[data-tp='hotline'] .cmp\").dataset.verdict")).isEqualTo("up");
      assertThat(Pages.touchpoint(compared, "store").getJsonObject("change").getJsonObject("nps").getString("verdict")).isEqualTo("insufficient");
      assertThat(b.js("return document.querySelector(\"tr[data-tp='store'] .cmp\").dataset.verdict")).isEqualTo("insufficient");
      // Store: 12 now, 5 before, both below the minimum n: never called significant.
      assertThat(row(b, "store", ".cmp")).startsWith("≈ ").endsWith("n too small to judge");
      assertThat(row(b, "app", ".cmp")).isEqualTo("—");

      b.screenshot("console-scorecard-acme-1080p");

      // Live, not polled: a posted response shows up in the table.
      long n = Pages.touchpoint(rest, "hotline").getJsonObject("nps").getLong("n");
      server.postFeedback("acme", new JsonObject().put("touchpoint", "hotline").put("nps", 10));
      b.await(Duration.ofSeconds(5), "the live update", d -> Pages.n(n + 1).equals(row(b, "hotline", ".nps-n")));

      // The window selector resubscribes the same view with another window.
      new Select(b.driver.findElement(By.id("window-select"))).selectByValue("15m");
      b.await(Duration.ofSeconds(10), "the 15-minute window", d -> "15m".equals(b.js(
          "const d = window.cxpulseConsole.state.data; return d && d.window.name")) && row(b, "hotline", ".nps-n") != null);
      JsonObject rest15 = server.scorecards(manager, "window=15m");
      assertThat(row(b, "hotline", ".nps-n")).isEqualTo(Pages.n(Pages.touchpoint(rest15, "hotline").getJsonObject("nps").getLong("n")));
    }
  }

  @Test
  void theGreyStateReadsInChineseToo() {
    try (Browser b = Browser.open(1920, 1080)) {
      b.driver.get("http://localhost:" + server.server().port() + "/?lang=zh#token=" + manager);
      b.await(Duration.ofSeconds(20), "the live scorecard", d -> "open".equals(b.js("return document.body.dataset.conn"))
          && row(b, "store", ".nps-n") != null);
      assertThat(row(b, "store", ".target")).isEqualTo(" 50 · 数据不足");
      assertThat(rowClasses(b, "store")).contains("rag-insufficient");
      b.await(Duration.ofSeconds(10), "the comparison", d -> row(b, "hotline", ".cmp-up") != null);
      assertThat(row(b, "store", ".cmp")).endsWith("样本不足，无法判断");
      b.screenshot("console-scorecard-acme-zh-1080p");
    }
  }

  @Test
  void drillDownShowsTheHistogramAndAClickableQuadrant() {
    try (Browser b = Browser.open(1920, 1080)) {
      signIn(b, server.server().port());
      b.click(By.cssSelector("tr[data-tp='hotline'] td.name a"));
      b.await(Duration.ofSeconds(10), "the drill-down", d -> "drill".equals(b.js("return document.body.dataset.view")));
      assertThat(text(b, ".drill-head h1")).isEqualTo("Hotline");

      JsonObject hotline = Pages.touchpoint(server.scorecards(manager, "window=7d"), "hotline");
      b.await(Duration.ofSeconds(10), "the histogram of the REST scorecard", d -> {
        List<Object> bars = Charts.seriesValues(b, "#drill-histogram");
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
      // The item's margin is the server's subNpsMoe, which the test recomputes from the item's counts.
      double itemMoe = Pages.npsMoe(item.getLong("n"), item.getLong("promoters"), item.getLong("detractors"));
      assertThat(Pages.moe(item.getDouble("subNpsMoe"))).isEqualTo(Pages.moe(itemMoe));
      assertThat(text(b, "#selected-reason .sel-stats")).contains(Pages.moe(itemMoe));
      // The item's verbatims: the latest five of GET /api/v1/verbatims?reason=<code> for this touchpoint.
      List<String> expected = events(new JsonObject(server.get("/api/v1/verbatims?window=7d&touchpoints=hotline&limit=5&reason=" + code, manager).body()));
      assertThat(expected).hasSize(5);
      b.await(Duration.ofSeconds(10), "the item's verbatims", d -> expected.equals(shownEvents(b, "#reason-verbatims")));
    }
  }

  static List<String> events(JsonObject verbatims) {
    return verbatims.getJsonArray("items").stream().map(o -> ((JsonObject) o).getString("eventId")).toList();
  }

  @SuppressWarnings("unchecked")
  static List<String> shownEvents(Browser b, String list) {
    return (List<String>) b.js("return [...document.querySelectorAll(arguments[0] + ' .verbatim')].map(v => v.dataset.event)", list);
  }

  static void openDrill(Browser b, String tp) {
    signIn(b, server.server().port());
    b.click(By.cssSelector("tr[data-tp='" + tp + "'] td.name a"));
    b.await(Duration.ofSeconds(10), "the drill-down", d -> "drill".equals(b.js("return document.body.dataset.view")));
  }

  @Test
  void drillDownTrendAndLeaderboardShowTheRestNumbers() {
    try (Browser b = Browser.open(1920, 1080)) {
      openDrill(b, "hotline");
      // Trend: window 7d → one point per day, each the score of GET /api/v1/trends (n = 0 a gap, never 0).
      JsonObject trend = new JsonObject(server.get("/api/v1/trends?metric=nps&step=day&window=7d&touchpoints=hotline", manager).body());
      JsonArray points = trend.getJsonArray("series").getJsonObject(0).getJsonArray("points");
      assertThat(points).hasSize(7);
      List<Double> expectedScores = points.stream().map(p -> ((JsonObject) p).getValue("score"))
          .map(v -> v == null ? null : ((Number) v).doubleValue()).toList();
      assertThat(expectedScores.get(6)).as("today has the seeded responses").isNotNull();
      assertThat(expectedScores.get(0)).as("six days ago had none").isNull();
      b.await(Duration.ofSeconds(10), "the trend of the REST reply", d -> {
        List<Object> shown = Charts.seriesValues(b, "#drill-trend");
        return shown != null && shown.stream().map(v -> {
          Object y = ((List<?>) v).get(1);
          return y == null ? null : ((Number) y).doubleValue();
        }).toList().equals(expectedScores);
      });
      assertThat(text(b, "#trend-note")).startsWith("NPS per day with its 95% interval").contains("1 of 7 steps have responses");

      // Leaderboard by region, recomputed from the seeded responses: north (19), south (18), west (3: hidden).
      record Region(String value, long n, long p, long d) {}
      List<Region> regions = new java.util.ArrayList<>();
      for (String value : new String[] {"north", "south"}) {
        long n = 0, p = 0, det = 0;
        for (int i = 0; i < Pages.HOTLINE.length; i++) {
          if (!Pages.region(i).equals(value)) continue;
          n++;
          if (Pages.HOTLINE[i] >= 9) p++;
          if (Pages.HOTLINE[i] <= 6) det++;
        }
        regions.add(new Region(value, n, p, det));
      }
      regions.sort((x, y) -> Double.compare((double) (y.p - y.d) / y.n, (double) (x.p - x.d) / x.n));
      b.await(Duration.ofSeconds(10), "the leaderboard", d -> Long.valueOf(2).equals(b.js("return document.querySelectorAll('#leaderboard tr[data-value]').length")));
      assertThat(b.js("return [...document.querySelectorAll('#leaderboard tr[data-value]')].map(r => r.dataset.value)"))
          .isEqualTo(regions.stream().map(Region::value).toList());
      for (Region r : regions) {
        String sel = "#leaderboard tr[data-value='" + r.value + "'] ";
        assertThat(text(b, sel + ".nps-score")).isEqualTo(Pages.score(100.0 * (r.p - r.d) / r.n));
        assertThat(text(b, sel + ".nps-moe")).isEqualTo(" " + Pages.moe(Pages.npsMoe(r.n, r.p, r.d)));
        assertThat(text(b, sel + ".seg-n")).isEqualTo(Pages.n(r.n));
        assertThat(text(b, sel + ".badge")).as("n below 30").isEqualTo("LOW n");
      }
      assertThat(text(b, "#leaderboard-hidden")).startsWith("values hidden (n below the privacy minimum of 5): 1");
    }
  }

  @Test
  void verbatimSearchFindsEnglishAndChineseAndShowsMarkupAsText() {
    try (Browser b = Browser.open(1920, 1080)) {
      openDrill(b, "hotline");
      // Latest first, 20 a page, "load more" with the cursor: the same order as the REST reply.
      List<String> all = events(new JsonObject(server.get("/api/v1/verbatims?window=7d&touchpoints=hotline&limit=200", manager).body()));
      assertThat(all).hasSizeGreaterThanOrEqualTo(40);
      b.await(Duration.ofSeconds(10), "the first page", d -> all.subList(0, 20).equals(shownEvents(b, "#drill-verbatims")));
      while (Boolean.FALSE.equals(b.js("return document.querySelector('#drill-verbatims .load-more').hidden"))) {
        int before = shownEvents(b, "#drill-verbatims").size();
        b.click(By.cssSelector("#drill-verbatims .load-more"));
        b.await(Duration.ofSeconds(10), "the next page", d -> shownEvents(b, "#drill-verbatims").size() > before
            || Boolean.TRUE.equals(b.js("return document.querySelector('#drill-verbatims .load-more').hidden")));
      }
      assertThat(shownEvents(b, "#drill-verbatims")).isEqualTo(all);

      search(b, "queue");
      b.await(Duration.ofSeconds(10), "English, any case", d -> java.util.Set.of("seed-h-0", "seed-h-34").equals(java.util.Set.copyOf(shownEvents(b, "#drill-verbatims"))));
      search(b, "排队");
      b.await(Duration.ofSeconds(10), "Chinese", d -> List.of("seed-h-35").equals(shownEvents(b, "#drill-verbatims")));
      assertThat(text(b, "#drill-verbatims .verbatim-comment")).isEqualTo(Pages.HOTLINE_COMMENTS.get(35));

      search(b, "rude");
      b.await(Duration.ofSeconds(10), "the comment with markup", d -> List.of("seed-h-38").equals(shownEvents(b, "#drill-verbatims")));
      assertThat(text(b, "#drill-verbatims .verbatim-comment")).isEqualTo(Pages.HOTLINE_COMMENTS.get(38));
      assertThat(b.js("return document.querySelectorAll('#drill-verbatims script, #drill-verbatims b, #drill-verbatims i').length")).isEqualTo(0L);
      assertThat(b.js("return window.__xss === undefined")).isEqualTo(true);
      assertThat(b.js("return document.querySelector('#drill-verbatims .verbatim').classList.contains('detractor')")).as("score 0: highlighted").isEqualTo(true);

      // The category filter: promoters only.
      search(b, "");
      new Select(b.driver.findElement(By.cssSelector("#drill-verbatims .verbatim-category"))).selectByValue("promoter");
      List<String> promoters = events(new JsonObject(server.get("/api/v1/verbatims?window=7d&touchpoints=hotline&limit=20&category=promoter", manager).body()));
      b.await(Duration.ofSeconds(10), "promoters", d -> promoters.equals(shownEvents(b, "#drill-verbatims")));
      assertThat(b.js("return document.querySelectorAll('#drill-verbatims .verbatim.detractor').length")).isEqualTo(0L);
    }
  }

  static void search(Browser b, String q) {
    var input = b.driver.findElement(By.cssSelector("#drill-verbatims .verbatim-q"));
    input.clear();
    input.sendKeys(q + org.openqa.selenium.Keys.ENTER);
  }

  @Test
  void alertCommentsAreText() {
    try (Browser b = Browser.open(1920, 1080)) {
      signIn(b, server.server().port());
      b.driver.get("http://localhost:" + server.server().port() + "/#/alerts");
      b.await(Duration.ofSeconds(20), "the alerts view", d -> "alerts".equals(b.js("return document.body.dataset.view"))
          && "open".equals(b.js("return document.body.dataset.conn")));
      String comment = "<script>alert(1)</script><b>bold?</b>";
      server.postFeedback("acme", new JsonObject().put("touchpoint", "store").put("nps", 1).put("comment", comment));
      b.await(Duration.ofSeconds(10), "the alert", d -> comment.equals(text(b, "#alerts-list .alert-comment")));
      assertThat(b.js("return document.querySelectorAll('#alerts-list script, #alerts-list b').length")).isEqualTo(0L);
      assertThatThrownBy(() -> b.driver.switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
    }
  }

  static JsonObject caseOf(String eventId) {
    JsonObject list = new JsonObject(server.get("/api/v1/cases?limit=500", manager).body());
    return list.getJsonArray("cases").stream().map(o -> (JsonObject) o).filter(c -> eventId.equals(c.getString("eventId")))
        .findFirst().orElseThrow(() -> new AssertionError("no case for " + eventId + " in " + list));
  }

  static JsonObject caseById(long id) {
    return server.getJson("/api/v1/cases/" + id, manager);
  }

  static void openCases(Browser b, String token) {
    signIn(b, server.server().port(), token);
    b.click(By.cssSelector(".nav a[data-nav='alerts']"));
    b.await(Duration.ofSeconds(10), "the cases page", d -> "alerts".equals(b.js("return document.body.dataset.view")));
  }

  @Test
  void aManagerWorksACaseThroughTheUiAndAViewerOnlySeesTheQueue() {
    String comment = "<b>call me</b> <script>window.__xss=1</script>";
    server.postFeedback("acme", new JsonObject().put("eventId", "case-ui-1").put("touchpoint", "store").put("nps", 2)
        .put("contactConsent", true).put("reasons", new JsonArray().add("speed")).put("comment", comment));
    long id = caseOf("case-ui-1").getLong("id");
    String row = "tr.case-row[data-case='" + id + "']";
    try (Browser b = Browser.open(1920, 1080)) {
      openCases(b, manager);
      b.await(Duration.ofSeconds(10), "the case in the queue", d -> text(b, row + " .case-status") != null);
      assertThat(text(b, row + " .case-status")).isEqualTo("Open");
      assertThat(text(b, row + " .case-score")).isEqualTo("2");
      assertThat(text(b, row + " .case-comment .verbatim-comment")).isEqualTo(comment);
      assertThat(b.js("return document.querySelectorAll('#cases-list b, #cases-list script').length")).isEqualTo(0L);

      // Open it: the history (opened by the system) and the manager's buttons.
      b.click(By.cssSelector(row));
      b.await(Duration.ofSeconds(10), "the case's panel", d -> !d.findElements(By.cssSelector("#case-detail[data-case='" + id + "'] button[data-action='contacted']")).isEmpty());
      assertThat(text(b, "#case-detail .case-history")).contains("system").contains("opened");
      assertThat(b.js("return [...document.querySelectorAll('#case-detail button')].map(x => x.dataset.action).join(',')")).isEqualTo("assign,contacted,closed,note");

      // Mark contacted with a note: the REST API sees the new status, the note and who did it.
      b.driver.findElement(By.id("case-note")).sendKeys("called back, apologised");
      b.click(By.cssSelector("#case-detail button[data-action='contacted']"));
      b.await(Duration.ofSeconds(10), "contacted", d -> "Contacted".equals(text(b, row + " .case-status")));
      JsonObject after = caseById(id);
      assertThat(after.getString("status")).isEqualTo("contacted");
      assertThat(after.getValue("firstResponseAt")).isNotNull();
      JsonObject last = after.getJsonArray("history").getJsonObject(after.getJsonArray("history").size() - 1);
      assertThat(last.getString("actor")).isEqualTo("test");
      assertThat(last.getString("note")).isEqualTo("called back, apologised");
      assertThat(last.getString("toStatus")).isEqualTo("contacted");
      b.await(Duration.ofSeconds(10), "the history shows the note", d -> text(b, "#case-detail .case-history") != null
          && text(b, "#case-detail .case-history").contains("called back, apologised"));

      // Assign to me, then resolve.
      b.click(By.cssSelector("#case-detail button[data-action='assign']"));
      b.await(Duration.ofSeconds(10), "assigned", d -> "test".equals(text(b, row + " .case-assignee")));
      assertThat(caseById(id).getString("assignee")).isEqualTo("test");
      b.click(By.cssSelector("#case-detail button[data-action='resolved']"));
      b.await(Duration.ofSeconds(10), "resolved", d -> "resolved".equals(caseById(id).getString("status")));
      assertThat(caseById(id).getInteger("version")).isEqualTo(4);
      assertThat(b.js("return window.__xss === undefined")).isEqualTo(true);
    }

    // A viewer sees the queue and the history, and no action.
    server.postFeedback("acme", new JsonObject().put("eventId", "case-ui-2").put("touchpoint", "hotline").put("nps", 0).put("contactConsent", true));
    long id2 = caseOf("case-ui-2").getLong("id");
    try (Browser b = Browser.open(1920, 1080)) {
      openCases(b, server.viewerToken("acme"));
      String row2 = "tr.case-row[data-case='" + id2 + "']";
      b.await(Duration.ofSeconds(10), "the case in the queue", d -> text(b, row2 + " .case-status") != null);
      assertThat(text(b, "#cases-readonly")).startsWith("Read-only");
      b.click(By.cssSelector(row2));
      b.await(Duration.ofSeconds(10), "the history", d -> text(b, "#case-detail .case-history") != null);
      assertThat(b.js("return document.querySelectorAll('#case-detail button, #case-detail textarea').length")).isEqualTo(0L);
      assertThat(caseById(id2).getString("status")).isEqualTo("open");
    }
  }

  @Test
  void theValuePageShowsValueElementsEarnedGrowthAndWhyRevenueAtRiskIsMissing() {
    // saves-time: 9, 9, 8, 3 → 75.0% above 7, delivered; quality: 5, 6, 9 → 33.3%, not delivered.
    int[][] ratings = {{9, 5}, {9, 6}, {8, 9}, {3, -1}};
    List<JsonObject> batch = new ArrayList<>();
    for (int i = 0; i < ratings.length; i++) {
      JsonObject values = new JsonObject().put("saves-time", ratings[i][0]);
      if (ratings[i][1] >= 0) values.put("quality", ratings[i][1]);
      batch.add(new JsonObject().put("eventId", "value-" + i).put("touchpoint", "app").put("values", values));
    }
    server.postFeedback("acme", batch);
    try (Browser b = Browser.open(1920, 1080)) {
      signIn(b, server.server().port());
      b.click(By.cssSelector(".nav a[data-nav='value']"));
      b.await(Duration.ofSeconds(10), "the value elements", d -> text(b, "#value-elements tr[data-element='quality'] .share") != null);
      assertThat(text(b, "#value-elements tr[data-element='saves-time'] .share")).isEqualTo("75.0%");
      assertThat(text(b, "#value-elements tr[data-element='saves-time'] .delivered")).isEqualTo("✓ yes");
      assertThat(text(b, "#value-elements tr[data-element='quality'] .share")).isEqualTo("33.3%");
      assertThat(text(b, "#value-elements tr[data-element='quality'] .delivered")).isEqualTo("✗ no");
      assertThat(text(b, "#value-elements tr[data-element='saves-time'] td:nth-child(2)")).isEqualTo(Pages.n(4));
      // No outcome was ever sent: the page says what the server says, and shows no numbers.
      JsonObject issues = new JsonObject(server.get("/api/v1/value/issues?window=30d", manager).body());
      assertThat(issues.getBoolean("available")).isFalse();
      b.await(Duration.ofSeconds(10), "revenue at risk", d -> text(b, "#issues-unavailable") != null);
      assertThat(issues.getInteger("customers", 0)).isZero();
      assertThat(text(b, "#issues-unavailable")).startsWith("Not available: no respondents in this window with a customer id and outcome data");
      JsonObject growth = new JsonObject(server.get("/api/v1/value/earned-growth?step=month", manager).body());
      b.await(Duration.ofSeconds(10), "earned growth", d -> Long.valueOf(growth.getJsonArray("periods").size())
          .equals(b.js("return document.querySelectorAll('#earned-growth tr[data-period]').length")));
      assertThat(text(b, "#earned-growth tbody tr:first-child .eg")).as("no revenue: undefined, not 0").isEqualTo("—");
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
