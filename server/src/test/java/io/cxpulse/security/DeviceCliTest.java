package io.cxpulse.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxpulse.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The operator's side of wall-screen tokens: {@code java -jar cxpulse.jar device issue|list|revoke}
 * as its own process against the same database and keys as a running server.
 */
@DisplayName("Device token CLI: issue, list and revoke from the command line; the running server follows at once")
class DeviceCliTest {
  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private record Run(int exit, String out, String err) {}

  /** java io.cxpulse.Main args…, with the server's DATABASE_URL, DATA_DIR (its keys) and catalog. */
  private static Run cli(String... args) throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"), "io.cxpulse.Main"));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().keySet().removeIf(k -> k.startsWith("PG") || k.equals("DATABASE_URL"));
    pb.environment().putAll(server.env());
    Process p = pb.start();
    p.getOutputStream().close();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("cxpulse " + String.join(" ", args) + " did not exit within 60 s");
    }
    return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
        new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  private static String field(String out, String name) {
    Matcher m = Pattern.compile("^" + name + ":\\s+(\\S+)$", Pattern.MULTILINE).matcher(out);
    assertThat(m.find()).as("%s in %s", name, out).isTrue();
    return m.group(1);
  }

  @Test
  @DisplayName("issue prints a working wall token scoped to its touchpoints; list shows it without the token; revoke refuses it on the running server")
  void issueListRevoke() throws Exception {
    Run issued = cli("device", "issue", "--tenant", "acme", "--name", "Lobby TV", "--touchpoints", "store", "--ttl", "30d");
    assertThat(issued.exit()).as(issued.err()).isZero();
    String id = field(issued.out(), "id");
    String token = field(issued.out(), "token");
    assertThat(field(issued.out(), "wall URL")).isEqualTo("/wall#token=" + token);

    // The running server accepts it for its touchpoint, refuses other touchpoints and writing.
    assertThat(server.get("/api/v1/scorecards?window=today&touchpoints=store", token).statusCode()).isEqualTo(200);
    assertThat(server.get("/api/v1/scorecards?window=today&touchpoints=hotline", token).statusCode()).isEqualTo(403);
    assertThat(server.postJson("/api/v1/feedback", token, "{\"touchpoint\":\"store\",\"nps\":9}").statusCode()).isEqualTo(403);

    Run listed = cli("device", "list", "--tenant", "acme");
    assertThat(listed.exit()).as(listed.err()).isZero();
    JsonObject row = listed.out().lines().map(JsonObject::new).filter(j -> id.equals(j.getString("id"))).findFirst().orElseThrow();
    assertThat(row.getString("name")).isEqualTo("Lobby TV");
    assertThat(row.getString("status")).isEqualTo("active");
    assertThat(listed.out()).doesNotContain(token);
    // Another tenant's list does not show it.
    assertThat(cli("device", "list", "--tenant", "globex").out()).doesNotContain(id);

    Run revoked = cli("device", "revoke", "--tenant", "acme", "--id", id);
    assertThat(revoked.exit()).as(revoked.err()).isZero();
    assertThat(revoked.out()).startsWith("revoked " + id);
    // The server hears the revocation over NOTIFY: refused within a moment, without a restart.
    long deadline = System.currentTimeMillis() + 10_000;
    int status = 0;
    while (System.currentTimeMillis() < deadline) {
      status = server.get("/api/v1/scorecards?window=today&touchpoints=store", token).statusCode();
      if (status == 401) break;
      Thread.sleep(100);
    }
    assertThat(status).isEqualTo(401);
    JsonObject after = cli("device", "list", "--tenant", "acme").out().lines().map(JsonObject::new)
        .filter(j -> id.equals(j.getString("id"))).findFirst().orElseThrow();
    assertThat(after.getString("status")).isEqualTo("revoked");
  }

  @Test
  @DisplayName("the CLI refuses what the server would: a lifetime over the device cap, an unknown touchpoint, another tenant's device")
  void refusals() throws Exception {
    Run tooLong = cli("device", "issue", "--tenant", "acme", "--name", "TV", "--ttl", "5000d");
    assertThat(tooLong.exit()).isEqualTo(2);
    assertThat(tooLong.err()).contains("cap");
    Run unknown = cli("device", "issue", "--tenant", "acme", "--name", "TV", "--touchpoints", "nope");
    assertThat(unknown.exit()).isEqualTo(2);
    assertThat(unknown.err()).contains("no touchpoint nope");
    String id = field(cli("device", "issue", "--tenant", "acme", "--name", "Kept").out(), "id");
    Run cross = cli("device", "revoke", "--tenant", "globex", "--id", id);
    assertThat(cross.exit()).isEqualTo(1);
    assertThat(cross.err()).contains("has no device");
    assertThat(cli("device", "list", "--tenant", "acme").out()).contains(id).contains("\"active\"");
  }
}
