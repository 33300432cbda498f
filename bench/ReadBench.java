import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Read latency benchmark for cxpulse: N sequential requests per endpoint on one keep-alive
 * connection (java.net.http, HTTP/1.1), several rounds, the do-nothing POST /api/v1/noop of the same
 * server measured in every round as the ceiling. JDK only:
 *
 *   java bench/ReadBench.java --port P --token T --spec FILE [--requests 30] [--warmup 5] [--rounds 3]
 *
 * FILE: one request a line, "name  METHOD  /path?query" (whitespace-separated; # comments). The
 * noop line is added first unless the file has one named noop. Per endpoint and round: p50 and p95
 * of the N latencies (ms, request sent → whole body read); then the medians over the rounds and
 * the ratios to noop's. Non-200 replies are counted and the first one printed. Only localhost.
 */
public final class ReadBench {
  record Req(String name, String method, String path) {}

  public static void main(String[] args) throws Exception {
    Map<String, String> o = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) usage("bad argument " + args[i]);
      o.put(args[i].substring(2), args[i + 1]);
    }
    if (args.length % 2 != 0) usage("odd number of arguments");
    for (String k : o.keySet()) {
      if (!List.of("port", "token", "spec", "requests", "warmup", "rounds").contains(k)) usage("unknown option --" + k);
    }
    int port = Integer.parseInt(o.getOrDefault("port", "8080"));
    String token = o.getOrDefault("token", System.getenv("CXPULSE_TOKEN"));
    if (token == null || !o.containsKey("spec")) usage("--token (or CXPULSE_TOKEN) and --spec are required");
    int n = Integer.parseInt(o.getOrDefault("requests", "30"));
    int warmup = Integer.parseInt(o.getOrDefault("warmup", "5"));
    int rounds = Integer.parseInt(o.getOrDefault("rounds", "3"));
    if (n < 1 || n > 10_000 || warmup < 0 || warmup > 1000 || rounds < 1 || rounds > 100) usage("out of range");

    List<Req> reqs = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of(o.get("spec")), StandardCharsets.UTF_8)) {
      String t = line.strip();
      if (t.isEmpty() || t.startsWith("#")) continue;
      String[] f = t.split("\\s+");
      if (f.length != 3) usage("spec line needs name METHOD path: " + line);
      reqs.add(new Req(f[0], f[1], f[2]));
    }
    if (reqs.stream().noneMatch(r -> r.name.equals("noop"))) reqs.add(0, new Req("noop", "POST", "/api/v1/noop"));

    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
    Map<String, List<double[]>> perRound = new LinkedHashMap<>(); // name → per round {p50, p95, max}
    Map<String, Long> bytes = new HashMap<>();
    Map<String, Integer> errors = new HashMap<>();
    System.out.printf(Locale.ROOT, "%d round(s) × %d sequential requests per endpoint (after %d unmeasured), one connection%n",
        rounds, n, warmup);
    System.out.printf(Locale.ROOT, "%-5s %-26s %9s %9s %9s %8s%n", "round", "name", "p50 ms", "p95 ms", "max ms", "bytes");
    for (int round = 1; round <= rounds; round++) {
      for (Req r : reqs) {
        double[] lat = new double[n];
        for (int i = -warmup; i < n; i++) {
          HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + r.path))
              .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + token);
          if (r.method.equals("POST")) {
            b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}"));
          } else {
            b.GET();
          }
          long t0 = System.nanoTime();
          HttpResponse<byte[]> resp = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
          double ms = (System.nanoTime() - t0) / 1e6;
          if (resp.statusCode() != 200) {
            if (errors.merge(r.name, 1, Integer::sum) == 1) {
              String body = new String(resp.body(), StandardCharsets.UTF_8);
              System.out.printf("  %s: HTTP %d %s%n", r.name, resp.statusCode(), body.substring(0, Math.min(300, body.length())));
            }
          }
          bytes.put(r.name, (long) resp.body().length);
          if (i >= 0) lat[i] = ms;
        }
        Arrays.sort(lat);
        double[] s = {pct(lat, 50), pct(lat, 95), lat[n - 1]};
        perRound.computeIfAbsent(r.name, k -> new ArrayList<>()).add(s);
        System.out.printf(Locale.ROOT, "%-5d %-26s %9.2f %9.2f %9.2f %8d%n", round, r.name, s[0], s[1], s[2], bytes.get(r.name));
      }
    }
    System.out.printf(Locale.ROOT, "%nmedians over %d round(s) (p50, p95 of each round's %d requests); ratio = endpoint / noop%n", rounds, n);
    System.out.printf(Locale.ROOT, "%-26s %9s %9s %10s %10s %8s %7s%n", "name", "p50 ms", "p95 ms", "p50/noop", "p95/noop",
        "bytes", "non-200");
    double noop50 = median(perRound.get("noop"), 0);
    double noop95 = median(perRound.get("noop"), 1);
    for (Map.Entry<String, List<double[]>> e : perRound.entrySet()) {
      double p50 = median(e.getValue(), 0);
      double p95 = median(e.getValue(), 1);
      System.out.printf(Locale.ROOT, "%-26s %9.2f %9.2f %10.1f %10.1f %8d %7d%n", e.getKey(), p50, p95, p50 / noop50,
          p95 / noop95, bytes.get(e.getKey()), errors.getOrDefault(e.getKey(), 0));
    }
    int total = errors.values().stream().mapToInt(Integer::intValue).sum();
    System.out.println("non-200 replies: " + total);
    if (total > 0) System.exit(1);
  }

  static double pct(double[] sorted, int p) {
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  static double median(List<double[]> xs, int k) {
    double[] v = xs.stream().mapToDouble(a -> a[k]).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  static void usage(String why) {
    System.err.println("ReadBench: " + why + "\nusage: java bench/ReadBench.java --port P --token T --spec FILE"
        + " [--requests 30] [--warmup 5] [--rounds 3]");
    System.exit(2);
  }
}
