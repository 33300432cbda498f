package io.cxpulse.http;

import io.cxpulse.auth.Principal;
import io.cxpulse.auth.RateLimits;
import io.cxpulse.config.SecurityConfig;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What one token or one tenant may take of the reads (issue 19: sixteen wide searches from one
 * wall token used to saturate the read pool, and another tenant's scorecards went from 10 ms to
 * 4 s). Every GET under /api pays its cost from the token's and the tenant's Bucket4j budgets
 * ({@link RateLimits#read}; 429 with Retry-After when either is empty), and a read that goes to
 * PostgreSQL also waits for one of its tenant's {@code READ_CONCURRENCY_PER_TENANT} places (of the
 * read pool's four connections), so that one tenant never holds the whole pool: its further reads
 * queue behind its own ({@code READ_QUEUE_PER_TENANT}, then 429), and other tenants' reads go
 * past. Shared by the HTTP verticles: the places are counted under a lock per tenant, held for a
 * few instructions; a freed place is handed to the next waiter on that waiter's own event loop.
 *
 * <p>Costs, in units ({@link #cost}): 1 for what the live hub answers from memory (scorecards,
 * reasons, the catalog, one case); 4 for a database read (trends, leaderboard, BEST, values,
 * the case list, devices, segments, a segment-filtered scorecard, verbatims without text);
 * 10 for a verbatim text search and each value analysis (revenue at risk, earned growth, outcome
 * target: 30 days of outcomes and responses by default).
 */
public final class ReadBudget {
  private final RateLimits limits;
  private final int concurrency;
  private final int queue;
  private final Map<String, Gate> gates = new ConcurrentHashMap<>();

  public ReadBudget(RateLimits limits, SecurityConfig.Limits config) {
    this.limits = limits;
    this.concurrency = config.readConcurrencyPerTenant();
    this.queue = config.readQueuePerTenant();
  }

  /** The cost of a GET and whether it reads PostgreSQL. */
  public record Cost(int units, boolean database) {}

  public static Cost cost(String path, RoutingContext rc) {
    boolean segmentFilter = rc.queryParams().names().stream().anyMatch(n -> n.startsWith("segment."));
    if (path.startsWith("/api/v1/value/")) return new Cost(10, true);
    return switch (path) {
      case "/api/v1/scorecards", "/api/v1/reasons" -> segmentFilter ? new Cost(4, true) : new Cost(1, false);
      case "/api/v1/catalog", "/api/v1/openapi.yaml" -> new Cost(1, false);
      case "/api/v1/verbatims" -> {
        String q = rc.queryParams().get("q");
        yield q != null && !q.isBlank() ? new Cost(10, true) : new Cost(4, true);
      }
      default -> path.startsWith("/api/v1/cases/") ? new Cost(1, true) : new Cost(4, true);
    };
  }

  /** The guard of every GET under /api, after authentication. */
  public void handle(RoutingContext rc) {
    Principal principal = Requests.principal(rc);
    Cost cost = cost(rc.normalizedPath(), rc);
    String header = rc.request().getHeader("Authorization");
    RateLimits.Decision d = limits.read(RateLimits.tokenKey(principal, header == null ? "" : header.trim()),
        principal.tenant(), cost.units());
    if (!d.allowed()) {
      rc.fail(ApiGuards.tooManyRequests("read budget of this token or tenant used up; retry after "
          + d.retryAfterSeconds() + " s", d.retryAfterSeconds()));
      return;
    }
    if (!cost.database() || concurrency == 0) {
      rc.next();
      return;
    }
    Gate gate = gates.computeIfAbsent(principal.tenant(), t -> new Gate());
    gate.acquire(rc.vertx()).onComplete(ar -> {
      if (ar.failed()) {
        rc.fail(ApiGuards.tooManyRequests("too many reads of this tenant at once; retry after 1 s", 1));
        return;
      }
      AtomicBoolean released = new AtomicBoolean();
      Runnable release = () -> {
        if (released.compareAndSet(false, true)) gate.release();
      };
      if (rc.response().closed() || rc.response().ended()) {
        release.run();
        return;
      }
      // Called once the response ends, or the connection closes, or writing fails (Vert.x Web
      // registers the response's end, close and exception handlers for it).
      rc.addEndHandler(v -> release.run());
      rc.next();
    });
  }

  /** Reads of one tenant in flight, and those waiting for a place: guarded by the gate's lock. */
  private final class Gate {
    private int inFlight;
    private final ArrayDeque<Waiter> waiting = new ArrayDeque<>();

    private record Waiter(Context context, Promise<Void> promise) {}

    Future<Void> acquire(Vertx vertx) {
      Waiter w;
      synchronized (this) {
        if (inFlight < concurrency) {
          inFlight++;
          return Future.succeededFuture();
        }
        if (waiting.size() >= queue) return Future.failedFuture("queue full");
        w = new Waiter(vertx.getOrCreateContext(), Promise.promise());
        waiting.add(w);
      }
      return w.promise().future();
    }

    void release() {
      Waiter next;
      synchronized (this) {
        next = waiting.poll();
        if (next == null) {
          inFlight--;
          return;
        }
      }
      // The place passes to the next waiter as it is: inFlight stays.
      next.context().runOnContext(v -> next.promise().complete());
    }
  }
}
