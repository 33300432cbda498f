package io.cxpulse.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** An error reply of API.md: status, a stable code, a sentence, and per-field details. */
public final class ApiError extends RuntimeException {
  public record Detail(String path, String message) {}

  private final int status;
  private final String code;
  private final List<Detail> details;
  private final Integer retryAfterSeconds;

  public ApiError(int status, String code, String message, List<Detail> details, Integer retryAfterSeconds) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.details = List.copyOf(details);
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public ApiError(int status, String code, String message) {
    this(status, code, message, List.of(), null);
  }

  public static ApiError badRequest(String message, List<Detail> details) {
    return new ApiError(400, "invalid", message, details, null);
  }

  public static ApiError unavailable(String message, int retryAfterSeconds) {
    return new ApiError(503, "unavailable", message, List.of(), retryAfterSeconds);
  }

  public int status() { return status; }
  public String code() { return code; }
  public List<Detail> details() { return details; }
  public Integer retryAfterSeconds() { return retryAfterSeconds; }

  public JsonObject toJson() {
    JsonObject out = new JsonObject().put("error", code).put("message", getMessage());
    if (!details.isEmpty()) {
      JsonArray arr = new JsonArray();
      for (Detail d : details) arr.add(new JsonObject().put("path", d.path()).put("message", d.message()));
      out.put("details", arr);
    }
    return out;
  }
}
