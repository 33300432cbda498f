import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Live-push benchmark for cxpulse: N WebSocket clients on /api/v1/live (one subscription each,
 * spread over ~10 distinct views), single-response POSTs at a steady rate to one touchpoint that
 * every view watches, and, in one run:
 * <ul>
 *   <li>the time from a POST's 200 arriving to each client receiving the first update that
 *       includes that response (p50/p99 over all (post, client) pairs), with missed updates and
 *       seq gaps;</li>
 *   <li>the server's heap per connected client (jcmd GC.run + GC.heap_info before connecting and
 *       after all clients are connected and subscribed, idle; several cycles, median);</li>
 *   <li>the frames and bytes the server sends per tick, counted by the clients (every WebSocket
 *       frame and its wire bytes, by message type);</li>
 *   <li>the server's and PostgreSQL's CPU during the measured window, from /proc.</li>
 * </ul>
 * JDK only (single-file source launcher); the WebSocket client is a hand-written RFC 6455 client
 * on one NIO selector thread, so frames are counted exactly. Only 127.0.0.1 is contacted; every
 * loop is bounded by a deadline and a count.
 *
 * <p>How "includes that response" is known: every bench POST carries {@code csat3} (a scale the demo
 * generator never sends), so {@code data.overall.csat3.n} of every view (all of them contain the
 * bench touchpoint) counts exactly the bench responses in the window. POSTs go one after the other
 * on one keep-alive connection, so commit order is send order: an update with
 * {@code csat3.n = base + k} includes the first k POSTs of the run and no other.
 *
 * <pre>
 *   java bench/LiveBench.java --port P --viewer-token V --ingest-token I [--clients 1000] [--rate 20]
 *       [--seconds 30] [--runs 3] [--warmup 5] [--heap-cycles 3] [--touchpoint hotline]
 *       [--detractors 0.3] [--server-pid PID] [--pg-pid PID]
 * </pre>
 */
public final class LiveBench {
  static final long CLK_TCK = 100; // USER_HZ; /proc/<pid>/stat times are in these ticks
  static final int MAX_CLIENTS = 20_000;
  static final byte[] CSAT3_N = "\"csat3\":{\"n\":".getBytes(StandardCharsets.US_ASCII);
  static final byte[] SEQ = "\"seq\":".getBytes(StandardCharsets.US_ASCII);
  static final byte[] TYPE = "\"type\":\"".getBytes(StandardCharsets.US_ASCII);

  record Options(int port, String viewerToken, String ingestToken, int clients, double rate, int seconds, int runs,
      int warmup, int heapCycles, String touchpoint, List<String> otherTouchpoints, double detractors, long serverPid,
      long pgPid, int connectBatch, int settleMs) {}

  /** One distinct view: a window and a touchpoint set (null = everything the token may see). */
  record View(String name, String window, List<String> touchpoints) {
    String subscribeJson(String id) {
      StringBuilder b = new StringBuilder("{\"type\":\"subscribe\",\"id\":\"").append(id).append("\",\"window\":\"")
          .append(window).append('"');
      if (touchpoints != null) {
        b.append(",\"touchpoints\":[");
        for (int i = 0; i < touchpoints.size(); i++) b.append(i == 0 ? "" : ",").append('"').append(touchpoints.get(i)).append('"');
        b.append(']');
      }
      return b.append('}').toString();
    }
  }

  public static void main(String[] args) throws Exception {
    Options o = parse(args);
    List<View> views = views(o);
    System.out.printf(Locale.ROOT, "cxpulse live bench: clients=%d views=%d rate=%.1f/s seconds=%d runs=%d warmup=%d "
            + "heap-cycles=%d touchpoint=%s detractors=%.2f port=%d cores=%d%n", o.clients, views.size(), o.rate,
        o.seconds, o.runs, o.warmup, o.heapCycles, o.touchpoint, o.detractors, o.port,
        Runtime.getRuntime().availableProcessors());
    for (int i = 0; i < views.size(); i++) {
      View v = views.get(i);
      System.out.printf(Locale.ROOT, "  view %-2d %-6s %s (%d clients)%n", i, v.window, v.touchpoints == null ? "all touchpoints"
          : String.join(",", v.touchpoints), (o.clients - i + views.size() - 1) / views.size());
    }
    Metrics metrics = new Metrics(o.port, o.viewerToken);
    Thread watchdog = new Thread(WATCHDOG, "watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
    Ws ws = new Ws(o, views);
    Thread loop = new Thread(ws::loop, "ws-selector");
    loop.setDaemon(true);
    loop.start();
    int rc = 0;
    try {
      HeapResult heap = heapPhase(o, ws);
      List<RunResult> results = new ArrayList<>();
      System.out.println();
      System.out.println("Latency: update received − POST acknowledged, over every (post, client) pair; 'spread' = last"
          + " client − first client for the same post; ack = POST send → 200.");
      System.out.println("Traffic in the measured window, as the clients received it: msgs/frames/KB per tick are"
          + " per tick of the server (all clients together); upd = update messages, alert = detractor alerts;");
      System.out.println("CPU in cores over the measured window: srv server JVM, pg PostgreSQL, cli this client, rest"
          + " everything else, idle; srv ms/tick = server CPU per tick.");
      System.out.println(RunResult.HEADER);
      long posted = 0;
      for (int r = o.warmup > 0 ? 0 : 1; r <= o.runs; r++) {
        int seconds = r == 0 ? o.warmup : o.seconds;
        RunResult res = run(o, ws, metrics, r, seconds, posted);
        posted += res.accepted;
        System.out.println(res.format());
        if (r > 0) results.add(res);
        if (!res.problems.isEmpty()) System.out.println("      " + String.join("; ", res.problems));
        System.out.println("      " + res.diagnostics);
      }
      summarize(o, ws, heap, results);
      rc = results.stream().allMatch(RunResult::clean) && ws.closedByServer == 0 ? 0 : 1;
    } finally {
      ws.submit(() -> { ws.stop = true; return null; });
      loop.join(5_000);
      ws.closeAllNow();
    }
    System.exit(rc);
  }

  static List<View> views(Options o) {
    List<List<String>> sets = new ArrayList<>();
    sets.add(List.of(o.touchpoint));
    List<String> three = new ArrayList<>();
    three.add(o.touchpoint);
    three.addAll(o.otherTouchpoints);
    sets.add(three);
    sets.add(null);
    List<View> out = new ArrayList<>();
    for (String w : List.of("15m", "1h", "today")) {
      for (List<String> s : sets) out.add(new View(w + "/" + (s == null ? "all" : s.size()), w, s));
    }
    out.add(new View("24h/all", "24h", null));
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // Heap per client.

  record HeapSample(long heapBeforeKb, long heapAfterKb, long rssBeforeKb, long rssAfterKb, double connectSeconds) {
    double heapPerClient(int n) { return (heapAfterKb - heapBeforeKb) * 1024.0 / n; }
    double rssPerClient(int n) { return (rssAfterKb - rssBeforeKb) * 1024.0 / n; }
  }

  record HeapResult(List<HeapSample> samples, Map<String, long[]> histogramDelta) {}

  static HeapResult heapPhase(Options o, Ws ws) throws Exception {
    List<HeapSample> samples = new ArrayList<>();
    Map<String, long[]> histDelta = null;
    boolean jcmd = o.serverPid > 0;
    if (!jcmd) System.out.println("no --server-pid: heap per client is not measured");
    int cycles = Math.max(1, o.heapCycles);
    System.out.println();
    System.out.println("Heap: used heap after a full GC (jcmd GC.run, then GC.heap_info) with no client, then with all "
        + o.clients + " connected, authenticated, subscribed and idle; RSS from /proc/<pid>/status.");
    System.out.printf(Locale.ROOT, "%-6s %12s %12s %10s %12s %12s %10s %9s%n", "cycle", "heap0 KB", "heapN KB",
        "B/client", "rss0 KB", "rssN KB", "B/client", "connect s");
    for (int cycle = 1; cycle <= cycles; cycle++) {
      Thread.sleep(o.settleMs);
      boolean last = cycle == cycles;
      Map<String, long[]> histBefore = jcmd && last ? Jcmd.histogram(o.serverPid) : null;
      long heap0 = jcmd ? Jcmd.usedHeapAfterGc(o.serverPid) : -1;
      long rss0 = jcmd ? rssKb(o.serverPid) : -1;
      long t0 = System.nanoTime();
      ws.connectAll();
      double connectSeconds = (System.nanoTime() - t0) / 1e9;
      Thread.sleep(o.settleMs);
      long heapN = jcmd ? Jcmd.usedHeapAfterGc(o.serverPid) : -1;
      long rssN = jcmd ? rssKb(o.serverPid) : -1;
      if (jcmd && last) histDelta = Jcmd.delta(histBefore, Jcmd.histogram(o.serverPid));
      HeapSample s = new HeapSample(heap0, heapN, rss0, rssN, connectSeconds);
      samples.add(s);
      System.out.printf(Locale.ROOT, "%-6d %12d %12d %10.0f %12d %12d %10.0f %9.1f%n", cycle, heap0, heapN,
          s.heapPerClient(o.clients), rss0, rssN, s.rssPerClient(o.clients), connectSeconds);
      if (!last) ws.closeAll();
    }
    return new HeapResult(samples, histDelta);
  }

  static long rssKb(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    } catch (IOException | RuntimeException e) {
      // not available
    }
    return -1;
  }

  static final class Jcmd {
    static final Pattern USED = Pattern.compile("heap\\s+total\\s+(\\d+)K,\\s+used\\s+(\\d+)K");
    static final Pattern HISTO = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");

    static String run(long pid, String... command) throws IOException, InterruptedException {
      String bin = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
      if (!Files.isExecutable(Path.of(bin))) bin = "jcmd";
      List<String> cmd = new ArrayList<>(List.of(bin, Long.toString(pid)));
      cmd.addAll(List.of(command));
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("jcmd " + String.join(" ", command) + " timed out");
      }
      return new String(out, StandardCharsets.UTF_8);
    }

    /** Used heap in KB after a full collection. */
    static long usedHeapAfterGc(long pid) throws IOException, InterruptedException {
      run(pid, "GC.run");
      String info = run(pid, "GC.heap_info");
      Matcher m = USED.matcher(info);
      if (!m.find()) throw new IOException("cannot read GC.heap_info: " + info.lines().limit(3).toList());
      return Long.parseLong(m.group(2));
    }

    /** {young count, young s, full count, full s, concurrent count, concurrent s} from jstat -gc; null if unavailable. */
    static double[] serverGc(long pid) {
      if (pid <= 0) return null;
      try {
        String bin = Path.of(System.getProperty("java.home"), "bin", "jstat").toString();
        if (!Files.isExecutable(Path.of(bin))) bin = "jstat";
        Process p = new ProcessBuilder(bin, "-gc", Long.toString(pid)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          return null;
        }
        String[] lines = out.trim().split("\n");
        if (lines.length < 2) return null;
        List<String> head = List.of(lines[0].trim().split("\\s+"));
        String[] v = lines[1].trim().split("\\s+");
        Function<String, Double> col = name -> head.contains(name) ? Double.parseDouble(v[head.indexOf(name)]) : 0.0;
        return new double[] {col.apply("YGC"), col.apply("YGCT"), col.apply("FGC"), col.apply("FGCT"), col.apply("CGC"),
            col.apply("CGCT")};
      } catch (IOException | RuntimeException e) {
        return null;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }

    /** class → {instances, bytes}; GC.class_histogram collects first (live objects only). */
    static Map<String, long[]> histogram(long pid) throws IOException, InterruptedException {
      Map<String, long[]> out = new HashMap<>();
      for (String line : run(pid, "GC.class_histogram").split("\n")) {
        Matcher m = HISTO.matcher(line);
        if (m.find()) out.put(m.group(3), new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))});
      }
      return out;
    }

    static Map<String, long[]> delta(Map<String, long[]> before, Map<String, long[]> after) {
      Map<String, long[]> d = new HashMap<>();
      for (var e : after.entrySet()) {
        long[] b = before.getOrDefault(e.getKey(), new long[2]);
        d.put(e.getKey(), new long[] {e.getValue()[0] - b[0], e.getValue()[1] - b[1]});
      }
      for (var e : before.entrySet()) {
        if (!after.containsKey(e.getKey())) d.put(e.getKey(), new long[] {-e.getValue()[0], -e.getValue()[1]});
      }
      return d;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // One measured run: steady POSTs, attribution of updates to posts, traffic and CPU.

  static final class RunResult {
    static final String HEADER = String.format(Locale.ROOT,
        "%-6s %5s %7s %7s %7s %7s %7s %7s %5s %6s %5s %7s %7s %8s %7s %6s %5s %5s %5s %5s %5s %7s",
        "run", "posts", "ack50", "ack99", "upd50", "upd90", "upd99", "updmax", "neg%", "missed", "gaps", "spr50",
        "upd/tk", "frm/tk", "KB/tk", "alrt/tk", "srv", "pg", "cli", "rest", "idle", "srvms/tk");
    int run;
    long accepted;
    double ackP50, ackP99, p50, p90, p99, max, negShare, spreadP50;
    long pairs, missedPairs, missedClients, gaps, decreased, overshoot;
    double updMsgsPerTick, framesPerTick, kbPerTick, alertsPerTick, updFramesPerMsg, updBytesPerMsg, updKbPerTick;
    double allMsgsPerClientSec, kbPerClientSec;
    double srv, pg, cli, rest, idle, srvMsPerTick, maxBehindMs;
    Map<String, Double> metricDeltas = new TreeMap<>();
    List<String> problems = new ArrayList<>();
    Traffic trafficDelta;
    double ticks;
    String diagnostics = "";

    boolean clean() {
      return missedPairs == 0 && gaps == 0 && decreased == 0 && overshoot == 0 && accepted > 0;
    }

    String format() {
      return String.format(Locale.ROOT,
          "%-6s %5d %7.1f %7.1f %7.1f %7.1f %7.1f %7.1f %5.1f %6d %5d %7.1f %7.0f %8.0f %7.0f %6.1f %5.2f %5.2f %5.2f %5.2f %5.2f %7.1f",
          run == 0 ? "warmup" : Integer.toString(run), accepted, ackP50, ackP99, p50, p90, p99, max, 100 * negShare,
          missedPairs, gaps, spreadP50, updMsgsPerTick, framesPerTick, kbPerTick, alertsPerTick, srv, pg, cli, rest,
          idle, srvMsPerTick);
    }
  }

  static RunResult run(Options o, Ws ws, Metrics metrics, int runNo, int seconds, long postedBefore) throws Exception {
    int planned = (int) Math.max(1, Math.round(o.rate * seconds));
    long intervalNanos = (long) (1e9 / o.rate);
    RunState state = new RunState(planned, ws.clientCount());
    // Our own collection now, outside the window: the clients' long-lived buffers get promoted here
    // rather than in the first young collection of the measured window (a pause there would delay
    // this client's timestamps, not the server).
    System.gc();
    Thread.sleep(Math.max(o.settleMs, 3 * ws.tickMs + 500));
    // Every client's last state is the base: all views contain every bench response posted so far.
    long[] bases = ws.submit(() -> ws.startRun(state)).get(30, TimeUnit.SECONDS);
    RunResult res = new RunResult();
    res.run = runNo;
    long expectedBase = bases.length == 0 ? -1 : bases[0];
    long unequal = Arrays.stream(bases).filter(b -> b != expectedBase).count();
    if (unequal > 0) res.problems.add(unequal + " client(s) started from a different csat3.n than client 0 (" + expectedBase + ")");
    Map<String, Double> m0 = metrics.sample();
    double[] gc0 = Jcmd.serverGc(o.serverPid);
    long clientGc0 = clientGcMillis();
    Traffic t0 = ws.submit(ws::traffic).get(30, TimeUnit.SECONDS);
    CpuSample c0 = CpuSample.take(o);
    WATCHDOG.reset();
    Poster poster = new Poster(o, state, planned, intervalNanos);
    Thread pt = new Thread(poster, "poster");
    long start = System.nanoTime();
    poster.start = start;
    pt.start();
    // The measured traffic window is exactly the posting period, D seconds.
    long windowEnd = start + planned * intervalNanos;
    for (int i = 0; i < 100_000 && System.nanoTime() < windowEnd; i++) LockSupport.parkNanos(windowEnd - System.nanoTime());
    Traffic t1 = ws.submit(ws::traffic).get(30, TimeUnit.SECONDS);
    CpuSample c1 = CpuSample.take(o);
    long stallNanos = WATCHDOG.maxLateNanos;
    long stallWall = WATCHDOG.maxLateWallMillis;
    long[] gap = ws.submit(() -> new long[] {ws.maxGapNanos, ws.maxGapWall}).get(30, TimeUnit.SECONDS);
    Map<String, Double> m1 = metrics.sample();
    pt.join(TimeUnit.SECONDS.toMillis(seconds + 60L));
    if (pt.isAlive()) {
      poster.stop = true;
      pt.join(10_000);
      res.problems.add("the poster did not finish in time");
    }
    // Let the last POSTs' update arrive (one tick plus delivery), then stop attributing.
    long drainDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(10 * ws.tickMs + 5_000);
    while (System.nanoTime() < drainDeadline) {
      Thread.sleep(Math.min(200, ws.tickMs));
      boolean done = ws.submit(() -> ws.allReached(state, poster.accepted)).get(30, TimeUnit.SECONDS);
      if (done) {
        Thread.sleep(ws.tickMs + 200L); // one more tick: an extra update would show as overshoot
        break;
      }
    }
    ws.submit(() -> { ws.endRun(); return null; }).get(30, TimeUnit.SECONDS);
    double[] gc1 = Jcmd.serverGc(o.serverPid);
    long clientGc1 = clientGcMillis();

    res.accepted = poster.accepted;
    if (poster.failed > 0) res.problems.add(poster.failed + " POST(s) not acknowledged: " + poster.firstFailure);
    res.maxBehindMs = poster.maxBehindNanos / 1e6;
    if (res.maxBehindMs > 1000.0 / o.rate) res.problems.add(String.format(Locale.ROOT,
        "the poster fell behind its schedule by up to %.0f ms", res.maxBehindMs));
    double[] ack = new double[(int) poster.accepted];
    for (int k = 0; k < ack.length; k++) ack[k] = (poster.ackAt[k] - poster.sentAt[k]) / 1e6;
    Integer[] worst = new Integer[ack.length];
    for (int i = 0; i < worst.length; i++) worst[i] = i;
    final double[] ackCopy = ack.clone();
    Arrays.sort(worst, (a, b) -> Double.compare(ackCopy[b], ackCopy[a]));
    StringBuilder diag = new StringBuilder();
    if (gc0 != null && gc1 != null) {
      diag.append(String.format(Locale.ROOT, "server GC during the run: %.0f young (%.0f ms), %.0f full (%.0f ms), %.0f other"
              + " (%.0f ms)", gc1[0] - gc0[0], 1000 * (gc1[1] - gc0[1]), gc1[2] - gc0[2], 1000 * (gc1[3] - gc0[3]),
          gc1[4] - gc0[4], 1000 * (gc1[5] - gc0[5])));
    }
    diag.append(String.format(Locale.ROOT, "%sclient GC %d ms; slowest POSTs:", diag.length() == 0 ? "" : "; ",
        clientGc1 - clientGc0));
    for (int i = 0; i < Math.min(3, worst.length); i++) {
      int w = worst[i];
      diag.append(String.format(Locale.ROOT, " %.0f ms at +%.1f s (%s)", ack[w], (poster.sentAt[w] - start) / 1e9,
          clock(poster.sentWall[w])));
    }
    diag.append(String.format(Locale.ROOT, "; longest wait between two updates (client 0): %.0f ms, ending %s; longest"
        + " stall of this client process (5 ms sleeps): %.0f ms at %s", gap[0] / 1e6, clock(gap[1]), stallNanos / 1e6,
        clock(stallWall)));
    res.diagnostics = diag.toString();
    Arrays.sort(ack);
    res.ackP50 = pct(ack, 0.50);
    res.ackP99 = pct(ack, 0.99);

    // Latencies over every (post, client) pair.
    int n = state.seen.length;
    int k = (int) poster.accepted;
    long[] lat = new long[n * k];
    int count = 0;
    long neg = 0;
    long[] spread = new long[k];
    int spreadCount = 0;
    for (int j = 0; j < k; j++) {
      long first = Long.MAX_VALUE;
      long last = Long.MIN_VALUE;
      for (int c = 0; c < n; c++) {
        long seenAt = state.seen[c][j];
        if (seenAt == 0) continue;
        long l = seenAt - poster.ackAt[j];
        if (l < 0) neg++;
        lat[count++] = l;
        first = Math.min(first, seenAt);
        last = Math.max(last, seenAt);
      }
      if (first != Long.MAX_VALUE) spread[spreadCount++] = last - first;
    }
    res.pairs = count;
    res.missedPairs = (long) n * k - count;
    for (int c = 0; c < n; c++) {
      for (int j = 0; j < k; j++) {
        if (state.seen[c][j] == 0) {
          res.missedClients++;
          break;
        }
      }
    }
    long[] sorted = Arrays.copyOf(lat, count);
    Arrays.sort(sorted);
    res.p50 = pctL(sorted, 0.50) / 1e6;
    res.p90 = pctL(sorted, 0.90) / 1e6;
    res.p99 = pctL(sorted, 0.99) / 1e6;
    res.max = count == 0 ? Double.NaN : sorted[count - 1] / 1e6;
    res.negShare = count == 0 ? Double.NaN : (double) neg / count;
    long[] sp = Arrays.copyOf(spread, spreadCount);
    Arrays.sort(sp);
    res.spreadP50 = pctL(sp, 0.50) / 1e6;
    res.gaps = state.gaps;
    res.decreased = state.decreased;
    res.overshoot = state.overshoot;
    if (res.missedPairs > 0) res.problems.add(res.missedPairs + " (post, client) pair(s) never saw their update, in "
        + res.missedClients + " client(s)");
    if (state.gaps > 0) res.problems.add(state.gaps + " seq gap(s)");
    if (state.decreased > 0) res.problems.add(state.decreased + " update(s) with a smaller csat3.n than before (window roll-off?)");
    if (state.overshoot > 0) res.problems.add(state.overshoot + " update(s) with more csat3 responses than posted");
    if (state.unparsable > 0) res.problems.add(state.unparsable + " update(s) without a readable csat3.n or seq");
    if (state.snapshots > 0) res.problems.add(state.snapshots + " snapshot(s) during the run");

    // Traffic and CPU over the D-second window.
    double wall = (t1.nanos - t0.nanos) / 1e9;
    double ticks = wall * 1000.0 / ws.tickMs;
    Traffic d = t1.minus(t0);
    long upd = d.msgs.getOrDefault("update", 0L);
    res.updMsgsPerTick = upd / ticks;
    res.framesPerTick = d.totalFrames() / ticks;
    res.kbPerTick = d.totalBytes() / 1024.0 / ticks;
    res.updKbPerTick = d.bytes.getOrDefault("update", 0L) / 1024.0 / ticks;
    res.alertsPerTick = d.msgs.getOrDefault("alert", 0L) / ticks;
    res.updFramesPerMsg = upd == 0 ? Double.NaN : (double) d.frames.getOrDefault("update", 0L) / upd;
    res.updBytesPerMsg = upd == 0 ? Double.NaN : (double) d.bytes.getOrDefault("update", 0L) / upd;
    res.allMsgsPerClientSec = d.totalMsgs() / wall / Math.max(1, n);
    res.kbPerClientSec = d.totalBytes() / 1024.0 / wall / Math.max(1, n);
    res.trafficDelta = d;
    res.ticks = ticks;
    CpuSample.Cores cores = CpuSample.cores(c0, c1);
    res.srv = cores.srv;
    res.pg = cores.pg;
    res.cli = cores.cli;
    res.rest = cores.rest;
    res.idle = cores.idle;
    res.srvMsPerTick = Double.isNaN(cores.srv) ? Double.NaN : cores.srv * 1000 * wall / ticks;
    if (m0 != null && m1 != null) {
      for (var e : m1.entrySet()) {
        Double before = m0.get(e.getKey());
        if (before != null) res.metricDeltas.put(e.getKey(), e.getValue() - before);
      }
    }
    return res;
  }

  static double pct(double[] sorted, double p) {
    if (sorted.length == 0) return Double.NaN;
    return sorted[(int) Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
  }

  static double pctL(long[] sorted, double p) {
    if (sorted.length == 0) return Double.NaN;
    return sorted[(int) Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
  }

  /** Shared between the poster (acks) and the selector thread (updates); read by main after both stopped. */
  static final class RunState {
    final long[][] seen; // [client][k-th accepted post] = nanoTime the first update including it arrived
    long[] base;
    long gaps, decreased, overshoot, unparsable, snapshots;

    RunState(int planned, int clients) {
      seen = new long[clients][planned];
    }
  }

  /** Sends the POSTs one after the other on one keep-alive connection, at fixed start times. */
  static final class Poster implements Runnable {
    final Options o;
    final RunState state;
    final int planned;
    final long intervalNanos;
    final long[] sentAt;
    final long[] ackAt;
    final long[] sentWall;
    volatile boolean stop;
    long start;
    long accepted;
    long failed;
    String firstFailure;
    long maxBehindNanos;

    Poster(Options o, RunState state, int planned, long intervalNanos) {
      this.o = o;
      this.state = state;
      this.planned = planned;
      this.intervalNanos = intervalNanos;
      this.sentAt = new long[planned];
      this.ackAt = new long[planned];
      this.sentWall = new long[planned];
    }

    @Override
    public void run() {
      String stamp = Long.toString(System.currentTimeMillis(), 36) + "-" + Integer.toString(
          ThreadLocalRandom.current().nextInt(1 << 20), 36);
      Socket s = null;
      try {
        for (int i = 0; i < planned && !stop; i++) {
          long due = start + i * intervalNanos;
          long wait = due - System.nanoTime();
          if (wait > 0) LockSupport.parkNanos(wait);
          maxBehindNanos = Math.max(maxBehindNanos, System.nanoTime() - due);
          if (s == null) s = Http.open(o.port);
          String body = body(stamp, i);
          long sent = System.nanoTime();
          long wall = System.currentTimeMillis();
          Http.Reply reply;
          try {
            reply = Http.request(s, o.port, "POST", "/api/v1/feedback", o.ingestToken, body);
          } catch (IOException e) {
            closeQuietly(s);
            s = null;
            fail("io-error " + e.getMessage());
            continue;
          }
          long acked = System.nanoTime();
          String compact = reply.body().replace(" ", "");
          if (reply.status() == 200 && (compact.contains("\"accepted\":1,") || compact.contains("\"accepted\":1}"))) {
            int k = (int) accepted;
            sentAt[k] = sent;
            ackAt[k] = acked;
            sentWall[k] = wall;
            accepted++;
          } else {
            fail(reply.status() + " " + compact);
          }
          if (reply.close()) {
            closeQuietly(s);
            s = null;
          }
        }
      } catch (IOException e) {
        fail("cannot connect: " + e.getMessage());
      } finally {
        if (s != null) closeQuietly(s);
      }
    }

    void fail(String why) {
      failed++;
      if (firstFailure == null) firstFailure = why.length() > 200 ? why.substring(0, 200) : why;
    }

    /** One response on the bench touchpoint: csat3 always (the marker), NPS with the given detractor share. */
    String body(String stamp, int i) {
      ThreadLocalRandom rnd = ThreadLocalRandom.current();
      int nps;
      double u = rnd.nextDouble();
      if (u < o.detractors) nps = rnd.nextInt(7);
      else if (u < o.detractors + (1 - o.detractors) * 0.4) nps = 7 + rnd.nextInt(2);
      else nps = 9 + rnd.nextInt(2);
      return "{\"eventId\":\"livebench-" + stamp + "-" + i + "\",\"touchpoint\":\"" + o.touchpoint + "\",\"nps\":" + nps
          + ",\"csat3\":" + (1 + rnd.nextInt(3)) + "}";
    }
  }

  /**
   * Sleeps 5 ms at a time and remembers the largest oversleep: when this client process was not
   * scheduled for a while (neighbours on the machine), the same stall most likely hit the server too.
   */
  static final class Watchdog implements Runnable {
    volatile long maxLateNanos;
    volatile long maxLateWallMillis;
    volatile boolean stop;

    synchronized void reset() {
      maxLateNanos = 0;
      maxLateWallMillis = 0;
    }

    @Override
    public void run() {
      for (long i = 0; i < Long.MAX_VALUE && !stop; i++) {
        long before = System.nanoTime();
        LockSupport.parkNanos(5_000_000L);
        long late = System.nanoTime() - before - 5_000_000L;
        if (late > maxLateNanos) {
          synchronized (this) {
            maxLateNanos = late;
            maxLateWallMillis = System.currentTimeMillis();
          }
        }
      }
    }
  }

  static final Watchdog WATCHDOG = new Watchdog();

  static String clock(long wallMillis) {
    return java.time.LocalTime.ofNanoOfDay(Math.floorMod(wallMillis, 86_400_000L) * 1_000_000L).toString();
  }

  static long clientGcMillis() {
    long t = 0;
    for (var gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) t += Math.max(0, gc.getCollectionTime());
    return t;
  }

  static void closeQuietly(java.io.Closeable c) {
    try {
      c.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Minimal blocking HTTP/1.1 client (keep-alive, Content-Length replies) for the POSTs and /metrics.

  static final class Http {
    record Reply(int status, String body, boolean close) {}

    static Socket open(int port) throws IOException {
      Socket s = new Socket();
      s.setTcpNoDelay(true);
      s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      s.setSoTimeout(35_000);
      return s;
    }

    static Reply request(Socket s, int port, String method, String path, String token, String body) throws IOException {
      byte[] b = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
      StringBuilder h = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: 127.0.0.1:")
          .append(port).append("\r\n");
      if (token != null) h.append("Authorization: Bearer ").append(token).append("\r\n");
      if (body != null) h.append("Content-Type: application/json\r\nContent-Length: ").append(b.length).append("\r\n");
      h.append("\r\n");
      OutputStream out = s.getOutputStream();
      byte[] head = h.toString().getBytes(StandardCharsets.US_ASCII);
      byte[] all = Arrays.copyOf(head, head.length + b.length);
      System.arraycopy(b, 0, all, head.length, b.length);
      out.write(all);
      out.flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream header = new ByteArrayOutputStream();
      int state = 0;
      for (int i = 0; i < 65_536 && state < 4; i++) {
        int c = in.read();
        if (c < 0) throw new IOException("connection closed");
        header.write(c);
        state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3)) ? state + 1
            : (c == '\r' ? 1 : 0);
      }
      if (state < 4) throw new IOException("header too large");
      String head2 = header.toString(StandardCharsets.ISO_8859_1);
      if (!head2.startsWith("HTTP/1.1 ")) throw new IOException("not HTTP/1.1: " + head2.lines().findFirst().orElse(""));
      int status = Integer.parseInt(head2.substring(9, 12));
      int length = -1;
      boolean close = false;
      boolean chunked = false;
      for (String line : head2.split("\r\n")) {
        int colon = line.indexOf(':');
        if (colon <= 0) continue;
        String name = line.substring(0, colon).trim();
        String value = line.substring(colon + 1).trim();
        if (name.equalsIgnoreCase("content-length")) length = Integer.parseInt(value);
        if (name.equalsIgnoreCase("connection") && value.equalsIgnoreCase("close")) close = true;
        if (name.equalsIgnoreCase("transfer-encoding") && value.toLowerCase(Locale.ROOT).contains("chunked")) chunked = true;
      }
      byte[] bodyBytes;
      if (chunked) {
        bodyBytes = readChunked(in);
      } else {
        if (length < 0 || length > 64 << 20) throw new IOException("reply without a usable Content-Length");
        bodyBytes = in.readNBytes(length);
        if (bodyBytes.length < length) throw new IOException("short body");
      }
      return new Reply(status, new String(bodyBytes, StandardCharsets.UTF_8), close);
    }

    static byte[] readChunked(InputStream in) throws IOException {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      for (int chunk = 0; chunk < 1_000_000; chunk++) {
        String line = readLine(in);
        int semi = line.indexOf(';');
        int size = Integer.parseInt((semi < 0 ? line : line.substring(0, semi)).trim(), 16);
        if (size == 0) {
          for (int i = 0; i < 1000 && !readLine(in).isEmpty(); i++) { /* trailers */ }
          return body.toByteArray();
        }
        if (body.size() + size > 64 << 20) throw new IOException("body too large");
        body.write(in.readNBytes(size));
        readLine(in);
      }
      throw new IOException("too many chunks");
    }

    static String readLine(InputStream in) throws IOException {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < 8192; i++) {
        int c = in.read();
        if (c < 0) throw new IOException("connection closed");
        if (c == '\n') break;
        if (c != '\r') b.append((char) c);
      }
      return b.toString();
    }
  }

  /** GET /metrics when the server has it (Prometheus text): the live-push series, for comparison. */
  static final class Metrics {
    final int port;
    final String token;
    boolean available = true;

    Metrics(int port, String token) {
      this.port = port;
      this.token = token;
    }

    Map<String, Double> sample() {
      if (!available) return null;
      try (Socket s = Http.open(port)) {
        s.setSoTimeout(5_000);
        Http.Reply r = Http.request(s, port, "GET", "/metrics", token, null);
        if (r.status() != 200) {
          available = false;
          return null;
        }
        Map<String, Double> out = new LinkedHashMap<>();
        for (String line : r.body().split("\n")) {
          if (line.startsWith("#") || line.isBlank()) continue;
          int sp = line.lastIndexOf(' ');
          if (sp <= 0) continue;
          String name = line.substring(0, sp).trim();
          int brace = name.indexOf('{');
          String metric = (brace < 0 ? name : name.substring(0, brace)).toLowerCase(Locale.ROOT);
          if (!(metric.contains("live") || metric.contains("websocket")) || metric.contains("live_nps")) continue;
          try {
            out.put(name, Double.parseDouble(line.substring(sp + 1).trim()));
          } catch (NumberFormatException ignored) {
            // not a sample line
          }
        }
        return out;
      } catch (IOException | RuntimeException e) {
        available = false;
        return null;
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // CPU accounting from /proc (as in IngestBench).

  record CpuSample(long nanos, long serverTicks, long pgTicks, long clientTicks, long[] machine) {
    record Cores(double srv, double pg, double cli, double rest, double idle) {}

    static CpuSample take(Options o) {
      long pg = 0;
      if (o.pgPid > 0) {
        pg = ticks(o.pgPid);
        Iterator<ProcessHandle> it = ProcessHandle.of(o.pgPid).map(ProcessHandle::descendants)
            .orElse(java.util.stream.Stream.empty()).iterator();
        for (int i = 0; i < 10_000 && it.hasNext(); i++) pg += ticks(it.next().pid());
      }
      return new CpuSample(System.nanoTime(), o.serverPid > 0 ? ticks(o.serverPid) : -1, o.pgPid > 0 ? pg : -1,
          ticks(ProcessHandle.current().pid()), machineTicks());
    }

    static Cores cores(CpuSample b, CpuSample a) {
      double wall = (a.nanos - b.nanos) / 1e9;
      int cores = Runtime.getRuntime().availableProcessors();
      double srv = b.serverTicks < 0 ? Double.NaN : (a.serverTicks - b.serverTicks) / (double) CLK_TCK / wall;
      double pg = b.pgTicks < 0 ? Double.NaN : (a.pgTicks - b.pgTicks) / (double) CLK_TCK / wall;
      double cli = (a.clientTicks - b.clientTicks) / (double) CLK_TCK / wall;
      long total = a.machine[1] - b.machine[1];
      double idle = total <= 0 ? Double.NaN : cores * (double) (a.machine[0] - b.machine[0]) / total;
      double rest = Math.max(0, cores - idle - cli - (Double.isNaN(srv) ? 0 : srv) - (Double.isNaN(pg) ? 0 : pg));
      return new Cores(srv, pg, cli, rest, idle);
    }

    static long ticks(long pid) {
      try {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
      } catch (IOException | RuntimeException e) {
        return 0;
      }
    }

    static long[] machineTicks() {
      try {
        String line = Files.readAllLines(Path.of("/proc/stat")).get(0);
        String[] f = line.trim().split("\\s+");
        long total = 0;
        for (int i = 1; i < Math.min(f.length, 9); i++) total += Long.parseLong(f[i]);
        return new long[] {Long.parseLong(f[4]) + Long.parseLong(f[5]), total};
      } catch (IOException | RuntimeException e) {
        return new long[] {0, 0};
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The WebSocket clients: RFC 6455 over non-blocking sockets, all on one selector thread. Other
  // threads talk to it only through submit(), which also orders memory between them.

  /** What the clients received, by message type: messages, frames, wire bytes (frame headers included). */
  static final class Traffic {
    long nanos;
    final Map<String, Long> msgs = new TreeMap<>();
    final Map<String, Long> frames = new TreeMap<>();
    final Map<String, Long> bytes = new TreeMap<>();
    long payloadBytes; // of updates: the "data" part and the envelope, without frame headers

    Traffic copy() {
      Traffic t = new Traffic();
      t.nanos = System.nanoTime();
      t.msgs.putAll(msgs);
      t.frames.putAll(frames);
      t.bytes.putAll(bytes);
      t.payloadBytes = payloadBytes;
      return t;
    }

    Traffic minus(Traffic before) {
      Traffic d = new Traffic();
      d.nanos = nanos - before.nanos;
      msgs.forEach((k, v) -> d.msgs.put(k, v - before.msgs.getOrDefault(k, 0L)));
      frames.forEach((k, v) -> d.frames.put(k, v - before.frames.getOrDefault(k, 0L)));
      bytes.forEach((k, v) -> d.bytes.put(k, v - before.bytes.getOrDefault(k, 0L)));
      d.payloadBytes = payloadBytes - before.payloadBytes;
      return d;
    }

    long totalMsgs() { return msgs.values().stream().mapToLong(Long::longValue).sum(); }
    long totalFrames() { return frames.values().stream().mapToLong(Long::longValue).sum(); }
    long totalBytes() { return bytes.values().stream().mapToLong(Long::longValue).sum(); }
  }

  static final class Client {
    static final int CONNECTING = 0, HANDSHAKE = 1, AUTH = 2, SUBSCRIBING = 3, LIVE = 4, CLOSING = 5, CLOSED = 6;
    final int index;
    final View view;
    final SocketChannel ch;
    SelectionKey key;
    int state = CONNECTING;
    ByteBuffer in = ByteBuffer.allocate(32 * 1024);
    final ArrayDeque<ByteBuffer> out = new ArrayDeque<>();
    String wsKey;
    // message assembly
    byte[] msg = new byte[16 * 1024];
    int msgLen;
    int msgOpcode = -1;
    int msgFrames;
    long msgWireBytes;
    // subscription state
    long lastSeq;
    long count = -1; // csat3.n of the latest snapshot/update
    int attributed; // run posts already seen by this client
    int lastMessageBytes;
    String closeReason;

    Client(int index, View view, SocketChannel ch) {
      this.index = index;
      this.view = view;
      this.ch = ch;
    }
  }

  static final class Ws {
    final Options o;
    final List<View> views;
    final Selector selector;
    final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    final List<Client> clients = new ArrayList<>();
    final Traffic traffic = new Traffic();
    final Map<String, Integer> viewPayloadBytes = new TreeMap<>();
    final Map<String, Long> closeCodes = new TreeMap<>();
    final List<String> errors = new ArrayList<>();
    volatile boolean stop;
    volatile int live;
    volatile int closed;
    volatile long tickMs = 500;
    volatile long closedByServer;
    long bytesRead;
    long pingsAnswered;
    long gapsOutsideRuns;
    long lastUpdateNanos;
    long maxGapNanos;
    long maxGapWall;
    RunState run;

    Ws(Options o, List<View> views) throws IOException {
      this.o = o;
      this.views = views;
      this.selector = Selector.open();
    }

    int clientCount() {
      return o.clients;
    }

    <T> CompletableFuture<T> submit(Supplier<T> task) {
      CompletableFuture<T> f = new CompletableFuture<>();
      tasks.add(() -> {
        try {
          f.complete(task.get());
        } catch (RuntimeException e) {
          f.completeExceptionally(e);
        }
      });
      selector.wakeup();
      return f;
    }

    void loop() {
      while (!stop) {
        try {
          selector.select(50);
        } catch (IOException e) {
          errors.add("select: " + e);
          return;
        }
        for (int i = 0; i < 100_000; i++) {
          Runnable t = tasks.poll();
          if (t == null) break;
          t.run();
        }
        long now = System.nanoTime();
        Iterator<SelectionKey> it = selector.selectedKeys().iterator();
        while (it.hasNext()) {
          SelectionKey k = it.next();
          it.remove();
          Client c = (Client) k.attachment();
          try {
            if (!k.isValid()) continue;
            if (k.isConnectable()) {
              if (c.ch.finishConnect()) {
                c.state = Client.HANDSHAKE;
                k.interestOps(SelectionKey.OP_READ);
                handshake(c);
              }
              continue;
            }
            if (k.isWritable()) flush(c);
            if (k.isReadable()) read(c, now);
          } catch (IOException | RuntimeException e) {
            fail(c, "io: " + e);
          }
        }
      }
    }

    // --- connection management (selector thread) ---

    void open(int index) {
      View v = views.get(index % views.size());
      try {
        SocketChannel ch = SocketChannel.open();
        ch.configureBlocking(false);
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        Client c = new Client(index, v, ch);
        clients.add(c);
        if (ch.connect(new InetSocketAddress("127.0.0.1", o.port))) {
          c.key = ch.register(selector, SelectionKey.OP_READ, c);
          c.state = Client.HANDSHAKE;
          handshake(c);
        } else {
          c.key = ch.register(selector, SelectionKey.OP_CONNECT, c);
        }
      } catch (IOException e) {
        errors.add("connect: " + e);
      }
    }

    void handshake(Client c) throws IOException {
      byte[] nonce = new byte[16];
      ThreadLocalRandom.current().nextBytes(nonce);
      c.wsKey = Base64.getEncoder().encodeToString(nonce);
      String req = "GET /api/v1/live HTTP/1.1\r\nHost: 127.0.0.1:" + o.port + "\r\nUpgrade: websocket\r\n"
          + "Connection: Upgrade\r\nSec-WebSocket-Key: " + c.wsKey + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
      queue(c, ByteBuffer.wrap(req.getBytes(StandardCharsets.US_ASCII)));
    }

    /** Connects every client (in batches) and waits until all are subscribed (snapshot received). */
    void connectAll() throws Exception {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120 + o.clients / 10);
      submit(() -> { clients.clear(); live = 0; closed = 0; return null; }).get(30, TimeUnit.SECONDS);
      for (int i = 0; i < o.clients; i += o.connectBatch) {
        final int from = i;
        final int to = Math.min(o.clients, i + o.connectBatch);
        submit(() -> { for (int j = from; j < to; j++) open(j); return null; }).get(30, TimeUnit.SECONDS);
        while (live + closed < to && System.nanoTime() < deadline) Thread.sleep(5);
      }
      while (live + closed < o.clients && System.nanoTime() < deadline) Thread.sleep(10);
      if (live < o.clients) {
        throw new IllegalStateException("only " + live + " of " + o.clients + " clients subscribed; closed " + closed
            + "; errors: " + errors.stream().limit(5).toList() + "; close codes " + closeCodes);
      }
    }

    /** Closes every client with a close frame (1000) and waits for the server to close them. */
    void closeAll() throws Exception {
      submit(() -> {
        for (Client c : clients) {
          if (c.state < Client.CLOSING) {
            c.state = Client.CLOSING;
            sendFrame(c, 0x8, new byte[] {0x03, (byte) 0xE8});
          }
        }
        return null;
      }).get(30, TimeUnit.SECONDS);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      while (closed < o.clients && System.nanoTime() < deadline) Thread.sleep(20);
      submit(() -> {
        for (Client c : clients) if (c.state != Client.CLOSED) markClosed(c, "closed by the bench");
        return null;
      }).get(30, TimeUnit.SECONDS);
    }

    void closeAllNow() {
      for (Client c : new ArrayList<>(clients)) {
        try {
          c.ch.close();
        } catch (IOException ignored) {
          // closing anyway
        }
      }
    }

    void markClosed(Client c, String why) {
      if (c.state == Client.CLOSED) return;
      boolean wasLive = c.state == Client.LIVE;
      boolean byUs = c.state == Client.CLOSING;
      c.state = Client.CLOSED;
      c.closeReason = why;
      if (wasLive) live--;
      closed++;
      if (!byUs) {
        closedByServer++;
        closeCodes.merge(why, 1L, Long::sum);
      }
      if (c.key != null) c.key.cancel();
      try {
        c.ch.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }

    void fail(Client c, String why) {
      if (errors.size() < 100) errors.add("client " + c.index + ": " + why);
      markClosed(c, why.length() > 80 ? why.substring(0, 80) : why);
    }

    // --- writing ---

    void queue(Client c, ByteBuffer b) throws IOException {
      c.out.add(b);
      flush(c);
    }

    void flush(Client c) throws IOException {
      for (int i = 0; i < 1000 && !c.out.isEmpty(); i++) {
        ByteBuffer b = c.out.peek();
        c.ch.write(b);
        if (b.hasRemaining()) break;
        c.out.poll();
      }
      if (c.key != null && c.key.isValid()) {
        c.key.interestOps(c.out.isEmpty() ? SelectionKey.OP_READ : SelectionKey.OP_READ | SelectionKey.OP_WRITE);
      }
    }

    /** A masked client frame (FIN set). */
    void sendFrame(Client c, int opcode, byte[] payload) {
      int len = payload.length;
      ByteBuffer b = ByteBuffer.allocate(14 + len);
      b.put((byte) (0x80 | opcode));
      if (len < 126) b.put((byte) (0x80 | len));
      else if (len < 65_536) b.put((byte) (0x80 | 126)).putShort((short) len);
      else b.put((byte) (0x80 | 127)).putLong(len);
      byte[] mask = new byte[4];
      ThreadLocalRandom.current().nextBytes(mask);
      b.put(mask);
      for (int i = 0; i < len; i++) b.put((byte) (payload[i] ^ mask[i & 3]));
      b.flip();
      try {
        queue(c, b);
      } catch (IOException e) {
        fail(c, "write: " + e);
      }
    }

    void sendText(Client c, String text) {
      sendFrame(c, 0x1, text.getBytes(StandardCharsets.UTF_8));
    }

    // --- reading ---

    void read(Client c, long now) throws IOException {
      for (int i = 0; i < 64; i++) {
        if (!c.in.hasRemaining()) {
          ByteBuffer bigger = ByteBuffer.allocate(c.in.capacity() * 2);
          c.in.flip();
          bigger.put(c.in);
          c.in = bigger;
        }
        int n = c.ch.read(c.in);
        if (n < 0) {
          markClosed(c, c.state == Client.CLOSING ? "closed" : "eof without close frame");
          return;
        }
        if (n == 0) break;
        bytesRead += n;
        c.in.flip();
        if (c.state == Client.HANDSHAKE && !readHandshake(c)) {
          if (c.state == Client.CLOSED) return;
          c.in.compact();
          continue;
        }
        parseFrames(c, now);
        if (c.state == Client.CLOSED) return;
        c.in.compact();
      }
    }

    boolean readHandshake(Client c) throws IOException {
      int len = c.in.limit();
      byte[] a = c.in.array();
      for (int i = 3; i < len; i++) {
        if (a[i] == '\n' && a[i - 1] == '\r' && a[i - 2] == '\n' && a[i - 3] == '\r') {
          String head = new String(a, 0, i + 1, StandardCharsets.ISO_8859_1);
          if (!head.startsWith("HTTP/1.1 101")) {
            fail(c, "upgrade refused: " + head.lines().findFirst().orElse(""));
            return false;
          }
          String expected = accept(c.wsKey);
          if (!head.contains(expected)) {
            fail(c, "bad Sec-WebSocket-Accept");
            return false;
          }
          c.in.position(i + 1);
          c.state = Client.AUTH;
          sendText(c, "{\"type\":\"auth\",\"token\":\"" + o.viewerToken + "\"}");
          return true;
        }
      }
      if (len >= 16 * 1024) throw new IOException("handshake reply too large");
      c.in.position(0);
      return false;
    }

    static String accept(String key) {
      try {
        MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
        byte[] d = sha1.digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII));
        return Base64.getEncoder().encodeToString(d);
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }

    void parseFrames(Client c, long now) throws IOException {
      ByteBuffer b = c.in;
      for (int guard = 0; guard < 1_000_000 && b.remaining() >= 2 && c.state != Client.CLOSED; guard++) {
        int p = b.position();
        int b0 = b.get(p) & 0xFF;
        int b1 = b.get(p + 1) & 0xFF;
        boolean fin = (b0 & 0x80) != 0;
        int opcode = b0 & 0x0F;
        if ((b1 & 0x80) != 0) throw new IOException("masked frame from the server");
        long len = b1 & 0x7F;
        int header = 2;
        if (len == 126) {
          if (b.remaining() < 4) return;
          len = b.getShort(p + 2) & 0xFFFF;
          header = 4;
        } else if (len == 127) {
          if (b.remaining() < 10) return;
          len = b.getLong(p + 2);
          header = 10;
        }
        if (len < 0 || len > 64 << 20) throw new IOException("frame too large: " + len);
        if (b.remaining() < header + len) {
          if (b.capacity() < header + len) {
            ByteBuffer bigger = ByteBuffer.allocate((int) Math.max(b.capacity() * 2L, header + len + 1024));
            bigger.put(b);
            bigger.flip();
            c.in = bigger;
          }
          return;
        }
        int start = p + header;
        int plen = (int) len;
        b.position(start + plen);
        if (opcode >= 0x8) {
          control(c, opcode, b.array(), start, plen, header + plen);
          continue;
        }
        if (opcode != 0) {
          if (c.msgOpcode != -1) throw new IOException("new message inside a fragmented one");
          c.msgOpcode = opcode;
          c.msgLen = 0;
          c.msgFrames = 0;
          c.msgWireBytes = 0;
        } else if (c.msgOpcode == -1) {
          throw new IOException("continuation frame without a message");
        }
        if (c.msgLen + plen > c.msg.length) c.msg = Arrays.copyOf(c.msg, Math.max(c.msg.length * 2, c.msgLen + plen));
        System.arraycopy(b.array(), start, c.msg, c.msgLen, plen);
        c.msgLen += plen;
        c.msgFrames++;
        c.msgWireBytes += header + plen;
        if (fin) {
          int op = c.msgOpcode;
          c.msgOpcode = -1;
          message(c, op, now);
        }
      }
    }

    void control(Client c, int opcode, byte[] a, int start, int len, long wire) {
      count("control", 1, wire);
      switch (opcode) {
        case 0x8 -> {
          int code = len >= 2 ? ((a[start] & 0xFF) << 8) | (a[start + 1] & 0xFF) : 1005;
          String reason = len > 2 ? new String(a, start + 2, len - 2, StandardCharsets.UTF_8) : "";
          if (c.state == Client.CLOSING) {
            markClosed(c, "closed");
          } else {
            sendFrame(c, 0x8, Arrays.copyOfRange(a, start, start + Math.min(len, 2)));
            markClosed(c, code + " " + reason);
          }
        }
        case 0x9 -> sendFrame(c, 0xA, Arrays.copyOfRange(a, start, start + len));
        default -> { }
      }
    }

    void count(String type, long frames, long wire) {
      traffic.msgs.merge(type, 1L, Long::sum);
      traffic.frames.merge(type, frames, Long::sum);
      traffic.bytes.merge(type, wire, Long::sum);
    }

    void message(Client c, int opcode, long now) {
      byte[] m = c.msg;
      int len = c.msgLen;
      String type = opcode == 1 ? stringAfter(m, len, TYPE, 0) : "binary";
      if (type == null) type = "unknown";
      count(type, c.msgFrames, c.msgWireBytes);
      if (c.state == Client.CLOSING || c.state == Client.CLOSED) return;
      switch (type) {
        case "ready" -> {
          String json = new String(m, 0, len, StandardCharsets.UTF_8);
          Matcher tm = Pattern.compile("\"tickMs\":(\\d+)").matcher(json);
          if (tm.find()) tickMs = Long.parseLong(tm.group(1));
          c.state = Client.SUBSCRIBING;
          sendText(c, c.view.subscribeJson("b" + c.index));
        }
        case "snapshot", "update" -> update(c, type.equals("snapshot"), m, len, now);
        case "ping" -> {
          pingsAnswered++;
          sendText(c, "{\"type\":\"pong\"}");
        }
        case "alert", "pong" -> { }
        default -> {
          if (errors.size() < 100) errors.add("client " + c.index + " got " + new String(m, 0, Math.min(len, 300),
              StandardCharsets.UTF_8));
        }
      }
    }

    void update(Client c, boolean snapshot, byte[] m, int len, long now) {
      long seq = numberAfter(m, len, SEQ, 0);
      long n = numberAfter(m, len, CSAT3_N, 0);
      viewPayloadBytes.put(c.view.name, len);
      RunState r = run;
      if (seq < 0 || n < 0) {
        if (r != null) r.unparsable++;
        else if (errors.size() < 100) errors.add("client " + c.index + ": no seq or csat3.n in " + type(m, len));
        return;
      }
      if (snapshot) {
        if (r != null) r.snapshots++;
        c.lastSeq = seq;
        c.count = n;
        if (c.state == Client.SUBSCRIBING) {
          c.state = Client.LIVE;
          live++;
        }
        return;
      }
      if (seq != c.lastSeq + 1) {
        if (r != null) r.gaps++;
        else gapsOutsideRuns++;
        if (errors.size() < 100) errors.add("client " + c.index + ": seq " + seq + " after " + c.lastSeq);
      }
      c.lastSeq = seq;
      if (c.index == 0 && r != null) {
        if (lastUpdateNanos != 0 && now - lastUpdateNanos > maxGapNanos) {
          maxGapNanos = now - lastUpdateNanos;
          maxGapWall = System.currentTimeMillis();
        }
        lastUpdateNanos = now;
      }
      if (r != null) {
        long included = n - r.base[c.index];
        if (included < c.attributed) r.decreased++;
        long[] seen = r.seen[c.index];
        if (included > seen.length) r.overshoot++;
        int upto = (int) Math.min(included, seen.length);
        for (int j = c.attributed; j < upto; j++) seen[j] = now;
        c.attributed = Math.max(c.attributed, upto);
      } else if (n < c.count && errors.size() < 100) {
        errors.add("client " + c.index + ": csat3.n went down between runs, " + c.count + " → " + n);
      }
      c.count = n;
    }

    static String type(byte[] m, int len) {
      return new String(m, 0, Math.min(len, 60), StandardCharsets.UTF_8);
    }

    // --- run bookkeeping (selector thread, via submit) ---

    long[] startRun(RunState state) {
      long[] base = new long[o.clients];
      for (Client c : clients) {
        base[c.index] = c.count;
        c.attributed = 0;
      }
      state.base = base;
      run = state;
      lastUpdateNanos = 0;
      maxGapNanos = 0;
      maxGapWall = 0;
      return base;
    }

    boolean allReached(RunState state, long accepted) {
      for (Client c : clients) {
        if (c.state == Client.LIVE && c.attributed < accepted) return false;
      }
      return true;
    }

    void endRun() {
      run = null;
    }

    Traffic traffic() {
      return traffic.copy();
    }

    // --- tiny byte scanning ---

    static int indexOf(byte[] a, int len, byte[] needle, int from) {
      outer:
      for (int i = from; i <= len - needle.length; i++) {
        for (int j = 0; j < needle.length; j++) {
          if (a[i + j] != needle[j]) continue outer;
        }
        return i;
      }
      return -1;
    }

    static long numberAfter(byte[] a, int len, byte[] needle, int from) {
      int i = indexOf(a, len, needle, from);
      if (i < 0) return -1;
      i += needle.length;
      long v = 0;
      int digits = 0;
      for (; i < len && a[i] >= '0' && a[i] <= '9' && digits < 18; i++, digits++) v = v * 10 + (a[i] - '0');
      return digits == 0 ? -1 : v;
    }

    static String stringAfter(byte[] a, int len, byte[] needle, int from) {
      int i = indexOf(a, Math.min(len, 64), needle, from);
      if (i < 0) return null;
      i += needle.length;
      int end = i;
      while (end < len && end - i < 32 && a[end] != '"') end++;
      return new String(a, i, end - i, StandardCharsets.US_ASCII);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Summary.

  static void summarize(Options o, Ws ws, HeapResult heap, List<RunResult> results) throws Exception {
    System.out.println();
    if (!results.isEmpty()) {
      System.out.printf(Locale.ROOT, "medians over %d measured run(s):%n", results.size());
      System.out.printf(Locale.ROOT, "  update received − POST acknowledged: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms"
              + " (%d (post, client) pairs per run; %.1f%% negative: update arrived before the 200)%n",
          med(results, r -> r.p50), med(results, r -> r.p90), med(results, r -> r.p99), med(results, r -> r.max),
          (long) med(results, r -> r.pairs), 100 * med(results, r -> r.negShare));
      System.out.printf(Locale.ROOT, "  POST send → 200: p50 %.1f ms, p99 %.1f ms; first → last client for the same post: p50 %.1f ms%n",
          med(results, r -> r.ackP50), med(results, r -> r.ackP99), med(results, r -> r.spreadP50));
      long missed = results.stream().mapToLong(r -> r.missedPairs).sum();
      long missedClients = results.stream().mapToLong(r -> r.missedClients).max().orElse(0);
      long gaps = results.stream().mapToLong(r -> r.gaps).sum();
      System.out.printf(Locale.ROOT, "  missed (post, client) pairs: %d (clients with a miss, worst run: %d); seq gaps: %d;"
              + " csat3.n decreases: %d; overshoots: %d%n", missed, missedClients, gaps,
          results.stream().mapToLong(r -> r.decreased).sum(), results.stream().mapToLong(r -> r.overshoot).sum());
      System.out.printf(Locale.ROOT, "  per tick (%d ms; all %d clients): %.0f update messages = %.0f frames (%.2f frames per"
              + " update message), %.0f KB of updates (%.0f B per update message incl. frame headers); all traffic %.0f frames,"
              + " %.0f KB per tick, of which %.1f detractor alerts per tick%n", ws.tickMs, o.clients,
          med(results, r -> r.updMsgsPerTick), med(results, r -> r.updMsgsPerTick * r.updFramesPerMsg),
          med(results, r -> r.updFramesPerMsg), med(results, r -> r.updKbPerTick), med(results, r -> r.updBytesPerMsg),
          med(results, r -> r.framesPerTick), med(results, r -> r.kbPerTick), med(results, r -> r.alertsPerTick));
      System.out.printf(Locale.ROOT, "  per client: %.2f messages/s, %.1f KB/s%n", med(results, r -> r.allMsgsPerClientSec),
          med(results, r -> r.kbPerClientSec));
      System.out.printf(Locale.ROOT, "  CPU (cores): server %.2f, PostgreSQL %.2f, client %.2f, rest %.2f, idle %.2f; server"
              + " %.1f ms CPU per tick%n", med(results, r -> r.srv), med(results, r -> r.pg), med(results, r -> r.cli),
          med(results, r -> r.rest), med(results, r -> r.idle), med(results, r -> r.srvMsPerTick));
      RunResult last = results.get(results.size() - 1);
      StringBuilder kinds = new StringBuilder();
      last.trafficDelta.msgs.forEach((k, v) -> kinds.append(String.format(Locale.ROOT, " %s %d msgs/%d frames/%d KB;", k, v,
          last.trafficDelta.frames.getOrDefault(k, 0L), last.trafficDelta.bytes.getOrDefault(k, 0L) / 1024)));
      System.out.printf(Locale.ROOT, "  last run, traffic by type over %.0f ticks:%s%n", last.ticks, kinds);
      if (!last.metricDeltas.isEmpty()) {
        System.out.println("  server /metrics, live series, change over the last run's window:");
        last.metricDeltas.forEach((k, v) -> System.out.printf(Locale.ROOT, "    %s %+.0f%n", k, v));
      } else {
        System.out.println("  server /metrics: not available (no live series read)");
      }
    }
    System.out.println("  update message size by view (last seen, bytes of the message without frame headers):");
    Map<String, Integer> sizes = ws.submit(() -> new TreeMap<>(ws.viewPayloadBytes)).get(30, TimeUnit.SECONDS);
    sizes.forEach((k, v) -> System.out.printf(Locale.ROOT, "    %-8s %6d%n", k, v));
    if (!heap.samples.isEmpty() && heap.samples.get(0).heapBeforeKb >= 0) {
      double[] perClient = heap.samples.stream().mapToDouble(s -> s.heapPerClient(o.clients)).toArray();
      double[] rssPerClient = heap.samples.stream().mapToDouble(s -> s.rssPerClient(o.clients)).toArray();
      System.out.printf(Locale.ROOT, "  server heap per connected client (median of %d cycles): %.0f B (cycles: %s); RSS per client"
              + " %.0f B (cycles: %s)%n", perClient.length, median(perClient), join(perClient), median(rssPerClient),
          join(rssPerClient));
      if (heap.histogramDelta != null) {
        System.out.println("  largest live-heap growth by class with all clients connected (last cycle, GC.class_histogram):");
        heap.histogramDelta.entrySet().stream()
            .sorted((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1])).limit(15)
            .forEach(e -> System.out.printf(Locale.ROOT, "    %+10d B %+8d instances  %.0f B/client  %s%n", e.getValue()[1],
                e.getValue()[0], e.getValue()[1] / (double) o.clients, e.getKey()));
        long total = heap.histogramDelta.values().stream().mapToLong(v -> v[1]).sum();
        System.out.printf(Locale.ROOT, "    total %+d B = %.0f B/client%n", total, total / (double) o.clients);
      }
    }
    System.out.printf(Locale.ROOT, "  clients closed by the server: %d %s; pings answered: %d; seq gaps outside the"
        + " measured runs: %d%n", ws.closedByServer, ws.closeCodes, ws.pingsAnswered, ws.gapsOutsideRuns);
    List<String> errs = ws.submit(() -> new ArrayList<>(ws.errors)).get(30, TimeUnit.SECONDS);
    if (!errs.isEmpty()) {
      System.out.println("  client-side errors (first 10):");
      errs.stream().limit(10).forEach(e -> System.out.println("    " + (e.length() > 300 ? e.substring(0, 300) : e)));
    }
  }

  static String join(double[] xs) {
    StringBuilder b = new StringBuilder();
    for (double x : xs) b.append(b.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.0f", x));
    return b.toString();
  }

  interface Field {
    double of(RunResult r);
  }

  static double med(List<RunResult> rs, Field f) {
    return median(rs.stream().mapToDouble(f::of).toArray());
  }

  static double median(double[] xs) {
    double[] v = Arrays.stream(xs).filter(x -> !Double.isNaN(x)).sorted().toArray();
    if (v.length == 0) return Double.NaN;
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  // ---------------------------------------------------------------------------------------------

  static Options parse(String[] args) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) usage("bad argument " + args[i]);
      m.put(args[i].substring(2), args[++i]);
    }
    List<String> known = List.of("port", "viewer-token", "ingest-token", "clients", "rate", "seconds", "runs", "warmup",
        "heap-cycles", "touchpoint", "other-touchpoints", "detractors", "server-pid", "pg-pid", "connect-batch", "settle-ms");
    for (String k : m.keySet()) if (!known.contains(k)) usage("unknown option --" + k);
    String viewer = m.getOrDefault("viewer-token", System.getenv("CXPULSE_VIEWER_TOKEN"));
    String ingest = m.getOrDefault("ingest-token", System.getenv("CXPULSE_INGEST_TOKEN"));
    if (viewer == null || ingest == null) usage("--viewer-token and --ingest-token (or CXPULSE_VIEWER_TOKEN, CXPULSE_INGEST_TOKEN) are required");
    double rate = dblOpt(m, "rate", 20, 0.1, 1000);
    double detractors = dblOpt(m, "detractors", 0.3, 0, 1);
    return new Options(intOpt(m, "port", 8080, 1, 65535), viewer, ingest, intOpt(m, "clients", 1000, 1, MAX_CLIENTS), rate,
        intOpt(m, "seconds", 30, 1, 600), intOpt(m, "runs", 3, 1, 20), intOpt(m, "warmup", 5, 0, 300),
        intOpt(m, "heap-cycles", 3, 0, 20), m.getOrDefault("touchpoint", "hotline"),
        List.of(m.getOrDefault("other-touchpoints", "app,online-chat").split(",")), detractors,
        intOpt(m, "server-pid", 0, 0, Integer.MAX_VALUE), intOpt(m, "pg-pid", 0, 0, Integer.MAX_VALUE),
        intOpt(m, "connect-batch", 50, 1, 10_000), intOpt(m, "settle-ms", 3000, 0, 60_000));
  }

  static int intOpt(Map<String, String> m, String name, int def, int min, int max) {
    if (!m.containsKey(name)) return def;
    try {
      int v = Integer.parseInt(m.get(name));
      if (v < min || v > max) usage("--" + name + " must be " + min + ".." + max);
      return v;
    } catch (NumberFormatException e) {
      usage("--" + name + " must be an integer");
      return def;
    }
  }

  static double dblOpt(Map<String, String> m, String name, double def, double min, double max) {
    if (!m.containsKey(name)) return def;
    try {
      double v = Double.parseDouble(m.get(name));
      if (!(v >= min && v <= max)) usage("--" + name + " must be " + min + ".." + max);
      return v;
    } catch (NumberFormatException e) {
      usage("--" + name + " must be a number");
      return def;
    }
  }

  static void usage(String why) {
    System.err.println("LiveBench: " + why + "\nusage: java bench/LiveBench.java --port P --viewer-token V --ingest-token I"
        + " [--clients 1000] [--rate 20] [--seconds 30] [--runs 3] [--warmup 5] [--heap-cycles 3] [--touchpoint hotline]"
        + " [--other-touchpoints app,online-chat] [--detractors 0.3] [--server-pid PID] [--pg-pid PID]"
        + " [--connect-batch 50] [--settle-ms 3000]");
    System.exit(2);
  }
}
