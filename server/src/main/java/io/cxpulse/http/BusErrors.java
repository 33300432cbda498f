package io.cxpulse.http;

import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * API errors across the local event bus: a verticle that refuses a request (the writer's full
 * queue, a segment over its limit) fails the message with the {@link ApiError} itself, and the
 * HTTP side turns any failed reply back into one, so no handler special-cases who refused.
 */
public final class BusErrors {
  private BusErrors() {}

  /** Fails {@code message} with {@code error}: its status as failure code, its JSON (and Retry-After) as message. */
  public static void fail(Message<?> message, ApiError error) {
    JsonObject json = error.toJson();
    if (error.retryAfterSeconds() != null) json.put("retryAfter", error.retryAfterSeconds());
    message.fail(error.status(), json.encode());
  }

  /**
   * The API error a failed reply stands for: an {@link ApiError} sent by {@link #fail}, a 404 of a
   * verticle that knows no such thing, or else (a timeout, no handler, an internal failure) a 503
   * that asks the client to retry; null when the reply carries no API error of its own.
   */
  public static ApiError decode(ReplyException failure) {
    JsonObject json = null;
    String message = failure.getMessage();
    if (message != null && message.startsWith("{")) {
      try {
        json = new JsonObject(message);
      } catch (DecodeException e) {
        json = null;
      }
    }
    if (json != null && json.getValue("error") instanceof String code) {
      List<ApiError.Detail> details = new ArrayList<>();
      for (Object d : json.getJsonArray("details", new JsonArray())) {
        JsonObject o = (JsonObject) d;
        details.add(new ApiError.Detail(o.getString("path"), o.getString("message")));
      }
      return new ApiError(failure.failureCode(), code, json.getString("message"), details, json.getInteger("retryAfter"));
    }
    if (failure.failureCode() == 404) return new ApiError(404, "not_found", message);
    return null;
  }
}
