package io.cxpulse.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The security settings of {@link Config}: where the token keys come from, how long each role's
 * tokens may live, rate limits and trusted proxies. See docs/security.md for each variable.
 *
 * @param publicKeys kid → PEM file ({@code JWT_PUBLIC_KEYS}: comma-separated paths, the kid is the
 *     file name without extension, or {@code kid=path})
 * @param privateKey PEM (PKCS#8) that signs device and CLI tokens ({@code JWT_PRIVATE_KEY}), or null
 * @param keyId the kid of the private key ({@code JWT_KEY_ID}), or null
 * @param jwksUrl the identity provider's JWKS ({@code JWKS_URL}), or null
 */
public record SecurityConfig(
    Map<String, Path> publicKeys,
    Path privateKey,
    String keyId,
    String jwksUrl,
    Duration jwksRefresh,
    Duration jwksMinRefresh,
    long clockSkewSeconds,
    Map<String, Duration> maxTokenLifetime,
    Duration maxDeviceTokenLifetime,
    Duration defaultDeviceTokenLifetime,
    int ingestPerTokenPerSecond,
    int ingestPerIpPerSecond,
    int authFailuresPerIpPerMinute,
    List<String> trustedProxies,
    Limits limits) {

  /**
   * What keeps one tenant, token or client from degrading the others (issue 19; docs/security.md,
   * "Limits"): read budgets, the fair share of the read pool, WebSocket caps, the connection
   * ceiling, HTTP timeouts, and who may read /metrics.
   *
   * @param readPerTokenPerSecond read cost units per second per token (bursts of {@link #READ_BURST_SECONDS} s), 0 = off
   * @param readPerTenantPerSecond the same for all tokens of a tenant together
   * @param readConcurrencyPerTenant database reads of one tenant in flight at once (of the read pool's {@link #READ_POOL_SIZE})
   * @param readQueuePerTenant reads of one tenant waiting for one of those places; beyond, 429
   * @param liveMaxPerToken live WebSockets per token (0 = off)
   * @param liveMaxPerDevice live WebSockets per device token (0 = off)
   * @param liveMaxPerAddress live WebSockets per client address, counted at the handshake (0 = off)
   * @param maxConnections open HTTP connections (REST and WebSocket) of this process; more are refused
   * @param fileDescriptorLimit the process's limit as read at start, or -1 when unknown
   * @param httpIdleTimeoutSeconds a connection without a byte in either direction is closed
   * @param httpHeaderTimeoutSeconds a new connection must have sent a complete request head by then
   * @param httpBodyTimeoutSeconds a request's body must be complete by then
   * @param metricsHost null: /metrics on the API port, for loopback clients (or with the token);
   *     else its own listener on this host and {@code metricsPort}, and none on the API port
   * @param metricsToken when set, /metrics needs {@code Authorization: Bearer <token>}
   */
  public record Limits(int readPerTokenPerSecond, int readPerTenantPerSecond, int readConcurrencyPerTenant,
                       int readQueuePerTenant, int liveMaxPerToken, int liveMaxPerDevice, int liveMaxPerAddress,
                       int maxConnections, long fileDescriptorLimit, int httpIdleTimeoutSeconds,
                       int httpHeaderTimeoutSeconds, int httpBodyTimeoutSeconds, String metricsHost, int metricsPort,
                       String metricsToken) {
    public static final int READ_BURST_SECONDS = 5;
    public static final int READ_POOL_SIZE = 4;
    /** File descriptors kept free of HTTP connections: database pools, the jar, logs, listeners, epoll. */
    public static final int DESCRIPTOR_RESERVE = 256;
  }

  /** Nothing configured: the generated development key in DATA_DIR/keys. */
  public boolean developmentKeys() {
    return publicKeys.isEmpty() && privateKey == null && jwksUrl == null;
  }

  static SecurityConfig from(Map<String, String> env, List<String> errors) {
    Map<String, Path> publicKeys = new LinkedHashMap<>();
    for (String part : list(env, "JWT_PUBLIC_KEYS")) {
      int eq = part.indexOf('=');
      Path file = Path.of(eq >= 0 ? part.substring(eq + 1).trim() : part);
      String kid = eq >= 0 ? part.substring(0, eq).trim() : stripExtension(file.getFileName().toString());
      if (kid.isEmpty()) errors.add("JWT_PUBLIC_KEYS: empty key id in '" + part + "'");
      else if (publicKeys.put(kid, file) != null) errors.add("JWT_PUBLIC_KEYS: key id '" + kid + "' given twice");
    }
    String jwks = string(env, "JWKS_URL");
    if (jwks != null && !(jwks.startsWith("https://") || jwks.startsWith("http://"))) {
      errors.add("JWKS_URL must be an http(s) URL, got " + jwks);
    }
    Map<String, Duration> caps = new LinkedHashMap<>();
    caps.put("ingest", duration(env, "TOKEN_MAX_TTL_INGEST", "400d", errors));
    caps.put("viewer", duration(env, "TOKEN_MAX_TTL_VIEWER", "30d", errors));
    caps.put("manager", duration(env, "TOKEN_MAX_TTL_MANAGER", "7d", errors));
    caps.put("admin", duration(env, "TOKEN_MAX_TTL_ADMIN", "1d", errors));
    Duration deviceCap = duration(env, "TOKEN_MAX_TTL_DEVICE", "400d", errors);
    Duration deviceDefault = duration(env, "DEVICE_TOKEN_TTL", "365d", errors);
    if (deviceDefault.compareTo(deviceCap) > 0) errors.add("DEVICE_TOKEN_TTL must not exceed TOKEN_MAX_TTL_DEVICE");
    String privateKey = string(env, "JWT_PRIVATE_KEY");
    return new SecurityConfig(Map.copyOf(publicKeys),
        privateKey == null ? null : Path.of(privateKey),
        string(env, "JWT_KEY_ID"),
        jwks,
        Duration.ofSeconds(integer(env, "JWKS_REFRESH_SECONDS", 600, 10, 86_400, errors)),
        Duration.ofSeconds(integer(env, "JWKS_MIN_REFRESH_SECONDS", 60, 0, 3_600, errors)),
        integer(env, "JWT_CLOCK_SKEW_SECONDS", 60, 0, 600, errors),
        Map.copyOf(caps),
        deviceCap,
        deviceDefault,
        integer(env, "RATE_INGEST_PER_TOKEN", 2_000, 0, 10_000_000, errors),
        integer(env, "RATE_INGEST_PER_IP", 4_000, 0, 10_000_000, errors),
        integer(env, "RATE_AUTH_FAILURES_PER_IP", 60, 0, 10_000_000, errors),
        list(env, "TRUSTED_PROXIES"),
        limits(env, errors, fileDescriptorLimit()));
  }

  static Limits limits(Map<String, String> env, List<String> errors, long fdLimit) {
    // The ceiling stays below the descriptor limit with a reserve, so the process can always accept
    // a connection to refuse it cleanly, talk to its database and open its files.
    int fdRoom = fdLimit <= 0 ? Integer.MAX_VALUE : (int) Math.min(Integer.MAX_VALUE, fdLimit - Limits.DESCRIPTOR_RESERVE);
    int defaultMax = fdLimit <= 0 ? 10_000 : Math.max(16, Math.min(20_000, (int) (fdRoom * 0.9)));
    int maxConnections = integer(env, "MAX_CONNECTIONS", defaultMax, 16, 10_000_000, errors);
    if (fdLimit > 0 && maxConnections > fdRoom) {
      errors.add("MAX_CONNECTIONS " + maxConnections + " must stay below the file-descriptor limit " + fdLimit + " minus "
          + Limits.DESCRIPTOR_RESERVE + " (raise ulimit -n, or lower MAX_CONNECTIONS)");
      maxConnections = Math.max(16, fdRoom);
    }
    // 0: no share (a tenant may queue on the whole pool: the behaviour before issue 19, for comparisons).
    // 1 by default: measured on two cores (bench/isolation.sh), one tenant's flood of scans with 2 in
    // flight took both cores and another tenant's median read went from 13 to 103 ms; with 1, to 20 ms.
    int concurrency = integer(env, "READ_CONCURRENCY_PER_TENANT", 1, 0, Limits.READ_POOL_SIZE, errors);
    String metricsHost = null;
    int metricsPort = 0;
    String listen = string(env, "METRICS_LISTEN");
    if (listen != null) {
      int colon = listen.lastIndexOf(':');
      try {
        metricsPort = Integer.parseInt(listen.substring(colon + 1));
        metricsHost = colon <= 0 ? "127.0.0.1" : listen.substring(0, colon).replace("[", "").replace("]", "");
        if (metricsPort < 0 || metricsPort > 65535) throw new NumberFormatException();
      } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
        errors.add("METRICS_LISTEN must be host:port or :port (e.g. 127.0.0.1:9464 or 0.0.0.0:9464), got " + listen);
        metricsHost = null;
      }
    }
    String metricsToken = string(env, "METRICS_TOKEN");
    if (metricsToken != null && (metricsToken.length() < 16 || !metricsToken.matches("[\\x21-\\x7E]+"))) {
      errors.add("METRICS_TOKEN must be at least 16 printable characters without spaces");
    }
    return new Limits(
        integer(env, "RATE_READ_PER_TOKEN", 20, 0, 10_000_000, errors),
        integer(env, "RATE_READ_PER_TENANT", 100, 0, 10_000_000, errors),
        concurrency,
        integer(env, "READ_QUEUE_PER_TENANT", 100, 0, 100_000, errors),
        integer(env, "LIVE_MAX_PER_TOKEN", 50, 0, 1_000_000, errors),
        integer(env, "LIVE_MAX_PER_DEVICE", 3, 0, 1_000_000, errors),
        integer(env, "LIVE_MAX_PER_ADDRESS", 500, 0, 1_000_000, errors),
        maxConnections,
        fdLimit,
        integer(env, "HTTP_IDLE_TIMEOUT_SECONDS", 120, 5, 86_400, errors),
        integer(env, "HTTP_HEADER_TIMEOUT_SECONDS", 10, 1, 600, errors),
        integer(env, "HTTP_BODY_TIMEOUT_SECONDS", 60, 1, 3_600, errors),
        metricsHost, metricsPort, metricsToken);
  }

  /** The process's file-descriptor limit (ulimit -n), or -1 where the JVM cannot tell. */
  static long fileDescriptorLimit() {
    if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
      return unix.getMaxFileDescriptorCount();
    }
    return -1;
  }

  /** {@code 30d}, {@code 12h}, {@code 15m} or {@code 90s}. */
  public static Duration parseDuration(String text) {
    if (text == null || !text.matches("\\d{1,9}[smhd]")) throw new IllegalArgumentException("a duration like 30d, 12h, 15m or 90s");
    long n = Long.parseLong(text.substring(0, text.length() - 1));
    return switch (text.charAt(text.length() - 1)) {
      case 's' -> Duration.ofSeconds(n);
      case 'm' -> Duration.ofMinutes(n);
      case 'h' -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
  }

  private static Duration duration(Map<String, String> env, String name, String fallback, List<String> errors) {
    String v = string(env, name);
    try {
      Duration d = parseDuration(v == null ? fallback : v);
      if (d.isZero()) throw new IllegalArgumentException("positive");
      return d;
    } catch (IllegalArgumentException e) {
      errors.add(name + " must be a positive duration like 30d, 12h, 15m or 90s, got " + v);
      return parseDuration(fallback);
    }
  }

  private static int integer(Map<String, String> env, String name, int fallback, int min, int max, List<String> errors) {
    String v = string(env, name);
    if (v == null) return fallback;
    try {
      int parsed = Integer.parseInt(v);
      if (parsed >= min && parsed <= max) return parsed;
    } catch (NumberFormatException ignored) {
      // reported below
    }
    errors.add(name + " must be an integer between " + min + " and " + max + ", got " + v);
    return fallback;
  }

  private static String string(Map<String, String> env, String name) {
    String v = env.get(name);
    return v == null || v.isBlank() ? null : v.trim();
  }

  private static List<String> list(Map<String, String> env, String name) {
    String v = string(env, name);
    List<String> out = new ArrayList<>();
    if (v == null) return out;
    for (String part : v.split(",")) {
      if (!part.isBlank()) out.add(part.trim());
    }
    return List.copyOf(out);
  }

  private static String stripExtension(String name) {
    int dot = name.lastIndexOf('.');
    return dot > 0 ? name.substring(0, dot) : name;
  }
}
