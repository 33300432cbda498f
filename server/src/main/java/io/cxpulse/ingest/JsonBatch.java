package io.cxpulse.ingest;

import io.cxpulse.http.ApiError;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * The body of a batch request (feedback, outcomes): one JSON object, a JSON array, or NDJSON
 * (API.md, "Ingest"), split into its items before each is validated. Problems are collected, not
 * thrown one at a time, so that one reply names every bad item; the request is all or nothing.
 */
public final class JsonBatch {
  /** Stands for an NDJSON line that is not JSON (already reported); never an item. */
  public static final Object BAD_LINE = new Object();
  private static final Duration FUTURE_TOLERANCE = Duration.ofMinutes(5);
  /** Far-past times are typos, and before year 1 PostgreSQL and java.time disagree on the calendar. */
  private static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");

  private JsonBatch() {}

  /** The decoded items, and whether the body was a list (array or NDJSON), which decides error paths. */
  public record Items(List<Object> raw, boolean list) {
    public String path(int index) {
      return list ? "/" + index : "";
    }
  }

  /**
   * Splits the body into items; a line of NDJSON that is not JSON adds a detail to {@code invalid}
   * and stays as {@link #BAD_LINE} so that later items keep their index. A body that is not JSON
   * at all, empty, or over {@code maxItems} items is refused at once (400).
   */
  public static Items read(Buffer body, boolean ndjson, int maxItems, String noun, List<ApiError.Detail> invalid) {
    List<Object> raw = new ArrayList<>();
    boolean list = ndjson;
    if (ndjson) {
      int lineNo = 0;
      for (String line : body.toString(StandardCharsets.UTF_8).split("\n", -1)) {
        lineNo++;
        if (line.isBlank()) continue;
        try {
          raw.add(Json.decodeValue(line));
        } catch (DecodeException e) {
          invalid.add(new ApiError.Detail("/" + raw.size(), "line " + lineNo + ": not valid JSON"));
          raw.add(BAD_LINE);
        }
      }
    } else {
      Object decoded;
      try {
        decoded = body.length() == 0 ? null : Json.decodeValue(body);
      } catch (DecodeException e) {
        throw ApiError.badRequest("the body is not valid JSON", List.of(new ApiError.Detail("", "not valid JSON")));
      }
      if (decoded instanceof JsonArray a) {
        list = true;
        a.forEach(raw::add);
      } else if (decoded instanceof JsonObject) {
        raw.add(decoded);
      } else {
        throw ApiError.badRequest("the body must be a JSON object or an array of objects",
            List.of(new ApiError.Detail("", "must be an object or an array of objects")));
      }
    }
    if (raw.isEmpty()) {
      throw ApiError.badRequest("no " + noun + " in the request", List.of(new ApiError.Detail("", "at least one item required")));
    }
    if (raw.size() > maxItems) {
      throw ApiError.badRequest("too many items",
          List.of(new ApiError.Detail("", "at most " + maxItems + " items per request, got " + raw.size())));
    }
    return new Items(raw, list);
  }

  /**
   * Refuses the whole request if any item had a problem: 400 with every detail when anything is
   * invalid, 422 when the only problems are codes the tenant does not know ({@code unknownWhat}:
   * e.g. "unknown code", its plural made with an "s").
   */
  public static void refuseIfAny(List<ApiError.Detail> invalid, List<ApiError.Detail> unknown, String unknownWhat, String context) {
    if (!invalid.isEmpty()) {
      List<ApiError.Detail> all = new ArrayList<>(invalid);
      all.addAll(unknown);
      throw ApiError.badRequest(all.size() + " invalid field" + (all.size() == 1 ? "" : "s") + "; nothing was stored", all);
    }
    if (!unknown.isEmpty()) {
      throw new ApiError(422, "unknown_code", unknown.size() + " " + unknownWhat + (unknown.size() == 1 ? "" : "s")
          + context + "; nothing was stored", unknown, null);
    }
  }

  /**
   * An item's {@code occurredAt} (API.md: ISO-8601 with an offset, not more than 5 minutes in the
   * future), {@code now} when absent; a detail at {@code <path>/occurredAt} when it is not valid.
   */
  public static Instant occurredAt(String value, String path, Instant now, List<ApiError.Detail> invalid) {
    if (value == null) return now;
    try {
      Instant at = OffsetDateTime.parse(value).toInstant();
      if (at.isAfter(now.plus(FUTURE_TOLERANCE))) {
        invalid.add(new ApiError.Detail(path + "/occurredAt", "more than 5 minutes in the future"));
      } else if (at.isBefore(EARLIEST)) {
        invalid.add(new ApiError.Detail(path + "/occurredAt", "before 2000-01-01T00:00:00Z"));
      }
      return at;
    } catch (DateTimeParseException e) {
      invalid.add(new ApiError.Detail(path + "/occurredAt", "must be an ISO-8601 time with an offset, e.g. 2026-11-25T09:30:00+08:00"));
      return now;
    }
  }
}
