// Soak load generator for bench/soak.sh (JDK only, single-file source launcher).
//
// Sends single-response POST /api/v1/feedback at a steady rate (each event retried with the same
// eventId until acknowledged: 503 → honour Retry-After, connection error/timeout → back off), keeps
// N live WebSocket clients subscribed ("w": 1h, "t": today) that reconnect with jittered exponential
// backoff and resubscribe, prints one line per minute, writes a status file every second (read by
// soak.sh for its measurements), and at the end: the acknowledged eventIds (one per line), the
// longest gaps without acknowledgements (overall and around each event listed in --events), and the
// live clients' last numbers next to GET /api/v1/scorecards.
//
// java bench/Soak.java --port P --ingest-token T --viewer-token V --seconds 1800 --rate 50 --clients 50
//      --out DIR [--events FILE]
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public class Soak {
  static final String[] TOUCHPOINTS = {"hotline", "app", "billing"};
  static final DateTimeFormatter HMS = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

  int port = 8080, rate = 50, clients = 50, seconds = 1800, drainSeconds = 90;
  String ingestToken = System.getenv("CXPULSE_INGEST_TOKEN"), viewerToken = System.getenv("CXPULSE_VIEWER_TOKEN");
  Path out = Path.of("."), events;

  final ScheduledExecutorService sched = Executors.newScheduledThreadPool(4);
  HttpClient http;
  final String stamp = Long.toString(System.currentTimeMillis(), 36);
  final AtomicLong seq = new AtomicLong();
  final List<Long> ackTimes = Collections.synchronizedList(new ArrayList<>());
  final List<String> ackIds = Collections.synchronizedList(new ArrayList<>());
  final AtomicInteger pending = new AtomicInteger();
  // at most this many requests in flight (a client with a bounded connection pool); the rest wait their turn
  final java.util.concurrent.Semaphore inflight = new java.util.concurrent.Semaphore(64);
  final AtomicLong sent = new AtomicLong(), acked = new AtomicLong(), ackDup = new AtomicLong(),
      s503 = new AtomicLong(), ioErr = new AtomicLong(), timeouts = new AtomicLong(), otherStatus = new AtomicLong(),
      retries = new AtomicLong();
  final Map<String, AtomicLong> otherByKind = new ConcurrentHashMap<>();
  // per-minute counters (index = minute since start)
  final Map<Integer, long[]> perMinute = new TreeMap<>(); // acks, 503, io, timeouts, other
  long t0;
  volatile boolean generating = true, stopping = false;
  final List<Live> lives = new ArrayList<>();

  public static void main(String[] args) throws Exception {
    Soak s = new Soak();
    for (int i = 0; i < args.length; i++) {
      String a = args[i], v = i + 1 < args.length ? args[i + 1] : null;
      switch (a) {
        case "--port" -> { s.port = Integer.parseInt(v); i++; }
        case "--rate" -> { s.rate = Integer.parseInt(v); i++; }
        case "--clients" -> { s.clients = Integer.parseInt(v); i++; }
        case "--seconds" -> { s.seconds = Integer.parseInt(v); i++; }
        case "--drain-seconds" -> { s.drainSeconds = Integer.parseInt(v); i++; }
        case "--ingest-token" -> { s.ingestToken = v; i++; }
        case "--viewer-token" -> { s.viewerToken = v; i++; }
        case "--out" -> { s.out = Path.of(v); i++; }
        case "--events" -> { s.events = Path.of(v); i++; }
        default -> throw new IllegalArgumentException("unknown option " + a);
      }
    }
    System.exit(s.run());
  }

  synchronized long[] minute(long now) {
    return perMinute.computeIfAbsent((int) ((now - t0) / 60000), k -> new long[5]);
  }

  int run() throws Exception {
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(3)).executor(Executors.newFixedThreadPool(4)).build();
    t0 = System.currentTimeMillis();
    log("soak: %d POST/s for %d s, %d live clients, port %d", rate, seconds, clients, port);
    for (int i = 0; i < clients; i++) {
      Live l = new Live(i);
      lives.add(l);
      sched.schedule(l::connect, i * 20L, TimeUnit.MILLISECONDS);
    }
    long periodNs = 1_000_000_000L / rate;
    sched.scheduleAtFixedRate(this::newEvent, 0, periodNs, TimeUnit.NANOSECONDS);
    sched.scheduleAtFixedRate(this::writeStatus, 1, 1, TimeUnit.SECONDS);
    sched.scheduleAtFixedRate(this::printMinute, 60, 60, TimeUnit.SECONDS);
    long end = t0 + seconds * 1000L;
    while (System.currentTimeMillis() < end) Thread.sleep(200);
    generating = false;
    log("generation stopped: %d events sent, %d pending; draining (at most %d s)", seq.get(), pending.get(), drainSeconds);
    long drainEnd = System.currentTimeMillis() + drainSeconds * 1000L;
    while (pending.get() > 0 && System.currentTimeMillis() < drainEnd) Thread.sleep(200);
    stopping = true;
    log("pending after drain: %d (never acknowledged)", pending.get());
    // let the last updates reach the live clients (tick 500 ms)
    Thread.sleep(4000);
    writeStatus();
    report();
    for (Live l : lives) l.close();
    sched.shutdownNow();
    return pending.get() == 0 ? 0 : 2;
  }

  void newEvent() {
    if (!generating) return;
    long n = seq.incrementAndGet();
    String id = "soak-" + stamp + "-" + n;
    ThreadLocalRandom r = ThreadLocalRandom.current();
    String tp = TOUCHPOINTS[(int) (n % TOUCHPOINTS.length)];
    String body = "{\"eventId\":\"" + id + "\",\"touchpoint\":\"" + tp + "\",\"nps\":" + (r.nextDouble() < 0.2 ? r.nextInt(7) : 7 + r.nextInt(4))
        + (r.nextBoolean() ? ",\"csat\":" + (1 + r.nextInt(5)) : "") + "}";
    pending.incrementAndGet();
    send(id, body, 0);
  }

  void send(String id, String body, int attempt) {
    if (stopping) return;
    if (!inflight.tryAcquire()) {
      sched.schedule(() -> send(id, body, attempt), 20, TimeUnit.MILLISECONDS);
      return;
    }
    if (attempt == 0) sent.incrementAndGet(); else retries.incrementAndGet();
    HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/feedback"))
        .timeout(Duration.ofSeconds(10))
        .header("Authorization", "Bearer " + ingestToken).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    http.sendAsync(req, HttpResponse.BodyHandlers.ofString()).whenComplete((resp, err) -> {
      inflight.release();
      long now = System.currentTimeMillis();
      long delayMs;
      if (err != null) {
        Throwable c = err.getCause() != null ? err.getCause() : err;
        boolean timeout = c instanceof java.net.http.HttpTimeoutException;
        synchronized (this) { minute(now)[timeout ? 3 : 2]++; }
        (timeout ? timeouts : ioErr).incrementAndGet();
        delayMs = backoff(attempt);
      } else if (resp.statusCode() == 200 && (resp.body().contains("\"accepted\":1") || resp.body().contains("\"duplicates\":1"))) {
        if (resp.body().contains("\"duplicates\":1")) ackDup.incrementAndGet();
        acked.incrementAndGet();
        ackTimes.add(now);
        ackIds.add(id);
        synchronized (this) { minute(now)[0]++; }
        pending.decrementAndGet();
        return;
      } else if (resp.statusCode() == 503) {
        s503.incrementAndGet();
        synchronized (this) { minute(now)[1]++; }
        long ra = resp.headers().firstValue("Retry-After").map(v -> {
          try { return Long.parseLong(v.trim()) * 1000; } catch (NumberFormatException e) { return 1000L; }
        }).orElse(1000L);
        delayMs = Math.max(ra, 100) + ThreadLocalRandom.current().nextLong(250);
      } else {
        otherStatus.incrementAndGet();
        otherByKind.computeIfAbsent(resp.statusCode() + " " + cut(resp.body()), k -> new AtomicLong()).incrementAndGet();
        synchronized (this) { minute(now)[4]++; }
        delayMs = backoff(attempt);
      }
      if (stopping) return;
      sched.schedule(() -> send(id, body, attempt + 1), delayMs, TimeUnit.MILLISECONDS);
    });
  }

  static String cut(String s) { return s.length() > 120 ? s.substring(0, 120) : s; }

  static long backoff(int attempt) {
    double d = Math.min(5000, 200 * Math.pow(2, Math.min(attempt, 10)));
    return (long) (d * (0.5 + 0.5 * ThreadLocalRandom.current().nextDouble()));
  }

  int connected() {
    int n = 0;
    for (Live l : lives) if (l.subscribed) n++;
    return n;
  }

  void writeStatus() {
    try {
      Files.writeString(out.resolve("status.tmp"), "connected=" + connected() + "\nacked=" + acked.get() + "\nsent=" + seq.get()
          + "\npending=" + pending.get() + "\n503=" + s503.get() + "\nioerr=" + ioErr.get() + "\ntimeouts=" + timeouts.get()
          + "\nreconnects=" + lives.stream().mapToLong(l -> l.connects.get() - 1).sum() + "\n");
      Files.move(out.resolve("status.tmp"), out.resolve("status"), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      // next second
    }
  }

  void printMinute() {
    long now = System.currentTimeMillis();
    int m = (int) ((now - t0) / 60000) - 1;
    long[] c;
    synchronized (this) { c = perMinute.getOrDefault(m, new long[5]); }
    log("minute %2d: acked %5d (%.1f/s)  503 %d  conn-err %d  timeouts %d  other %d  | pending %d  live subscribed %d/%d  ws connects %d",
        m + 1, c[0], c[0] / 60.0, c[1], c[2], c[3], c[4], pending.get(), connected(), clients,
        lives.stream().mapToLong(l -> l.connects.get()).sum());
  }

  void report() throws Exception {
    List<String> ids;
    synchronized (ackIds) { ids = new ArrayList<>(ackIds); }
    Files.write(out.resolve("acked.txt"), ids);
    log("totals: events %d, acknowledged %d (of them %d answered as duplicates of an earlier attempt), never acknowledged %d; "
        + "retries %d; 503 %d, connection errors %d, timeouts %d, other %d",
        seq.get(), acked.get(), ackDup.get(), pending.get(), retries.get(), s503.get(), ioErr.get(), timeouts.get(), otherStatus.get());
    otherByKind.forEach((k, v) -> log("  other reply x%d: %s", v.get(), k));
    System.out.println();
    System.out.println("acknowledged per minute:");
    System.out.println("minute  acked  per_s   503  conn_err  timeouts  other");
    synchronized (this) {
      for (Map.Entry<Integer, long[]> e : perMinute.entrySet()) {
        long[] c = e.getValue();
        System.out.printf("%6d %6d %6.1f %5d %9d %9d %6d%n", e.getKey() + 1, c[0], c[0] / 60.0, c[1], c[2], c[3], c[4]);
      }
    }
    List<Long> times;
    synchronized (ackTimes) { times = new ArrayList<>(ackTimes); }
    Collections.sort(times);
    // longest gaps overall
    List<long[]> gaps = new ArrayList<>();
    for (int i = 1; i < times.size(); i++) gaps.add(new long[] {times.get(i) - times.get(i - 1), times.get(i - 1), times.get(i)});
    gaps.sort((a, b) -> Long.compare(b[0], a[0]));
    System.out.println();
    System.out.println("longest gaps without an acknowledgement (whole run):");
    for (int i = 0; i < Math.min(5, gaps.size()); i++) {
      long[] g = gaps.get(i);
      System.out.printf("  %7.3f s  %s → %s%n", g[0] / 1000.0, HMS.format(Instant.ofEpochMilli(g[1])), HMS.format(Instant.ofEpochMilli(g[2])));
    }
    if (events != null && Files.exists(events)) {
      System.out.println();
      System.out.println("around each event (longest gap between acknowledgements within [event − 30 s, event + 180 s]):");
      List<String> evLines = Files.readAllLines(events);
      for (int k = 0; k < evLines.size(); k++) {
        String[] p = evLines.get(k).trim().split("\\s+", 2);
        if (p.length < 2) continue;
        long ev = Long.parseLong(p[0]);
        long next = k + 1 < evLines.size() ? Long.parseLong(evLines.get(k + 1).trim().split("\\s+")[0]) : Long.MAX_VALUE;
        long lo = ev - 30_000, hi = Math.min(ev + 180_000, next), best = 0, bs = 0, be = 0, lastBefore = 0, firstAfter = 0;
        for (int i = 1; i < times.size(); i++) {
          long a = times.get(i - 1), b = times.get(i);
          if (b < lo || a > hi) continue;
          if (b - a > best) { best = b - a; bs = a; be = b; }
        }
        for (long t : times) { if (t <= ev) lastBefore = t; else { firstAfter = t; break; } }
        System.out.printf("  %-28s at %s: longest gap %.3f s (%s → %s); last ack before %s, first after %s%n", p[1],
            HMS.format(Instant.ofEpochMilli(ev)), best / 1000.0, HMS.format(Instant.ofEpochMilli(bs)), HMS.format(Instant.ofEpochMilli(be)),
            lastBefore == 0 ? "-" : HMS.format(Instant.ofEpochMilli(lastBefore)),
            firstAfter == 0 ? "-" : String.format("%s (+%.3f s)", HMS.format(Instant.ofEpochMilli(firstAfter)), (firstAfter - ev) / 1000.0));
      }
    }
    // live clients vs REST
    System.out.println();
    System.out.println("live clients' last numbers vs GET /api/v1/scorecards (after the load stopped):");
    for (String[] sub : new String[][] {{"w", "1h"}, {"t", "today"}}) {
      Map<Long, Integer> values = new TreeMap<>();
      int none = 0;
      for (Live l : lives) {
        if (!l.subscribed) { none++; continue; }
        Long v = l.lastResponses.get(sub[0]);
        if (v == null) none++; else values.merge(v, 1, Integer::sum);
      }
      long rest = -1;
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/scorecards?window=" + sub[1]))
            .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + viewerToken).GET().build(), HttpResponse.BodyHandlers.ofString());
        Long v = overallResponses(r.body());
        rest = v == null ? -2 : v;
      } catch (Exception e) {
        log("GET scorecards failed: %s", e);
      }
      System.out.printf("  window %-5s: live overall.responses %s (clients not subscribed at the end: %d); GET: %d → %s%n", sub[1], values, none, rest,
          values.size() == 1 && values.containsKey(rest) ? "EQUAL" : "DIFFERENT");
    }
    long closesByCode = 0;
    Map<Integer, Integer> codes = new TreeMap<>();
    for (Live l : lives) l.closeCodes.forEach((k, v) -> codes.merge(k, v, Integer::sum));
    System.out.printf("  live: connects %d in all (%d clients), close codes seen %s, seq gaps %d, errors %d%n",
        lives.stream().mapToLong(l -> l.connects.get()).sum(), clients, codes,
        lives.stream().mapToLong(l -> l.seqGaps.get()).sum(), lives.stream().mapToLong(l -> l.errors.get()).sum());
  }

  static final Pattern RESPONSES = Pattern.compile("\"responses\"\\s*:\\s*(\\d+)");

  /** overall.responses of a scorecards body (the first "responses" after "overall"). */
  static Long overallResponses(String body) {
    int i = body.indexOf("\"overall\"");
    if (i < 0) return null;
    Matcher m = RESPONSES.matcher(body);
    return m.find(i) ? Long.parseLong(m.group(1)) : null;
  }

  static void log(String fmt, Object... args) {
    System.out.println("[soak " + HMS.format(Instant.now()) + "] " + String.format(fmt, args));
    System.out.flush();
  }

  /** One live client: auth, subscribe w (1h) and t (today), reconnect with jittered backoff. */
  class Live implements WebSocket.Listener {
    final int idx;
    volatile WebSocket ws;
    volatile boolean subscribed;
    volatile long lastMessage;
    int attempt;
    final AtomicLong connects = new AtomicLong(), seqGaps = new AtomicLong(), errors = new AtomicLong();
    final Map<String, Long> lastSeq = new ConcurrentHashMap<>(), lastResponses = new ConcurrentHashMap<>();
    final Map<Integer, Integer> closeCodes = new ConcurrentHashMap<>();
    StringBuilder buf = new StringBuilder();
    volatile boolean reconnectScheduled;
    java.util.concurrent.ScheduledFuture<?> watchdog;

    Live(int idx) { this.idx = idx; }

    void connect() {
      if (stopping) return;
      reconnectScheduled = false;
      connects.incrementAndGet();
      buf = new StringBuilder();
      lastSeq.clear();
      http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
          .buildAsync(URI.create("ws://127.0.0.1:" + port + "/api/v1/live"), this)
          .whenComplete((w, err) -> {
            if (err != null) { scheduleReconnect(); return; }
            ws = w;
            lastMessage = System.currentTimeMillis();
            w.sendText("{\"type\":\"auth\",\"token\":\"" + viewerToken + "\"}", true);
          });
    }

    void scheduleReconnect() {
      subscribed = false;
      if (stopping || reconnectScheduled) return;
      reconnectScheduled = true;
      WebSocket w = ws;
      ws = null;
      if (w != null) w.abort();
      double d = Math.min(30000, 500 * Math.pow(2, Math.min(attempt++, 10))) * (0.5 + 0.5 * ThreadLocalRandom.current().nextDouble());
      sched.schedule(this::connect, (long) d, TimeUnit.MILLISECONDS);
    }

    void close() {
      WebSocket w = ws;
      if (w != null) w.abort();
    }

    @Override
    public void onOpen(WebSocket w) {
      w.request(1);
      if (watchdog == null) {
        watchdog = sched.scheduleAtFixedRate(() -> {
          WebSocket cur = ws;
          if (cur == null || stopping) return;
          long silent = System.currentTimeMillis() - lastMessage;
          if (silent > 45_000) { errors.incrementAndGet(); scheduleReconnect(); }
          else cur.sendText("{\"type\":\"ping\"}", true);
        }, 15 + idx % 5, 15, TimeUnit.SECONDS);
      }
    }

    @Override
    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
      buf.append(data);
      if (last) {
        String m = buf.toString();
        buf = new StringBuilder();
        handle(w, m);
      }
      w.request(1);
      return null;
    }

    void handle(WebSocket w, String m) {
      lastMessage = System.currentTimeMillis();
      String head = m.length() > 200 ? m.substring(0, 200) : m;
      if (head.contains("\"type\":\"ready\"")) {
        w.sendText("{\"type\":\"subscribe\",\"id\":\"w\",\"window\":\"1h\"}", true);
        w.sendText("{\"type\":\"subscribe\",\"id\":\"t\",\"window\":\"today\"}", true);
        return;
      }
      boolean snap = head.contains("\"type\":\"snapshot\""), upd = head.contains("\"type\":\"update\"");
      if (snap || upd) {
        Matcher im = Pattern.compile("\"id\":\"([^\"]+)\"").matcher(head);
        Matcher sm = Pattern.compile("\"seq\":(\\d+)").matcher(head);
        String id = im.find() ? im.group(1) : "?";
        long s = sm.find() ? Long.parseLong(sm.group(1)) : -1;
        Long prev = lastSeq.put(id, s);
        if (upd && prev != null && s != prev + 1) {
          seqGaps.incrementAndGet();
          w.sendText("{\"type\":\"subscribe\",\"id\":\"" + id + "\",\"window\":\"" + (id.equals("w") ? "1h" : "today") + "\"}", true);
        }
        Long v = overallResponses(m);
        if (v != null) lastResponses.put(id, v);
        if (snap && lastSeq.containsKey("w") && lastSeq.containsKey("t")) { subscribed = true; attempt = 0; }
      } else if (head.contains("\"type\":\"ping\"")) {
        w.sendText("{\"type\":\"pong\"}", true);
      } else if (head.contains("\"type\":\"error\"")) {
        errors.incrementAndGet();
        log("live client %d error: %s", idx, cut(m));
      }
    }

    @Override
    public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
      closeCodes.merge(code, 1, Integer::sum);
      if (code == 4401 || code == 4403) log("live client %d closed %d %s (would not retry in a real client; retrying)", idx, code, reason);
      if (w == ws) scheduleReconnect();
      return null;
    }

    @Override
    public void onError(WebSocket w, Throwable error) {
      closeCodes.merge(-1, 1, Integer::sum);
      if (w == ws || ws == null) scheduleReconnect();
    }
  }
}
