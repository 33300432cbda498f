package io.cxpulse.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Level;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven through Debian's chromedriver. Nothing is downloaded: the
 * driver and the browser are given by path, so Selenium Manager is never asked. A missing
 * browser fails the test (CI installs it in .ci/run); it never skips.
 */
final class Browser implements AutoCloseable {
  static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CHROMIUM_BIN", "/usr/bin/chromium"));
  static final Path CHROMEDRIVER = Path.of(System.getenv().getOrDefault("CHROMEDRIVER_BIN", "/usr/bin/chromedriver"));

  // Held here: java.util.logging keeps loggers weakly, and a collected logger forgets its level.
  private static final java.util.logging.Logger SELENIUM_LOG = java.util.logging.Logger.getLogger("org.openqa.selenium");
  private static final java.util.logging.Logger CDP_LOG = java.util.logging.Logger.getLogger("org.openqa.selenium.devtools");

  final ChromeDriver driver;
  private final Path profile;

  private Browser(int width, int height, double scale) {
    assertThat(Files.isExecutable(CHROMIUM))
        .as("Debian's chromium at %s (apt-get install chromium chromium-driver; .ci/run does this)", CHROMIUM).isTrue();
    assertThat(Files.isExecutable(CHROMEDRIVER))
        .as("Debian's chromedriver at %s (apt-get install chromium-driver; .ci/run does this)", CHROMEDRIVER).isTrue();
    System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
    System.setProperty("webdriver.chrome.silentOutput", "true");
    SELENIUM_LOG.setLevel(Level.WARNING);
    CDP_LOG.setLevel(Level.SEVERE); // "no CDP implementation matching <version>": these tests use WebDriver only
    try {
      profile = Files.createTempDirectory("cxpulse-chromium");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        "--no-default-browser-check", "--disable-extensions", "--hide-scrollbars=false", "--lang=en-US",
        "--user-data-dir=" + profile, "--window-size=" + width + "," + height,
        "--force-device-scale-factor=" + scale);
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
    driver = new ChromeDriver(service, options);
    // --window-size sets the outer window; make the page's viewport exactly width × height.
    resizeViewport(width, height);
  }

  static Browser open(int width, int height) {
    return new Browser(width, height, 1.0);
  }

  static Browser open(int width, int height, double scale) {
    return new Browser(width, height, scale);
  }

  void resizeViewport(int width, int height) {
    driver.manage().window().setSize(new Dimension(width, height));
    @SuppressWarnings("unchecked")
    List<Long> inner = (List<Long>) js("return [window.innerWidth, window.innerHeight]");
    int dw = width - inner.get(0).intValue();
    int dh = height - inner.get(1).intValue();
    if (dw != 0 || dh != 0) driver.manage().window().setSize(new Dimension(width + dw, height + dh));
  }

  Object js(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  Object jsAsync(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeAsyncScript(script, args);
  }

  /** Clicks an element of a live page, finding it again if an update replaced it meanwhile. */
  void click(org.openqa.selenium.By by) {
    await(Duration.ofSeconds(10), "click " + by, d -> {
      try {
        d.findElement(by).click();
        return true;
      } catch (org.openqa.selenium.StaleElementReferenceException | org.openqa.selenium.NoSuchElementException e) {
        return false;
      }
    });
  }

  <T> T await(Duration timeout, String what, Function<WebDriver, T> condition) {
    return new WebDriverWait(driver, timeout, Duration.ofMillis(25)).withMessage(what).until(condition);
  }

  /** Writes a PNG of the viewport to target/screenshots/NAME.png and returns its path. */
  Path screenshot(String name) {
    try {
      Path dir = screenshotDir();
      Files.createDirectories(dir);
      Path file = dir.resolve(name + ".png");
      Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A full-page PNG (the console scrolls), by sizing the window to the page for the shot. */
  Path fullPageScreenshot(String name, int width) {
    Number h = (Number) js("return Math.ceil(document.documentElement.scrollHeight)");
    Number vh = (Number) js("return window.innerHeight");
    if (h.intValue() > vh.intValue()) resizeViewport(width, Math.min(h.intValue(), 4000));
    Path file = screenshot(name);
    resizeViewport(width, vh.intValue());
    return file;
  }

  static Path screenshotDir() {
    return Path.of(System.getProperty("basedir", ".")).resolve("target").resolve("screenshots");
  }

  /** Whether the page has anything to scroll (the wall must not). */
  Map<String, Object> overflow() {
    @SuppressWarnings("unchecked")
    Map<String, Object> m = (Map<String, Object>) js("const d = document.documentElement;"
        + "return {sw: d.scrollWidth, sh: d.scrollHeight, w: window.innerWidth, h: window.innerHeight};");
    return m;
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      try (var files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException ignored) {
        // a temp dir
      }
    }
  }
}
