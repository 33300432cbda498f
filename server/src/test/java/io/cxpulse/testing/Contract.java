package io.cxpulse.testing;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.contract.MediaType;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.contract.Response;
import io.vertx.openapi.validation.ResponseValidator;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatableResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The API contract of the repository, {@code docs/openapi.yaml}, loaded once per JVM with
 * vertx-openapi. {@link TestServer} hands it every reply it receives: a reply to an operation of
 * the contract must have a status that operation documents, the media type it documents for that
 * status, the headers it requires, and a JSON body that its schema accepts; a reply from another
 * path under {@code /api} must be an error of the contract's shape. A mismatch fails the test that
 * made the request, naming the operation, the status and what the schema says.
 */
public final class Contract {
  /** What a path under /api that the contract does not list may answer (API.md: errors are JSON). */
  private static final Set<Integer> UNLISTED_API_STATUSES = Set.of(400, 401, 403, 404, 405, 414, 429, 431, 503);
  private static final AtomicLong VALIDATED = new AtomicLong();
  private static final Path COUNT_FILE = Path.of("target", "contract-responses.txt");

  private static volatile Contract instance;
  private static volatile RuntimeException loadFailure;

  private final JsonObject raw;
  private final OpenAPIContract contract;
  private final ResponseValidator validator;

  private Contract(Vertx vertx, JsonObject raw, OpenAPIContract contract) {
    this.raw = raw;
    this.contract = contract;
    this.validator = ResponseValidator.create(vertx, contract);
  }

  /** The contract file: docs/openapi.yaml of the repository (the tests run in server/). */
  public static Path file() {
    Path dir = Path.of("").toAbsolutePath();
    for (Path d = dir; d != null; d = d.getParent()) {
      Path candidate = d.resolve("docs").resolve("openapi.yaml");
      if (Files.isRegularFile(candidate)) return candidate;
    }
    throw new IllegalStateException("no docs/openapi.yaml above " + dir);
  }

  /** How many replies were checked in this JVM so far. */
  public static long validated() {
    return VALIDATED.get();
  }

  private static Contract get() {
    Contract c = instance;
    if (c != null) return c;
    synchronized (Contract.class) {
      if (loadFailure != null) throw loadFailure;
      try {
        if (instance == null) instance = load();
      } catch (RuntimeException e) {
        loadFailure = e;
        throw e;
      }
      return instance;
    }
  }

  private static Contract load() {
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(2));
    try {
      // Read as vertx-openapi reads YAML. It refuses a contract with media types it cannot validate
      // (application/x-ndjson requests, the YAML of this document): its copy leaves them out, and
      // the media type of such a reply is checked here against the file as written.
      JsonObject raw = await(io.vertx.openapi.impl.Utils.readYamlOrJson(vertx, file().toString()).toCompletionStage()
          .toCompletableFuture());
      OpenAPIContract contract = await(OpenAPIContract.from(vertx, withSupportedTypesOnly(raw)).toCompletionStage()
          .toCompletableFuture());
      Runtime.getRuntime().addShutdownHook(new Thread(Contract::report, "contract-report"));
      return new Contract(vertx, raw, contract);
    } catch (RuntimeException e) {
      vertx.close();
      throw new IllegalStateException("docs/openapi.yaml is not a contract vertx-openapi can load: " + e.getMessage(), e);
    }
  }

  private static JsonObject withSupportedTypesOnly(JsonObject raw) {
    JsonObject copy = raw.copy();
    for (String path : copy.getJsonObject("paths").fieldNames()) {
      JsonObject item = copy.getJsonObject("paths").getJsonObject(path);
      for (String method : item.fieldNames()) {
        if (!(item.getValue(method) instanceof JsonObject op)) continue;
        if (op.getJsonObject("requestBody") != null) supportedOnly(op.getJsonObject("requestBody").getJsonObject("content"));
        for (String status : op.getJsonObject("responses").fieldNames()) {
          supportedOnly(op.getJsonObject("responses").getJsonObject(status).getJsonObject("content"));
        }
      }
    }
    return copy;
  }

  private static void supportedOnly(JsonObject content) {
    if (content != null) content.fieldNames().removeIf(type -> !MediaType.isMediaTypeSupported(type));
  }

  /** The media types the file documents for a reply (a components/responses $ref resolved). */
  private Set<String> documentedTypes(Operation op, int status) {
    JsonObject responses = raw.getJsonObject("paths").getJsonObject(op.getOpenAPIPath())
        .getJsonObject(op.getHttpMethod().name().toLowerCase(Locale.ROOT)).getJsonObject("responses");
    JsonObject response = responses.getJsonObject(String.valueOf(status), responses.getJsonObject("default"));
    String ref = response.getString("$ref");
    if (ref != null) {
      response = raw.getJsonObject("components").getJsonObject("responses")
          .getJsonObject(ref.substring(ref.lastIndexOf('/') + 1));
    }
    return response.getJsonObject("content", new JsonObject()).fieldNames();
  }

  private static void report() {
    String line = "contract: " + VALIDATED.get() + " replies validated against docs/openapi.yaml";
    System.err.println(line);
    try {
      Files.createDirectories(COUNT_FILE.toAbsolutePath().getParent());
      Files.writeString(COUNT_FILE, line + "\n");
    } catch (IOException e) {
      System.err.println("contract: cannot write " + COUNT_FILE + ": " + e.getMessage());
    }
  }

  /** Checks one reply; throws an AssertionError describing the mismatch. */
  public static void check(String method, URI uri, HttpResponse<String> response) {
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    Contract c = get();
    HttpMethod m = HttpMethod.valueOf(method.toUpperCase(Locale.ROOT));
    Operation op = c.find(path, m);
    if (op != null) {
      c.checkOperation(op, m, path, response);
      VALIDATED.incrementAndGet();
    } else if (path.equals("/api") || path.startsWith("/api/")) {
      c.checkUnlisted(m, path, response);
      VALIDATED.incrementAndGet();
    }
  }

  private Operation find(String path, HttpMethod method) {
    try {
      // The router ignores one trailing slash (/api/v1/cases/ is the list), and so does the contract.
      String p = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
      return contract.findOperation(p, method);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private void checkOperation(Operation op, HttpMethod method, String path, HttpResponse<String> r) {
    int status = r.statusCode();
    String where = op.getOperationId() + " (" + method + " " + path + ")";
    Response documented = op.getResponse(status);
    if (documented == null) documented = op.getDefaultResponse();
    if (documented == null) {
      throw new AssertionError("contract: " + where + " answered " + status + ", which docs/openapi.yaml does not document "
          + "for it; body: " + abbreviate(r.body()));
    }
    String mediaType = mediaType(r);
    boolean hasBody = !r.body().isEmpty() && method != HttpMethod.HEAD;
    Set<String> types = documentedTypes(op, status);
    if (types.isEmpty()) {
      if (hasBody && mediaType != null && mediaType.endsWith("json")) {
        throw new AssertionError("contract: " + where + " answered " + status + " with a " + mediaType
            + " body, but docs/openapi.yaml documents no body for it; body: " + abbreviate(r.body()));
      }
    } else if (hasBody && !types.contains(mediaType)) {
      throw new AssertionError("contract: " + where + " answered " + status + " as " + r.headers().firstValue("Content-Type")
          .orElse("(no Content-Type)") + "; docs/openapi.yaml documents " + types);
    }
    Map<String, String> headers = new HashMap<>();
    for (Parameter header : documented.getHeaders()) {
      r.headers().firstValue(header.getName()).ifPresent(v -> headers.put(header.getName(), v));
    }
    boolean json = hasBody && "application/json".equals(mediaType);
    if (json) {
      try {
        new JsonObject(r.body());
      } catch (DecodeException e) {
        // Not an object: arrays and scalars are still JSON; the schema will judge them.
        if (!r.body().trim().startsWith("[")) {
          throw new AssertionError("contract: " + where + " answered " + status + " with a body that is not JSON: "
              + abbreviate(r.body()));
        }
      }
    }
    ValidatableResponse reply = json
        ? ValidatableResponse.create(status, headers, Buffer.buffer(r.body()), "application/json")
        : ValidatableResponse.create(status, headers);
    if (!json && !types.isEmpty()) {
      // A body that is not JSON (the metrics text, this YAML): its media type was checked above;
      // the headers are left.
      checkHeaders(documented, headers, where, status);
      return;
    }
    try {
      await(validator.validate(reply, op.getOperationId()).toCompletionStage().toCompletableFuture());
    } catch (SchemaValidationException e) {
      throw new AssertionError("contract: " + where + " answered " + status + " with a body that docs/openapi.yaml "
          + "refuses: " + e.getMessage() + errors(e.getOutputUnit()) + "\nbody: " + abbreviate(r.body()), e);
    } catch (RuntimeException e) {
      throw new AssertionError("contract: " + where + " answered " + status + ": " + e.getMessage() + "\nbody: "
          + abbreviate(r.body()), e);
    }
  }

  private static void checkHeaders(Response documented, Map<String, String> headers, String where, int status) {
    for (Parameter header : documented.getHeaders()) {
      if (header.isRequired() && !headers.containsKey(header.getName())) {
        throw new AssertionError("contract: " + where + " answered " + status + " without the header " + header.getName());
      }
    }
  }

  /** A path under /api that the contract does not list: a JSON error of the contract's shape. */
  private void checkUnlisted(HttpMethod method, String path, HttpResponse<String> r) {
    String where = method + " " + path + " (not in docs/openapi.yaml)";
    // A CORS preflight from an allowed origin: 204 without a body (the contract's description says so).
    if (method == HttpMethod.OPTIONS && r.statusCode() == 204 && r.body().isEmpty()) return;
    if (!UNLISTED_API_STATUSES.contains(r.statusCode())) {
      throw new AssertionError("contract: " + where + " answered " + r.statusCode() + "; a path the contract does not "
          + "list may only answer an error " + UNLISTED_API_STATUSES + "; body: " + abbreviate(r.body()));
    }
    if (method == HttpMethod.HEAD) return;
    // Every operation's 401 is the Error schema: validate against that (resolved) schema.
    OutputUnit result = contract.getSchemaRepository()
        .validator(contract.operation("getScorecards").getResponse(401).getContent().get("application/json").getSchema())
        .validate(errorBody(where, r));
    if (!Boolean.TRUE.equals(result.getValid())) {
      throw new AssertionError("contract: " + where + " answered " + r.statusCode() + " with a body that is not the "
          + "contract's Error" + errors(result) + "\nbody: " + abbreviate(r.body()));
    }
  }

  private static Object errorBody(String where, HttpResponse<String> r) {
    try {
      return new JsonObject(r.body());
    } catch (DecodeException e) {
      throw new AssertionError("contract: " + where + " answered " + r.statusCode() + " with a body that is not a JSON "
          + "error: " + abbreviate(r.body()));
    }
  }

  private static String errors(OutputUnit unit) {
    if (unit == null || unit.getErrors() == null || unit.getErrors().isEmpty()) return "";
    StringBuilder out = new StringBuilder();
    List<OutputUnit> errors = unit.getErrors();
    for (int i = 0; i < Math.min(errors.size(), 10); i++) {
      OutputUnit e = errors.get(i);
      out.append("\n  at ").append(e.getInstanceLocation()).append(" (").append(e.getKeywordLocation()).append("): ")
          .append(e.getError());
    }
    if (errors.size() > 10) out.append("\n  … and ").append(errors.size() - 10).append(" more");
    return out.toString();
  }

  private static String mediaType(HttpResponse<String> r) {
    return r.headers().firstValue("Content-Type")
        .map(t -> (t.indexOf(';') < 0 ? t : t.substring(0, t.indexOf(';'))).trim().toLowerCase(Locale.ROOT))
        .orElse(null);
  }

  private static String abbreviate(String s) {
    return s.length() <= 600 ? s : s.substring(0, 600) + "…";
  }

  private static <T> T await(java.util.concurrent.CompletableFuture<T> future) {
    try {
      return future.get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) throw re;
      throw new IllegalStateException(e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("contract check timed out", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
