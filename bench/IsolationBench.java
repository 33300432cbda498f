import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One tenant cannot hurt another (issue 19): the read latency of a quiet tenant, first alone, then
 * while one token of another tenant floods wide verbatim searches from many threads. JDK only:
 *
 *   java bench/IsolationBench.java --port P --quiet-token T1 --flood-token T2 [--seconds 20] [--threads 16]
 *
 * The quiet tenant reads at a steady 5 requests a second (scorecards, a verbatim page, trends, in
 * turn: well within its own read budget); the flood sends GET /api/v1/verbatims?q=%25%25&limit=200
 * as fast as each thread gets answers, ignoring Retry-After. Prints p50/p95/max of the quiet
 * tenant in both phases, their ratio, /health/ready during the flood, and the flood's statuses.
 * Only localhost.
 */
public final class IsolationBench {
  public static void main(String[] args) throws Exception {
    Map<String, String> o = new TreeMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) o.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    int port = Integer.parseInt(o.get("port"));
    String quiet = o.get("quiet-token");
    String flood = o.get("flood-token");
    int seconds = Integer.parseInt(o.getOrDefault("seconds", "20"));
    int threads = Integer.parseInt(o.getOrDefault("threads", "16"));
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    String base = "http://127.0.0.1:" + port;

    pace(http, base, quiet, 5); // warm-up
    List<Long> alone = pace(http, base, quiet, seconds);

    AtomicBoolean stop = new AtomicBoolean();
    Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
    List<Thread> flooders = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread th = new Thread(() -> {
        while (!stop.get()) {
          int status;
          try {
            status = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/verbatims?q=%25%25&limit=200&window=30d"))
                .header("Authorization", "Bearer " + flood).timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
          } catch (Exception e) {
            status = -1;
          }
          statuses.computeIfAbsent(status, k -> new AtomicInteger()).incrementAndGet();
        }
      });
      th.setDaemon(true);
      flooders.add(th);
      th.start();
    }
    Thread.sleep(2_000);
    int[] ready = {0, 0};
    Thread health = new Thread(() -> {
      while (!stop.get()) {
        try {
          int s = http.send(HttpRequest.newBuilder(URI.create(base + "/health/ready")).timeout(Duration.ofSeconds(10)).build(),
              HttpResponse.BodyHandlers.discarding()).statusCode();
          ready[s == 200 ? 0 : 1]++;
          Thread.sleep(1_000);
        } catch (Exception e) {
          ready[1]++;
        }
      }
    });
    health.setDaemon(true);
    health.start();
    List<Long> flooded = pace(http, base, quiet, seconds);
    stop.set(true);
    for (Thread t : flooders) t.join(65_000);

    System.out.printf("quiet tenant alone:         n=%d p50 %d ms  p95 %d ms  max %d ms%n", alone.size(), pct(alone, 50),
        pct(alone, 95), pct(alone, 100));
    System.out.printf("quiet tenant during flood:  n=%d p50 %d ms  p95 %d ms  max %d ms%n", flooded.size(), pct(flooded, 50),
        pct(flooded, 95), pct(flooded, 100));
    System.out.printf("p95 ratio flood/alone:      %.2f%n", pct(flooded, 95) / (double) Math.max(1, pct(alone, 95)));
    System.out.printf("/health/ready during flood: %d × 200, %d × other%n", ready[0], ready[1]);
    System.out.printf("flood statuses (%d threads, one token): %s%n", threads, new TreeMap<>(statuses));
  }

  /** Requests at 5 per second for {@code seconds}; the latency of each, or fails on a non-200. */
  private static List<Long> pace(HttpClient http, String base, String token, int seconds) throws Exception {
    String[] paths = {"/api/v1/scorecards?window=today", "/api/v1/verbatims?limit=20", "/api/v1/trends?step=hour&window=24h"};
    List<Long> out = new ArrayList<>();
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    for (int i = 0; System.nanoTime() < end; i++) {
      long started = System.nanoTime();
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + paths[i % paths.length]))
          .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
      long ms = (System.nanoTime() - started) / 1_000_000;
      if (r.statusCode() != 200) throw new IllegalStateException(paths[i % paths.length] + " → " + r.statusCode() + " " + r.body());
      out.add(ms);
      Thread.sleep(Math.max(0, 200 - ms));
    }
    return out;
  }

  private static long pct(List<Long> values, int p) {
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(Math.max(0, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
  }
}
