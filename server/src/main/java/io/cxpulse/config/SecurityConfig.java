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
    List<String> trustedProxies) {

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
        list(env, "TRUSTED_PROXIES"));
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
