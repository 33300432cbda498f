package io.cxpulse;

import io.cxpulse.auth.Principal;
import io.cxpulse.auth.SigningKeys;
import io.cxpulse.auth.Tokens;
import io.cxpulse.config.Config;
import io.cxpulse.store.CounterStore;
import io.cxpulse.store.Database;
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
               java -jar cxpulse.jar token --tenant T --role R[,R…] [--touchpoints a,b] [--ttl 30d] [--sub NAME]
               java -jar cxpulse.jar verify
        roles: ingest, viewer, manager, admin. Environment: HTTP_PORT, DATA_DIR, DATABASE_URL (or PG*),
        CXPULSE_CATALOG, ALLOWED_ORIGINS, JWT_ISSUER, JWT_AUDIENCE, LIVE_TICK_MS, DEMO_RATE.""");
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
      String viewer = server.tokens().issue("demo-viewer", "demo", List.of(Principal.VIEWER, Principal.MANAGER), null,
          Duration.ofDays(30));
      banner.append("""
          Demo data is flowing for tenant "demo". A viewer/manager token (valid 30 days):

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
    Duration ttl = ttl(opts.getOrDefault("ttl", "30d"));
    Config config = Config.fromEnv();
    SigningKeys keys = SigningKeys.loadOrGenerate(config.dataDir());
    Vertx vertx = Vertx.vertx();
    try {
      Tokens tokens = new Tokens(vertx, keys, config.jwtIssuer(), config.jwtAudience());
      System.out.println(tokens.issue(opts.getOrDefault("sub", "cli"), tenant, roleList, touchpoints, ttl));
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
        Pool pool = database.pool(vertx, "verify", 1, 4);
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
        CountDownLatch closed = new CountDownLatch(1);
        vertx.close().onComplete(ar -> closed.countDown());
        try {
          closed.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  static Duration ttl(String text) {
    if (!text.matches("\\d+[smhd]")) throw new IllegalArgumentException("--ttl like 30d, 12h, 15m or 90s");
    long n = Long.parseLong(text.substring(0, text.length() - 1));
    return switch (text.charAt(text.length() - 1)) {
      case 's' -> Duration.ofSeconds(n);
      case 'm' -> Duration.ofMinutes(n);
      case 'h' -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
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
