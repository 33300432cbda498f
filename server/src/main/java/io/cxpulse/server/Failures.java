package io.cxpulse.server;

import io.cxpulse.http.ApiError;
import io.cxpulse.http.BusErrors;
import io.cxpulse.http.Requests;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.codec.http.multipart.HttpPostRequestDecoder;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where a failed request becomes the JSON error of the API contract, and where an
 * unexpected failure is logged (once). Handlers throw or fail with an {@link ApiError}; failures
 * that come back over the event bus are decoded by {@link BusErrors}; what Vert.x Web or Netty
 * refuse by themselves (bad encodings, limits, no route) is mapped here.
 */
final class Failures {
  private static final Logger LOG = LoggerFactory.getLogger(Failures.class);

  private final long bodyLimitBytes;

  Failures(long bodyLimitBytes) {
    this.bodyLimitBytes = bodyLimitBytes;
  }

  void handle(RoutingContext rc) {
    ApiError api = toApiError(rc);
    if (rc.response().ended()) return;
    if (api.retryAfterSeconds() != null) rc.response().putHeader("Retry-After", String.valueOf(api.retryAfterSeconds()));
    Requests.json(rc, api.status(), api.toJson().encode());
  }

  private ApiError toApiError(RoutingContext rc) {
    Throwable err = rc.failure();
    if (err instanceof ApiError a) return a;
    if (err instanceof DecoderException || err instanceof HttpPostRequestDecoder.ErrorDataDecoderException
        || err instanceof HttpPostRequestDecoder.TooLongFormFieldException) {
      return new ApiError(400, "invalid", "the request body cannot be decoded");
    }
    if (err instanceof ReplyException re) {
      ApiError decoded = BusErrors.decode(re);
      if (decoded != null) return decoded;
      LOG.warn("internal request failed: {}", re.getMessage());
      return ApiError.unavailable("the server is busy; retry later", 1);
    }
    if (err == null || err instanceof HttpException) {
      int status = err == null ? rc.statusCode() : ((HttpException) err).getStatusCode();
      return switch (status) {
        case 413 -> new ApiError(413, "payload_too_large", "the body exceeds " + bodyLimitBytes + " bytes");
        case 404 -> new ApiError(404, "not_found", "no such resource");
        case 405 -> new ApiError(405, "method_not_allowed", "method not allowed");
        // Vert.x Web's own words, e.g. "Error while decoding query params" for "?q=%zz" (never user input).
        case 400 -> err instanceof HttpException he && he.getPayload() != null && he.getPayload().contains("query")
            ? new ApiError(400, "invalid", "the query string cannot be decoded: send UTF-8, percent-encoded (%XX)")
            : new ApiError(400, "invalid", "bad request");
        default -> new ApiError(status >= 400 ? status : 500, "error", "request failed");
      };
    }
    LOG.error("unexpected error on {} {}", rc.request().method(), rc.request().path(), err);
    return new ApiError(500, "internal", "internal error");
  }

  /**
   * A request Netty could not decode (request line or headers over their limits, a broken request
   * line) never reaches the router; it still gets the JSON error of the contract (Vert.x's default
   * answers with an empty body), and the connection is closed since its state is unknown.
   */
  static void undecodable(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    ApiError error;
    if (cause instanceof TooLongHttpLineException) {
      error = new ApiError(414, "uri_too_long", "the request line is too long; send at most 4096 bytes");
    } else if (cause instanceof TooLongHttpHeaderException) {
      error = new ApiError(431, "headers_too_large", "the request headers are too large; send at most 8192 bytes");
    } else {
      error = new ApiError(400, "invalid", "the request cannot be decoded");
    }
    request.response().setStatusCode(error.status())
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .putHeader("Connection", "close")
        .end(error.toJson().encode())
        .onComplete(done -> request.connection().close());
  }
}
