package io.cxpulse;

import io.cxpulse.auth.Principal;
import io.cxpulse.auth.KeyRing;
import io.cxpulse.auth.TokenPolicy;
import io.cxpulse.auth.Tokens;
import io.cxpulse.config.Config;
import io.cxpulse.store.CounterStore;
import io.cxpulse.store.CatalogStore;
import io.cxpulse.store.Database;
import io.cxpulse.store.DeviceTokenStore;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/** {@code cxpulse serve [--demo] | token … | verify}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    String command = args.length == 0 ? "serve" : args[0];
    String[] rest = args.length == 0 ? new String[0] : Arrays.copyOfRange(args, 1, args.length);
    try {
      int code = switch (command) {
        case "serve" -> serve(rest);
        case "token" -> token(rest);
        case "verify" -> verify();
        case "device" -> device(rest);
        case "help", "--help", "-h" -> usage(0);
        default -> usage(2);
      };
      if (code != 0 || !command.equals("serve")) System.exit(code);
    } catch (IllegalArgumentException | IllegalStateException e) {
      System.err.println("cxpulse: " + e.getMessage());
      System.exit(2);
    }
  }

  private static int usage(int code) {
    (code == 0 ? System.out : System.err).println("""
        usage: java -jar cxpulse.jar serve [--demo]
               java -jar cxpulse.jar token --tenant T --role R[,R…] [--touchpoints a,b] [--ttl 30d] [--sub NAME] [--segments known]
               java -jar cxpulse.jar verify
               java -jar cxpulse.jar device issue --tenant T --name N [--touchpoints a,b] [--ttl 365d]
               java -jar cxpulse.jar device list --tenant T
               java -jar cxpulse.jar device revoke --tenant T --id X
        roles: ingest, viewer, manager, admin. Environment: HTTP_PORT, DATA_DIR, DATABASE_URL (or PG*),
        CXPULSE_CATALOG, ALLOWED_ORIGINS, JWT_ISSUER, JWT_AUDIENCE, JWT_PUBLIC_KEYS, JWT_PRIVATE_KEY, JWT_KEY_ID,
        JWKS_URL, TOKEN_MAX_TTL_<ROLE>, LIVE_TICK_MS, DEMO_RATE (see docs/security.md).""");
    return code;
  }

  private static int serve(String[] args) {
    boolean demo = List.of(args).contains("--demo");
    Config config = Config.fromEnv();
    Server server = Server.start(config, demo);
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "cxpulse-shutdown"));
    String base = "http://localhost:" + config.httpPort();
    StringBuilder banner = new StringBuilder("\ncxpulse is running at " + base + "\n");
    if (demo) {
      List<String> demoRoles = List.of(Principal.VIEWER, Principal.MANAGER);
      String viewer = server.tokens().issue("demo-viewer", "demo", demoRoles, null,
          server.tokens().policy().cap(demoRoles, false));
      banner.append("""
          Demo data is flowing for tenant "demo". A viewer/manager token (valid as long as TOKEN_MAX_TTL_MANAGER, 7 days by default):

            %s

          Open:
            manager console  %s/#token=%s
            wall screen      %s/wall#token=%s
          Try:
            curl -s -H "Authorization: Bearer %s" '%s/api/v1/scorecards?window=1h'
            curl -s -H "Authorization: Bearer %s" '%s/api/v1/reasons?window=7d'
          """.formatted(viewer, base, viewer, base, viewer, viewer, base, viewer, base));
    }
    banner.append("""
        Other tokens: java -jar server/target/cxpulse.jar token --tenant demo --role ingest
        """);
    // With LOG_FORMAT=json, standard output carries only JSON log lines; the banner goes to stderr.
    ("json".equals(config.logFormat()) ? System.err : System.out).println(banner);
    return 0;
  }

  private static int token(String[] args) {
    Map<String, String> opts = options(args);
    String tenant = opts.get("tenant");
    String roles = opts.get("role");
    if (tenant == null || roles == null) throw new IllegalArgumentException("token needs --tenant and --role");
    List<String> roleList = List.of(roles.split(","));
    for (String role : roleList) {
      if (!Principal.ROLES.contains(role)) throw new IllegalArgumentException("unknown role " + role);
    }
    List<String> touchpoints = opts.containsKey("touchpoints") ? List.of(opts.get("touchpoints").split(",")) : null;
    Config config = Config.fromEnv();
    TokenPolicy policy = TokenPolicy.of(config.jwtIssuer(), config.jwtAudience(), config.security());
    Duration cap = policy.cap(roleList, false);
    Duration ttl = opts.containsKey("ttl") ? ttl(opts.get("ttl")) : min(Duration.ofDays(30), cap);
    if (ttl.compareTo(cap) > 0) {
      throw new IllegalArgumentException("--ttl " + opts.get("ttl") + " exceeds the cap of role(s) " + roles + " ("
          + cap.toHours() + " h; TOKEN_MAX_TTL_<ROLE>); use device issue for wall screens");
    }
    KeyRing ring = KeyRing.fromConfig(config.security(), config.dataDir());
    Vertx vertx = Vertx.vertx();
    try {
      Tokens tokens = new Tokens(vertx, ring, policy);
      if (!tokens.canIssue()) throw new IllegalStateException("no signing key: set JWT_PRIVATE_KEY and JWT_KEY_ID");
      String segments = opts.get("segments");
      if (segments != null && !segments.equals("known")) throw new IllegalArgumentException("--segments takes only: known");
      System.out.println(tokens.issue(opts.getOrDefault("sub", "cli"), tenant, roleList, touchpoints, ttl, segments != null));
    } finally {
      vertx.close();
    }
    return 0;
  }

  private static int verify() {
    Config config = Config.fromEnv();
    try (Database database = Database.open(config.database(), config.dataDir(), true)) {
      Vertx vertx = Vertx.vertx();
      try {
        Pool pool = database.toolPool(vertx, "verify");
        CounterStore store = new CounterStore(pool, config.minuteRetention(), config.quarterRetention());
        List<CounterStore.Difference> differences = Server.await(store.verify(Instant.now()));
        if (differences.isEmpty()) {
          System.out.println("verify: every counter equals its recount from the raw responses");
          return 0;
        }
        System.out.println("verify: " + differences.size() + " counter(s) differ from the raw responses"
            + (differences.size() >= 1000 ? " (first 1000 shown)" : "") + ":");
        for (CounterStore.Difference d : differences) {
          System.out.printf("  %s/%s %s:%d %s[%s][%d] stored=%s recounted=%s%n", d.tenant(), d.touchpoint(), d.grain(),
              d.bucket(), d.metric(), d.key(), d.idx(), d.stored(), d.recounted());
        }
        return 1;
      } finally {
        closeAndWait(vertx);
      }
    }
  }

  /**
   * Wall-screen device tokens, against the database like {@code verify}: a running server hears a
   * revocation at once (NOTIFY).
   */
  private static int device(String[] args) {
    if (args.length == 0) return usage(2);
    String action = args[0];
    Map<String, String> opts = options(Arrays.copyOfRange(args, 1, args.length));
    String tenant = opts.get("tenant");
    if (tenant == null) throw new IllegalArgumentException("device " + action + " needs --tenant");
    Config config = Config.fromEnv();
    try (Database database = Database.open(config.database(), config.dataDir(), true)) {
      Vertx vertx = Vertx.vertx();
      try {
        Pool pool = database.toolPool(vertx, "device");
        DeviceTokenStore store = new DeviceTokenStore(pool);
        switch (action) {
          case "issue" -> {
            String name = opts.get("name");
            if (name == null || name.isBlank() || name.length() > 100) {
              throw new IllegalArgumentException("device issue needs --name (1..100 characters)");
            }
            TokenPolicy policy = TokenPolicy.of(config.jwtIssuer(), config.jwtAudience(), config.security());
            Duration ttl = opts.containsKey("ttl") ? ttl(opts.get("ttl")) : config.security().defaultDeviceTokenLifetime();
            if (ttl.compareTo(policy.deviceCap()) > 0) {
              throw new IllegalArgumentException("--ttl exceeds the device token cap of " + policy.deviceCap().toDays() + " days");
            }
            var catalog = Server.await(new CatalogStore(pool).load()).tenant(tenant);
            if (catalog == null) throw new IllegalArgumentException("no tenant " + tenant + " in the database");
            List<String> touchpoints = null;
            if (opts.containsKey("touchpoints")) {
              touchpoints = List.of(opts.get("touchpoints").split(","));
              for (String tp : touchpoints) {
                if (catalog.touchpoint(tp) == null) throw new IllegalArgumentException("tenant " + tenant + " has no touchpoint " + tp);
              }
            }
            Tokens tokens = new Tokens(vertx, KeyRing.fromConfig(config.security(), config.dataDir()), policy);
            if (!tokens.canIssue()) throw new IllegalStateException("no signing key: set JWT_PRIVATE_KEY and JWT_KEY_ID");
            String id = "dev_" + java.util.UUID.randomUUID().toString().replace("-", "");
            Instant expiresAt = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).plus(ttl);
            Server.await(store.insert(tenant, id, name.strip(), touchpoints, "cli", expiresAt));
            String token = tokens.issueDevice(tenant, id, touchpoints, ttl);
            System.out.println("id:        " + id);
            System.out.println("expiresAt: " + expiresAt);
            System.out.println("token:     " + token);
            System.out.println("wall URL:  /wall#token=" + token);
          }
          case "list" -> {
            Instant now = Instant.now();
            for (DeviceTokenStore.Device d : Server.await(store.list(tenant))) System.out.println(d.toJson(now).encode());
          }
          case "revoke" -> {
            String id = opts.get("id");
            if (id == null) throw new IllegalArgumentException("device revoke needs --id");
            Instant at = Server.await(store.revoke(tenant, id));
            if (at == null) {
              System.err.println("cxpulse: tenant " + tenant + " has no device " + id);
              return 1;
            }
            System.out.println("revoked " + id + " at " + at);
          }
          default -> {
            return usage(2);
          }
        }
        return 0;
      } finally {
        closeAndWait(vertx);
      }
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /** The CLI commands end when their Vert.x (and its pools) has closed. */
  private static void closeAndWait(Vertx vertx) {
    CountDownLatch closed = new CountDownLatch(1);
    vertx.close().onComplete(ar -> closed.countDown());
    try {
      closed.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static Duration ttl(String text) {
    try {
      return io.cxpulse.config.SecurityConfig.parseDuration(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--ttl like 30d, 12h, 15m or 90s");
    }
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> out = new HashMap<>();
    List<String> list = new ArrayList<>(List.of(args));
    for (int i = 0; i < list.size(); i++) {
      String a = list.get(i);
      if (!a.startsWith("--")) throw new IllegalArgumentException("unexpected argument " + a);
      String key = a.substring(2);
      String value;
      int eq = key.indexOf('=');
      if (eq >= 0) {
        value = key.substring(eq + 1);
        key = key.substring(0, eq);
      } else {
        if (i + 1 >= list.size()) throw new IllegalArgumentException("--" + key + " needs a value");
        value = list.get(++i);
      }
      out.put(key, value);
    }
    return out;
  }
}
