package io.cxpulse.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Everything the server reads from its environment, read and validated once at start.
 * Defaults make the embedded mode work with no configuration at all.
 */
public record Config(
    int httpPort,
    Path dataDir,
    DatabaseConfig database,
    Path catalogFile,
    List<String> allowedOrigins,
    String jwtIssuer,
    String jwtAudience,
    long liveTickMs,
    long livePingIntervalMs,
    long liveIdleTimeoutMs,
    long liveStuckTimeoutMs,
    int httpInstances,
    long bodyLimitBytes,
    int ingestQueueLimit,
    int batchMaxEvents,
    int writeTimeoutMs,
    int minN,
    int privacyMinN,
    Duration minuteRetention,
    Duration quarterRetention,
    double demoRate,
    boolean benchEndpoints,
    int metricsMaxTouchpoints,
    String logFormat,
    boolean logRequests,
    int segmentLimit,
    Duration quadrantAlertWindow,
    int quadrantAlertMinN,
    int quadrantAlertMinItemN,
    long caseCheckMs,
    SecurityConfig security) {


  /** How to reach PostgreSQL: null url and null host mean "start the embedded one". */
  public record DatabaseConfig(String url, String host, Integer port, String database, String user, String password) {
    public boolean embedded() {
      return url == null && host == null;
    }
  }

  public static Config fromEnv() {
    return fromMap(System.getenv());
  }

  public static Config fromMap(Map<String, String> env) {
    List<String> errors = new ArrayList<>();
    Reader r = new Reader(env, errors);
    Config config = new Config(
        r.intValue("HTTP_PORT", 8080, 0, 65535),
        Path.of(r.string("DATA_DIR", "./data")).toAbsolutePath().normalize(),
        new DatabaseConfig(
            r.string("DATABASE_URL", null),
            r.string("PGHOST", null),
            env.containsKey("PGPORT") ? r.intValue("PGPORT", 5432, 1, 65535) : null,
            r.string("PGDATABASE", null),
            r.string("PGUSER", null),
            r.string("PGPASSWORD", null)),
        env.get("CXPULSE_CATALOG") == null || env.get("CXPULSE_CATALOG").isBlank()
            ? null : Path.of(env.get("CXPULSE_CATALOG")),
        r.list("ALLOWED_ORIGINS"),
        r.string("JWT_ISSUER", "cxpulse"),
        r.string("JWT_AUDIENCE", "cxpulse"),
        r.intValue("LIVE_TICK_MS", 500, 50, 60_000),
        r.intValue("LIVE_PING_INTERVAL_MS", 20_000, 100, 600_000),
        r.intValue("LIVE_IDLE_TIMEOUT_MS", 60_000, 300, 3_600_000),
        r.intValue("LIVE_STUCK_TIMEOUT_MS", 30_000, 100, 3_600_000),
        r.intValue("HTTP_INSTANCES", Math.max(1, Runtime.getRuntime().availableProcessors()), 1, 64),
        r.intValue("BODY_LIMIT_BYTES", 8 * 1024 * 1024, 1024, 64 * 1024 * 1024),
        r.intValue("INGEST_QUEUE_LIMIT", 20_000, 1, 10_000_000),
        r.intValue("INGEST_BATCH_MAX", 1000, 1, 100_000),
        r.intValue("WRITE_TIMEOUT_MS", 10_000, 100, 600_000),
        r.intValue("MIN_N", 30, 1, 1_000_000),
        r.intValue("PRIVACY_MIN_N", 5, 1, 1_000_000),
        Duration.ofMinutes(r.intValue("MINUTE_RETENTION_MINUTES", 6 * 60, 60, 7 * 24 * 60)),
        Duration.ofDays(r.intValue("QUARTER_RETENTION_DAYS", 8, 1, 400)),
        r.doubleValue("DEMO_RATE", 3.0, 0, 10_000),
        "true".equalsIgnoreCase(r.string("BENCH_ENDPOINTS", "false")),
        r.intValue("METRICS_MAX_TOUCHPOINTS", 100, 1, 10_000),
        r.choice("LOG_FORMAT", "text", List.of("text", "json")),
        "true".equalsIgnoreCase(r.string("LOG_REQUESTS", "false")),
        r.intValue("SEGMENT_LIMIT", 1000, 1, 1_000_000),
        Duration.ofMinutes(r.intValue("QUADRANT_ALERT_WINDOW_MINUTES", 60, 1, 6 * 60)),
        r.intValue("QUADRANT_ALERT_MIN_N", 30, 1, 1_000_000),
        r.intValue("QUADRANT_ALERT_MIN_ITEM_N", 10, 1, 1_000_000),
        r.intValue("CASE_CHECK_MS", 15_000, 50, 3_600_000),
        SecurityConfig.from(env, errors));

    if (!errors.isEmpty()) {
      throw new IllegalArgumentException("bad configuration: " + String.join("; ", errors));
    }
    return config;
  }

  private record Reader(Map<String, String> env, List<String> errors) {
    String string(String name, String fallback) {
      String v = env.get(name);
      return v == null || v.isBlank() ? fallback : v.trim();
    }

    String choice(String name, String fallback, List<String> allowed) {
      String v = string(name, fallback).toLowerCase(java.util.Locale.ROOT);
      if (allowed.contains(v)) return v;
      errors.add(name + " must be one of " + String.join(", ", allowed) + ", got " + v);
      return fallback;
    }

    List<String> list(String name) {
      String v = string(name, "");
      List<String> out = new ArrayList<>();
      for (String part : v.split(",")) {
        if (!part.isBlank()) out.add(part.trim());
      }
      return List.copyOf(out);
    }

    int intValue(String name, int fallback, int min, int max) {
      String v = string(name, null);
      if (v == null) return fallback;
      try {
        int parsed = Integer.parseInt(v);
        if (parsed < min || parsed > max) {
          errors.add(name + " must be between " + min + " and " + max + ", got " + v);
          return fallback;
        }
        return parsed;
      } catch (NumberFormatException e) {
        errors.add(name + " must be an integer, got " + v);
        return fallback;
      }
    }

    double doubleValue(String name, double fallback, double min, double max) {
      String v = string(name, null);
      if (v == null) return fallback;
      try {
        double parsed = Double.parseDouble(v);
        if (!(parsed >= min && parsed <= max)) {
          errors.add(name + " must be between " + min + " and " + max + ", got " + v);
          return fallback;
        }
        return parsed;
      } catch (NumberFormatException e) {
        errors.add(name + " must be a number, got " + v);
        return fallback;
      }
    }
  }
}
