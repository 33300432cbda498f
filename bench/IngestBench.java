import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Ingest benchmark for cxpulse: a closed loop of C keep-alive connections, each with one request in
 * flight, alternating runs against POST /api/v1/noop (the ceiling: same HTTP, token check and body
 * read, constant reply) and POST /api/v1/feedback with ONE feedback object per request. JDK only:
 *
 *   java bench/IngestBench.java --port 18080 --token "$TOKEN" [--connections 64] [--seconds 10]
 *       [--warmup 3] [--runs 5] [--modes noop,ingest] [--client nio|jdk] [--server-pid PID]
 *       [--pg-pid PID] [--pg-port PORT [--psql PATH]] [--body full|plain|segment|consent]
 *
 * Bodies (--body, for ingest and noop): full (default) = segment {region, store} of the demo stores and
 * contactConsent on a third of the detractors; plain = neither; segment, consent = one of the two. The modes
 * plain, segment and consent post that body whatever --body says, to compare them in one run.
 *
 * Modes: noop, ingest, live (GET /health/live, no token: a check that the client is not the limit).
 * Only localhost is ever contacted. Every loop is bounded by a deadline and a count.
 */
public final class IngestBench {
  static final String[] TOUCHPOINTS = {"website", "online-chat", "store-reception", "billing", "delivery-install",
      "app", "hotline", "onsite-repair", "returns"};
  static final String[] REASONS = {"speed", "first-fix", "attitude"};
  /** The demo tenant's stores and their regions: both keys are counted segments (catalog `segments`). */
  static final String[][] STORES = {{"sh-xuhui", "east"}, {"sh-pudong", "east"}, {"hz-xihu", "east"},
      {"gz-tianhe", "south"}, {"sz-nanshan", "south"}, {"bj-chaoyang", "north"}, {"bj-haidian", "north"},
      {"cd-jinjiang", "west"}};
  static final long CLK_TCK = 100; // USER_HZ on Linux; /proc/<pid>/stat times are in these ticks
  static final int MAX_RUNS = 100;
  static final long DRAIN_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(35); // server send timeout is 30 s

  record Options(int port, String token, int connections, int seconds, int warmup, int runs, List<String> modes,
      String client, long serverPid, long pgPid, String touchpoints, int pgPort, String psql, String body) {}

  /** What one measured window saw. Latencies in microseconds, of replies completed inside the window. */
  static final class Stats {
    long acknowledged;
    final Map<String, Long> other = new HashMap<>(); // "503", "io-error", "200 accepted=0", …
    int[] latencies = new int[1 << 16];
    int latencyCount;

    synchronized void record(boolean ack, String otherKind, long latencyNanos) {
      if (ack) acknowledged++;
      else other.merge(otherKind, 1L, Long::sum);
      if (latencyCount == latencies.length) latencies = Arrays.copyOf(latencies, latencies.length * 2);
      latencies[latencyCount++] = (int) Math.min(Integer.MAX_VALUE, latencyNanos / 1000);
    }

    double percentileMillis(double p) {
      if (latencyCount == 0) return Double.NaN;
      int[] sorted = Arrays.copyOf(latencies, latencyCount);
      Arrays.sort(sorted);
      int idx = (int) Math.min(latencyCount - 1, Math.max(0, Math.ceil(p * latencyCount) - 1));
      return sorted[idx] / 1000.0;
    }
  }

  /** xid: PostgreSQL's current transaction id when the sample was taken (psql, asynchronous), or null. */
  record CpuSample(long nanos, long serverTicks, long pgTicks, long clientTicks, long[] machine,
      java.util.concurrent.CompletableFuture<Long> xid) {}

  record RunResult(int round, String mode, double ackPerSec, double p50, double p99, Map<String, Long> other,
      double serverCpu, double pgCpu, double clientCpu, double rest, double idle, long inflightLeft, double txPerSec) {
    /** Acknowledged events per write transaction (the writer's mean batch size), from PostgreSQL's xid counter. */
    double eventsPerTx() {
      return isIngest(mode) && txPerSec > 0 ? ackPerSec / txPerSec : Double.NaN;
    }

    /** Server plus PostgreSQL CPU milliseconds per acknowledged request. */
    double cpuPerAck() {
      double cpu = (Double.isNaN(serverCpu) ? 0 : serverCpu) + (Double.isNaN(pgCpu) ? 0 : pgCpu);
      return ackPerSec > 0 && !Double.isNaN(serverCpu) ? 1000 * cpu / ackPerSec : Double.NaN;
    }
  }

  public static void main(String[] args) throws Exception {
    Options o = parse(args);
    System.out.printf(Locale.ROOT, "cxpulse ingest bench: client=%s connections=%d seconds=%d warmup=%d runs=%d modes=%s "
            + "port=%d cores=%d%n", o.client, o.connections, o.seconds, o.warmup, o.runs, o.modes, o.port,
        Runtime.getRuntime().availableProcessors());
    System.out.println("CPU columns, in cores used on average over the measured window: srv = server JVM, pg ="
        + " PostgreSQL postmaster and its children, cli = this client, rest = everything else on the machine"
        + " (including steal), idle = idle cores; from /proc/<pid>/stat and /proc/stat. cpu/ack = (srv + pg) CPU"
        + " milliseconds per acknowledged request: less sensitive to neighbours than ack/s.");
    if (o.pgPort > 0) {
      System.out.println("tx/s = PostgreSQL write transactions per second (txid_current() before and after the window, by"
          + " psql), i.e. the writer's batches; ev/tx = acknowledged events per write transaction (mean batch size).");
    }
    String header = String.format(Locale.ROOT, "%-5s %-7s %9s %8s %8s %5s %5s %5s %5s %5s %7s %6s %6s  %s",
        "round", "mode", "ack/s", "p50 ms", "p99 ms", "srv", "pg", "cli", "rest", "idle", "cpu/ack", "tx/s", "ev/tx",
        "other replies");
    System.out.println("bodies: ingest and noop " + o.body + " (full = segment region+store of the demo stores and"
        + " contactConsent on ~1/3 of the detractors; plain = neither; segment, consent = one of them); modes plain,"
        + " segment, consent: that body");
    System.out.println(header);

    String stamp = Long.toString(System.currentTimeMillis(), 36) + "-" + Integer.toString(
        ThreadLocalRandom.current().nextInt(1 << 20), 36);
    AtomicLong seq = new AtomicLong();
    String[] tps = o.touchpoints == null ? TOUCHPOINTS : o.touchpoints.split(",");
    List<RunResult> results = new ArrayList<>();
    for (int round = 1; round <= o.runs; round++) {
      for (String mode : o.modes) {
        Workload w = new Workload(mode, o, stamp, seq, tps);
        RunResult r = o.client.equals("jdk") ? runJdk(round, w, o) : runNio(round, w, o);
        results.add(r);
        System.out.println(format(r));
      }
    }
    summarize(o, results);
  }

  // ---------------------------------------------------------------------------------------------
  // Workload: what to send and how to judge the reply.

  static final class Workload {
    final String mode;
    final String path;
    final String method;
    final boolean needsBody;
    final String headerPrefix;
    final String stamp;
    final AtomicLong seq;
    final String[] touchpoints;
    final boolean segment;
    final boolean consent;

    Workload(String mode, Options o, String stamp, AtomicLong seq, String[] touchpoints) {
      this.mode = mode;
      String body = mode.equals("ingest") || mode.equals("noop") ? o.body : mode;
      this.segment = body.equals("full") || body.equals("segment");
      this.consent = body.equals("full") || body.equals("consent");
      this.stamp = stamp;
      this.seq = seq;
      this.touchpoints = touchpoints;
      switch (mode) {
        case "noop" -> { path = "/api/v1/noop"; method = "POST"; needsBody = true; }
        case "ingest", "plain", "segment", "consent" -> { path = "/api/v1/feedback"; method = "POST"; needsBody = true; }
        case "live" -> { path = "/health/live"; method = "GET"; needsBody = false; }
        default -> throw new IllegalArgumentException("unknown mode " + mode);
      }
      StringBuilder h = new StringBuilder();
      h.append(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: localhost:").append(o.port).append("\r\n");
      if (needsBody) {
        h.append("Authorization: Bearer ").append(o.token).append("\r\nContent-Type: application/json\r\n");
      }
      headerPrefix = h.toString();
    }

    /** One feedback object with a unique eventId; noop gets the same kind of body so the body read is the same. */
    String body() {
      ThreadLocalRandom rnd = ThreadLocalRandom.current();
      StringBuilder b = new StringBuilder(160);
      b.append("{\"eventId\":\"bench-").append(stamp).append('-').append(seq.incrementAndGet())
          .append("\",\"touchpoint\":\"").append(touchpoints[rnd.nextInt(touchpoints.length)])
          .append("\",\"nps\":");
      int nps = rnd.nextInt(11);
      b.append(nps);
      if (rnd.nextInt(2) == 0) b.append(",\"csat\":").append(1 + rnd.nextInt(5));
      int reasons = rnd.nextInt(3); // 0, 1 or 2 distinct reasons
      if (reasons > 0) {
        int first = rnd.nextInt(REASONS.length);
        b.append(",\"reasons\":[\"").append(REASONS[first]).append('"');
        if (reasons == 2) b.append(",\"").append(REASONS[(first + 1 + rnd.nextInt(REASONS.length - 1)) % REASONS.length]).append('"');
        b.append(']');
      }
      // full = segment + consent. segment: the keys the demo tenant counts (one segment_counter upsert per
      // batch); consent: a third of the detractors consent to contact (each opens a follow-up case in the
      // same transaction).
      if (segment) {
        String[] store = STORES[rnd.nextInt(STORES.length)];
        b.append(",\"segment\":{\"region\":\"").append(store[1]).append("\",\"store\":\"").append(store[0]).append("\"}");
      }
      if (consent && nps <= 6 && rnd.nextInt(3) == 0) b.append(",\"contactConsent\":true");
      return b.append('}').toString();
    }

    byte[] request() {
      if (!needsBody) return (headerPrefix + "\r\n").getBytes(StandardCharsets.US_ASCII);
      byte[] body = body().getBytes(StandardCharsets.UTF_8);
      byte[] head = (headerPrefix + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
      byte[] out = Arrays.copyOf(head, head.length + body.length);
      System.arraycopy(body, 0, out, head.length, body.length);
      return out;
    }

    /** null when acknowledged, else the kind of reply to count separately. */
    String judge(int status, String body) {
      if (status != 200) return Integer.toString(status);
      if (isIngest(mode)) {
        String compact = body.replace(" ", "");
        return compact.contains("\"accepted\":1,") || compact.contains("\"accepted\":1}") ? null : "200 " + compact;
      }
      return null;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // NIO client: one selector thread, C non-blocking keep-alive connections, hand-parsed HTTP/1.1.

  static final class Conn {
    final SocketChannel ch;
    final ByteBuffer in = ByteBuffer.allocate(64 * 1024);
    ByteBuffer out;
    long sentAt;
    boolean inFlight;

    Conn(SocketChannel ch) {
      this.ch = ch;
    }
  }

  static RunResult runNio(int round, Workload w, Options o) throws IOException {
    Stats stats = new Stats();
    List<Conn> conns = new ArrayList<>();
    try (Selector selector = Selector.open()) {
      for (int i = 0; i < o.connections; i++) conns.add(open(selector, o.port));
      long start = System.nanoTime();
      long measureFrom = start + TimeUnit.SECONDS.toNanos(o.warmup);
      long measureTo = measureFrom + TimeUnit.SECONDS.toNanos(o.seconds);
      CpuSample before = null;
      CpuSample after = null;
      for (Conn c : conns) send(c, w, selector);
      int inFlight = conns.size();
      long drainDeadline = measureTo + DRAIN_TIMEOUT_NANOS;
      long maxIterations = 2_000_000_000L;
      for (long iter = 0; iter < maxIterations; iter++) {
        long now = System.nanoTime();
        if (before == null && now >= measureFrom) before = sample(o);
        if (after == null && now >= measureTo) after = sample(o);
        boolean sending = now < measureTo;
        if (!sending && inFlight == 0) break;
        if (now >= drainDeadline) break;
        long wait = before == null ? measureFrom - now : after == null ? measureTo - now : drainDeadline - now;
        selector.select(Math.max(1, Math.min(100, TimeUnit.NANOSECONDS.toMillis(wait))));
        Iterator<SelectionKey> it = selector.selectedKeys().iterator();
        while (it.hasNext()) {
          SelectionKey key = it.next();
          it.remove();
          Conn c = (Conn) key.attachment();
          try {
            if (key.isValid() && key.isWritable()) flushOut(c, key);
            if (key.isValid() && key.isReadable()) {
              int n = c.ch.read(c.in);
              if (n < 0) throw new IOException("connection closed by the server");
              Object[] reply = parseReply(c.in);
              if (reply != null) {
                long done = System.nanoTime();
                c.inFlight = false;
                inFlight--;
                if (done >= measureFrom && done < measureTo) {
                  String kind = w.judge((Integer) reply[0], (String) reply[1]);
                  stats.record(kind == null, kind, done - c.sentAt);
                }
                if (done < measureTo) {
                  send(c, w, selector);
                  inFlight++;
                }
              }
            }
          } catch (IOException | RuntimeException e) {
            long done = System.nanoTime();
            if (c.inFlight) {
              inFlight--;
              if (done >= measureFrom && done < measureTo) stats.record(false, "io-error", done - c.sentAt);
            }
            key.cancel();
            closeQuietly(c.ch);
            if (done < measureTo) { // replace the connection, bounded by the run's deadline
              try {
                Conn fresh = open(selector, o.port);
                conns.set(conns.indexOf(c), fresh);
                send(fresh, w, selector);
                inFlight++;
              } catch (IOException again) {
                stats.other.merge("connect-error", 1L, Long::sum);
              }
            }
          }
        }
      }
      if (after == null) after = sample(o);
      if (before == null) before = after;
      for (Conn c : conns) closeQuietly(c.ch);
      return result(round, w.mode, stats, before, after, o, inFlight);
    }
  }

  static Conn open(Selector selector, int port) throws IOException {
    SocketChannel ch = SocketChannel.open();
    ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
    ch.connect(new InetSocketAddress("127.0.0.1", port));
    ch.configureBlocking(false);
    Conn c = new Conn(ch);
    ch.register(selector, SelectionKey.OP_READ, c);
    return c;
  }

  static void send(Conn c, Workload w, Selector selector) throws IOException {
    c.out = ByteBuffer.wrap(w.request());
    c.in.clear();
    c.sentAt = System.nanoTime();
    c.inFlight = true;
    flushOut(c, c.ch.keyFor(selector));
  }

  static void flushOut(Conn c, SelectionKey key) throws IOException {
    for (int i = 0; i < 64 && c.out != null && c.out.hasRemaining(); i++) {
      if (c.ch.write(c.out) == 0) break;
    }
    boolean pending = c.out != null && c.out.hasRemaining();
    key.interestOps(pending ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
  }

  /** {status, body} once a whole response with Content-Length is in the buffer, else null. */
  static Object[] parseReply(ByteBuffer in) throws IOException {
    int len = in.position();
    byte[] a = in.array();
    int headerEnd = -1;
    for (int i = 3; i < len; i++) {
      if (a[i] == '\n' && a[i - 1] == '\r' && a[i - 2] == '\n' && a[i - 3] == '\r') {
        headerEnd = i + 1;
        break;
      }
    }
    if (headerEnd < 0) {
      if (len == a.length) throw new IOException("response header too large");
      return null;
    }
    String head = new String(a, 0, headerEnd, StandardCharsets.ISO_8859_1);
    if (!head.startsWith("HTTP/1.1 ")) throw new IOException("not an HTTP/1.1 response");
    int status = Integer.parseInt(head.substring(9, 12));
    int contentLength = -1;
    for (String line : head.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("content-length")) {
        contentLength = Integer.parseInt(line.substring(colon + 1).trim());
      } else if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("connection")
          && line.substring(colon + 1).trim().equalsIgnoreCase("close")) {
        throw new IOException("server asked to close the connection");
      }
    }
    if (contentLength < 0) throw new IOException("response without Content-Length");
    if (headerEnd + contentLength > a.length) throw new IOException("response body too large");
    if (len < headerEnd + contentLength) return null;
    if (len > headerEnd + contentLength) throw new IOException("unexpected bytes after the response");
    String body = new String(a, headerEnd, contentLength, StandardCharsets.UTF_8);
    in.clear();
    return new Object[] {status, body};
  }

  static void closeQuietly(SocketChannel ch) {
    try {
      ch.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  // ---------------------------------------------------------------------------------------------
  // JDK HttpClient (async API), for comparison: C virtual users, each sending the next request when
  // the previous reply arrives; the client's HTTP/1.1 pool keeps one connection per user alive.

  static RunResult runJdk(int round, Workload w, Options o) throws Exception {
    Stats stats = new Stats();
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
    URI uri = URI.create("http://127.0.0.1:" + o.port + w.path);
    long start = System.nanoTime();
    long measureFrom = start + TimeUnit.SECONDS.toNanos(o.warmup);
    long measureTo = measureFrom + TimeUnit.SECONDS.toNanos(o.seconds);
    AtomicLong inFlight = new AtomicLong();
    AtomicReference<Throwable> firstError = new AtomicReference<>();
    for (int i = 0; i < o.connections; i++) {
      inFlight.incrementAndGet();
      jdkLoop(client, uri, w, o, stats, measureFrom, measureTo, inFlight, firstError);
    }
    long now = System.nanoTime();
    if (measureFrom > now) TimeUnit.NANOSECONDS.sleep(measureFrom - now);
    CpuSample before = sample(o);
    now = System.nanoTime();
    if (measureTo > now) TimeUnit.NANOSECONDS.sleep(measureTo - now);
    CpuSample after = sample(o);
    long drainDeadline = measureTo + DRAIN_TIMEOUT_NANOS;
    for (int i = 0; i < 100_000 && inFlight.get() > 0 && System.nanoTime() < drainDeadline; i++) Thread.sleep(10);
    if (firstError.get() != null) System.out.println("  first client error: " + firstError.get());
    return result(round, w.mode, stats, before, after, o, inFlight.get());
  }

  static void jdkLoop(HttpClient client, URI uri, Workload w, Options o, Stats stats, long measureFrom, long measureTo,
      AtomicLong inFlight, AtomicReference<Throwable> firstError) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(35));
    if (w.needsBody) {
      b.header("Authorization", "Bearer " + o.token).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(w.body()));
    } else {
      b.GET();
    }
    long sentAt = System.nanoTime();
    client.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString()).whenComplete((resp, err) -> {
      long done = System.nanoTime();
      if (done >= measureFrom && done < measureTo) {
        String kind = err != null ? "io-error" : w.judge(resp.statusCode(), resp.body());
        stats.record(kind == null, kind, done - sentAt);
      }
      if (err != null) firstError.compareAndSet(null, err);
      if (done < measureTo) {
        jdkLoop(client, uri, w, o, stats, measureFrom, measureTo, inFlight, firstError);
      } else {
        inFlight.decrementAndGet();
      }
    });
  }

  // ---------------------------------------------------------------------------------------------
  // CPU accounting from /proc.

  static CpuSample sample(Options o) {
    long pg = 0;
    if (o.pgPid > 0) {
      pg = ticks(o.pgPid);
      Iterator<ProcessHandle> it = ProcessHandle.of(o.pgPid).map(ProcessHandle::descendants)
          .orElse(java.util.stream.Stream.empty()).iterator();
      for (int i = 0; i < 10_000 && it.hasNext(); i++) pg += ticks(it.next().pid());
    }
    return new CpuSample(System.nanoTime(), o.serverPid > 0 ? ticks(o.serverPid) : -1, o.pgPid > 0 ? pg : -1,
        ticks(ProcessHandle.current().pid()), machine(), xid(o));
  }

  /**
   * PostgreSQL's next transaction id, read by psql in the background so the client loop does not
   * wait (psql takes some tens of ms to start; both ends of a window see the same delay). Every
   * writing transaction takes one xid and read-only ones take none, so the difference between two
   * samples, minus the first sample's own, counts the writer's batches (plus the rare autovacuum
   * ANALYZE or prune). null when --pg-port is not given.
   */
  static java.util.concurrent.CompletableFuture<Long> xid(Options o) {
    if (o.pgPort <= 0 || o.psql == null) return null;
    try {
      ProcessBuilder pb = new ProcessBuilder(o.psql, "-X", "-q", "-A", "-t", "-h", "127.0.0.1", "-p",
          Integer.toString(o.pgPort), "-U", "postgres", "-d", "postgres", "-c", "SELECT txid_current()");
      // The embedded server's generated password (DATA_DIR/pg-password), which ingest.sh exports.
      pb.environment().put("PGPASSWORD", System.getenv().getOrDefault("PGPASSWORD", "postgres"));
      pb.environment().put("PGCONNECT_TIMEOUT", "5");
      pb.redirectErrorStream(true);
      Process p = pb.start();
      return java.util.concurrent.CompletableFuture.supplyAsync(() -> {
        try {
          String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
          if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return null;
          }
          return p.exitValue() == 0 ? Long.parseLong(out) : null;
        } catch (IOException | RuntimeException e) {
          return null;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return null;
        }
      });
    } catch (IOException e) {
      return null;
    }
  }

  static double txPerSec(CpuSample b, CpuSample a, double wall) {
    if (b.xid == null || a.xid == null || wall <= 0) return Double.NaN;
    try {
      Long x0 = b.xid.get(60, TimeUnit.SECONDS);
      Long x1 = a.xid.get(60, TimeUnit.SECONDS);
      return x0 == null || x1 == null ? Double.NaN : Math.max(0, x1 - x0 - 1) / wall;
    } catch (Exception e) {
      return Double.NaN;
    }
  }

  /** utime + stime of a process (all its threads), in clock ticks; 0 if it is gone. */
  static long ticks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15 of proc(5)
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /** {idle incl. iowait, total} ticks of all cores from the first line of /proc/stat; zeros when unavailable. */
  static long[] machine() {
    try {
      String line = Files.readAllLines(Path.of("/proc/stat")).get(0);
      String[] f = line.trim().split("\\s+");
      long total = 0;
      for (int i = 1; i < Math.min(f.length, 9); i++) total += Long.parseLong(f[i]); // user..steal
      long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
      return new long[] {idle, total};
    } catch (IOException | RuntimeException e) {
      return new long[] {0, 0};
    }
  }

  static RunResult result(int round, String mode, Stats s, CpuSample b, CpuSample a, Options o, long inflightLeft) {
    double wall = (a.nanos - b.nanos) / 1e9;
    double secondsMeasured = o.seconds;
    long machineTotal = a.machine[1] - b.machine[1];
    int cores = Runtime.getRuntime().availableProcessors();
    double srv = b.serverTicks < 0 ? Double.NaN : cores(a.serverTicks - b.serverTicks, wall);
    double pg = b.pgTicks < 0 ? Double.NaN : cores(a.pgTicks - b.pgTicks, wall);
    double cli = cores(a.clientTicks - b.clientTicks, wall);
    double idle = machineTotal <= 0 ? Double.NaN : cores * (double) (a.machine[0] - b.machine[0]) / machineTotal;
    double rest = Math.max(0, cores - idle - cli - (Double.isNaN(srv) ? 0 : srv) - (Double.isNaN(pg) ? 0 : pg));
    return new RunResult(round, mode, s.acknowledged / secondsMeasured, s.percentileMillis(0.50), s.percentileMillis(0.99),
        new java.util.TreeMap<>(s.other), srv, pg, cli, rest, idle, inflightLeft, txPerSec(b, a, wall));
  }

  static double cores(long ticks, double wallSeconds) {
    return wallSeconds <= 0 ? Double.NaN : (double) ticks / CLK_TCK / wallSeconds;
  }

  // ---------------------------------------------------------------------------------------------
  // Output.

  static String format(RunResult r) {
    StringBuilder other = new StringBuilder();
    r.other.forEach((k, v) -> other.append(other.length() == 0 ? "" : ", ").append(k).append(" ×").append(v));
    if (r.inflightLeft > 0) other.append(other.length() == 0 ? "" : ", ").append("unanswered at end ×").append(r.inflightLeft);
    return String.format(Locale.ROOT, "%-5d %-7s %9.0f %8.1f %8.1f %5.2f %5.2f %5.2f %5.2f %5.2f %7.3f %6s %6s  %s", r.round,
        r.mode, r.ackPerSec, r.p50, r.p99, r.serverCpu, r.pgCpu, r.clientCpu, r.rest, r.idle, r.cpuPerAck(),
        fmt(r.txPerSec, "%.0f"), fmt(r.eventsPerTx(), "%.1f"), other.length() == 0 ? "-" : other);
  }

  static String fmt(double v, String f) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, f, v);
  }

  static void summarize(Options o, List<RunResult> results) {
    System.out.println();
    System.out.printf(Locale.ROOT, "medians over %d run(s) each:%n", o.runs);
    System.out.println(String.format(Locale.ROOT, "%-13s %9s %8s %8s %5s %5s %5s %5s %5s %7s %6s %6s", "mode", "ack/s",
        "p50 ms", "p99 ms", "srv", "pg", "cli", "rest", "idle", "cpu/ack", "tx/s", "ev/tx"));
    Map<String, Double> medianCost = new HashMap<>();
    Map<String, Double> medianRate = new HashMap<>();
    long shed = 0;
    long otherTotal = 0;
    for (String mode : o.modes) {
      List<RunResult> rs = results.stream().filter(r -> r.mode.equals(mode)).toList();
      double rate = median(rs.stream().mapToDouble(RunResult::ackPerSec).toArray());
      medianRate.put(mode, rate);
      double cost = median(rs.stream().mapToDouble(RunResult::cpuPerAck).toArray());
      medianCost.put(mode, cost);
      System.out.println(String.format(Locale.ROOT, "%-13s %9.0f %8.1f %8.1f %5.2f %5.2f %5.2f %5.2f %5.2f %7.3f %6s %6s", mode,
          rate,
          median(rs.stream().mapToDouble(RunResult::p50).toArray()),
          median(rs.stream().mapToDouble(RunResult::p99).toArray()),
          median(rs.stream().mapToDouble(RunResult::serverCpu).toArray()),
          median(rs.stream().mapToDouble(RunResult::pgCpu).toArray()),
          median(rs.stream().mapToDouble(RunResult::clientCpu).toArray()),
          median(rs.stream().mapToDouble(RunResult::rest).toArray()),
          median(rs.stream().mapToDouble(RunResult::idle).toArray()), cost,
          fmt(median(rs.stream().mapToDouble(RunResult::txPerSec).toArray()), "%.0f"),
          fmt(median(rs.stream().mapToDouble(RunResult::eventsPerTx).toArray()), "%.1f")));
      for (RunResult r : rs) {
        shed += r.other.getOrDefault("503", 0L);
        otherTotal += r.other.values().stream().mapToLong(Long::longValue).sum();
      }
    }
    for (String mode : o.modes) {
      if (!isIngest(mode) || !medianRate.containsKey("noop")) continue;
      double[] perRound = new double[o.runs];
      for (int round = 1; round <= o.runs; round++) {
        final int rr = round;
        double noop = results.stream().filter(r -> r.round == rr && r.mode.equals("noop")).findFirst().orElseThrow().ackPerSec;
        double ingest = results.stream().filter(r -> r.round == rr && r.mode.equals(mode)).findFirst().orElseThrow().ackPerSec;
        perRound[round - 1] = noop > 0 ? ingest / noop : Double.NaN;
      }
      StringBuilder pr = new StringBuilder();
      for (double v : perRound) pr.append(pr.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.3f", v));
      System.out.printf(Locale.ROOT, "ratio %s/noop (median %s / median noop): %.3f%n", mode, mode,
          medianRate.get(mode) / medianRate.get("noop"));
      System.out.printf(Locale.ROOT, "ratio %s/noop per round: %s; median %.3f%n", mode, pr, median(perRound));
      System.out.printf(Locale.ROOT, "CPU cost ratio noop/%s (median cpu/ack noop / median cpu/ack %s): %.3f%n", mode, mode,
          medianCost.get("noop") / medianCost.get(mode));
    }
    System.out.printf(Locale.ROOT, "non-acknowledged replies in measured windows: %d (of which 503 shed load: %d)%n",
        otherTotal, shed);
  }

  /** Modes that POST feedback: ingest (body per --body), and plain, segment, consent (that body whatever --body says). */
  static boolean isIngest(String mode) {
    return List.of("ingest", "plain", "segment", "consent").contains(mode);
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
    for (String k : m.keySet()) {
      if (!List.of("port", "token", "connections", "seconds", "warmup", "runs", "modes", "client", "server-pid",
          "pg-pid", "touchpoints", "pg-port", "psql", "body").contains(k)) usage("unknown option --" + k);
    }
    String token = m.getOrDefault("token", System.getenv("CXPULSE_TOKEN"));
    List<String> modes = List.of(m.getOrDefault("modes", "noop,ingest").split(","));
    if (token == null && !modes.equals(List.of("live"))) usage("--token (or CXPULSE_TOKEN) is required");
    String client = m.getOrDefault("client", "nio");
    if (!client.equals("nio") && !client.equals("jdk")) usage("--client nio|jdk");
    String body = m.getOrDefault("body", "full");
    if (!List.of("full", "plain", "segment", "consent").contains(body)) usage("--body full|plain|segment|consent");
    return new Options(intOpt(m, "port", 8080, 1, 65535), token, intOpt(m, "connections", 64, 1, 10_000),
        intOpt(m, "seconds", 10, 1, 3600), intOpt(m, "warmup", 3, 0, 600), intOpt(m, "runs", 5, 1, MAX_RUNS), modes,
        client, intOpt(m, "server-pid", 0, 0, Integer.MAX_VALUE), intOpt(m, "pg-pid", 0, 0, Integer.MAX_VALUE),
        m.get("touchpoints"), intOpt(m, "pg-port", 0, 0, 65535), m.getOrDefault("psql", "psql"), body);
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

  static void usage(String why) {
    System.err.println("IngestBench: " + why + "\nusage: java bench/IngestBench.java --port P --token T [--connections 64]"
        + " [--seconds 10] [--warmup 3] [--runs 5] [--modes noop,ingest|live] [--client nio|jdk] [--server-pid PID]"
        + " [--pg-pid PID] [--touchpoints a,b] [--pg-port PORT [--psql PATH]] [--body full|plain|segment|consent]");
    System.exit(2);
  }
}
