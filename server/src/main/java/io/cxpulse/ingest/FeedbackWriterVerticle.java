package io.cxpulse.ingest;

import io.cxpulse.cases.CaseStore;
import io.cxpulse.config.Config;
import io.cxpulse.counters.CounterDeltas;
import io.cxpulse.counters.Feedback;
import io.cxpulse.counters.SegmentDeltas;
import io.cxpulse.http.ApiError;
import io.cxpulse.http.BusErrors;
import io.cxpulse.live.CounterDeltaBatch;
import io.cxpulse.live.DeltaNotifications;
import io.cxpulse.live.DetractorAlert;
import io.cxpulse.live.LiveHub;
import io.cxpulse.metrics.BusinessMetrics;
import io.cxpulse.metrics.Metrics;
import io.cxpulse.store.FeedbackStore;
import io.cxpulse.store.SegmentCounterStore;
import io.cxpulse.store.SqlErrors;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The group-commit writer. Owns a bounded queue of validated requests and one PostgreSQL
 * connection. Whenever no transaction is in flight it takes everything queued (up to
 * INGEST_BATCH_MAX responses, whole requests only) into one transaction: the raw rows with
 * ON CONFLICT DO NOTHING, then the counter increments of the rows that were new. After COMMIT it
 * hands the increments to {@link LiveHub} and only then replies to each request, so a
 * 2xx means committed and visible in the scorecards of this node. While a transaction runs, new
 * requests gather in the queue, so batches grow with load without any timer. A full queue
 * answers 503 at once.
 *
 * <p>A batch holds requests of several tenants; one of them must never fail the others. When a
 * transaction fails for the data it carried (SQLSTATE class 22 or 23: {@link SqlErrors}), the
 * batch is split in halves and each half written in a transaction of its own, down to the single
 * request that fails, which alone is answered 422; every other request commits and is answered as
 * usual. Each committed half has its own counter increments, NOTIFY and in-memory apply, so
 * nothing is counted twice or lost. Any other failure (connection lost, timeout) is an outage: the
 * whole batch is answered 503, the writer backs off and reloads the counters, and nothing is split.
 * Consumes {@code feedback.write}; runs on its own event loop.
 */
public final class FeedbackWriterVerticle extends VerticleBase {
  public static final String WRITE = "feedback.write";
  private static final Logger LOG = LoggerFactory.getLogger(FeedbackWriterVerticle.class);

  private record Pending(WriteRequest request, Message<WriteRequest> message) {}

  private final Config config;
  private final Pool pool;
  private final Clock clock;
  private final String nodeId;
  private final Metrics metrics;
  private final SegmentLimits segments;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private int queuedItems;
  private boolean writing;
  private boolean countersSuspect;
  private Future<Void> lastTransaction = Future.succeededFuture();
  private boolean lastOk = true;
  private int failedBatches;
  /** Outages so far: a split stops writing its remaining halves once one of them met an outage. */
  private long outages;
  private long lastFailureLog;

  /** @param pool a pool of size 1: one writer connection, reconnected by the pool when lost */
  public FeedbackWriterVerticle(Config config, Pool pool, Clock clock, String nodeId, Metrics metrics,
      SegmentLimits segments) {
    this.segments = segments;
    this.config = config;
    this.pool = pool;
    this.clock = clock;
    this.nodeId = nodeId;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    vertx.eventBus().<WriteRequest>localConsumer(WRITE, this::enqueue);
    metrics.ingest().queue(() -> queuedItems, config.ingestQueueLimit());
    return segments.load(pool);
  }

  private void enqueue(Message<WriteRequest> msg) {
    int size = msg.body().items().size();
    if (queuedItems + size > config.ingestQueueLimit() && queuedItems > 0) {
      metrics.ingest().queueFull();
      BusErrors.fail(msg, unavailable("ingest queue full"));
      return;
    }
    if (segments.stale()) {
      // The catalog changed (a key may have become counted): reload the known values first.
      segments.refresh(pool).onComplete(ar -> admit(msg, size));
      return;
    }
    admit(msg, size);
  }

  private void admit(Message<WriteRequest> msg, int size) {
    ApiError overLimit = segments.admit(msg.body().tenant(), msg.body().items(), msg.body().knownSegmentsOnly());
    if (overLimit != null) {
      BusErrors.fail(msg, overLimit);
      return;
    }
    queue.add(new Pending(msg.body(), msg));
    queuedItems += size;
    flush();
  }

  private void flush() {
    if (writing || queue.isEmpty()) return;
    List<Pending> batch = new ArrayList<>();
    int events = 0;
    while (!queue.isEmpty() && (batch.isEmpty() || events + queue.peek().request().items().size() <= config.batchMaxEvents())) {
      Pending p = queue.poll();
      events += p.request().items().size();
      batch.add(p);
    }
    queuedItems -= events;
    writing = true;
    // After a failed batch, reload the counters only once that transaction has really ended: one
    // that timed out may still commit when a paused database wakes up, and a reload taken before
    // that would miss it for good.
    Future<Void> ready = countersSuspect
        ? lastTransaction.transform(ended -> reloadCounters())
        : Future.succeededFuture();
    ready.transform(ok -> write(batch)).onComplete(ar -> {
      if (failedBatches == 0) {
        writing = false;
        flush();
      } else {
        // The database is failing: try again after a pause that grows to 2 s, instead of
        // spinning; requests keep queueing (bounded) and get 503 once the queue is full.
        long pause = Math.min(2_000, 100L << Math.min(failedBatches - 1, 5));
        vertx.setTimer(pause, id -> {
          writing = false;
          flush();
        });
      }
    });
  }

  /**
   * Writes a batch and answers each of its requests; always succeeds. A failure for a request's
   * data splits the batch (see the class comment); an outage answers every request 503.
   */
  private Future<Void> write(List<Pending> batch) {
    return transaction(batch).transform(ar -> {
      if (ar.succeeded()) return Future.succeededFuture();
      Throwable err = ar.cause();
      return SqlErrors.isDataError(err) ? isolate(batch, err) : outage(batch, err);
    });
  }

  /** Halves until the request whose data the database refuses stands alone; the others commit. */
  private Future<Void> isolate(List<Pending> batch, Throwable err) {
    if (batch.size() == 1) {
      WriteRequest r = batch.get(0).request();
      LOG.warn("a request of tenant {} ({} responses) cannot be stored, SQLSTATE {}: {}", r.tenant(), r.items().size(),
          SqlErrors.sqlState(err), err.getMessage());
      metrics.ingest().refusedByDatabase();
      BusErrors.fail(batch.get(0).message(), new ApiError(422, "unprocessable",
          "the database refused a value of this request (out of range or not storable); nothing was stored, and "
              + "sending it again unchanged fails again"));
      return Future.succeededFuture();
    }
    metrics.ingest().splitBatch();
    List<Pending> first = batch.subList(0, batch.size() / 2);
    List<Pending> second = batch.subList(batch.size() / 2, batch.size());
    long outagesBefore = outages;
    return write(first).compose(v -> {
      if (outages == outagesBefore) return write(second);
      // The database went away meanwhile: no more transactions before the backoff and the reload.
      for (Pending p : second) BusErrors.fail(p.message(), unavailable("database unavailable"));
      return Future.succeededFuture();
    });
  }

  /** Not the requests' fault: all of them get 503, the writer backs off and reloads its counters. */
  private Future<Void> outage(List<Pending> batch, Throwable err) {
    outages++;
    int responses = 0;
    for (Pending p : batch) responses += p.request().items().size();
    if (failedBatches++ == 0 || System.currentTimeMillis() - lastFailureLog > 10_000) {
      lastFailureLog = System.currentTimeMillis();
      LOG.warn("batch of {} responses not committed ({} failed batches in a row): {}", responses, failedBatches,
          err.getMessage());
    }
    for (Pending p : batch) BusErrors.fail(p.message(), unavailable("database unavailable"));
    metrics.ingest().failedBatch();
    // The COMMIT may have reached the server even though its answer did not reach us: the
    // counters in memory may then be behind the table. Reload them before the next batch.
    countersSuspect = true;
    databaseOk(false);
    return Future.succeededFuture();
  }

  /** One transaction for the batch; on success every request is answered, on failure none is. */
  private Future<Void> transaction(List<Pending> batch) {
    Instant now = clock.instant();
    // The first occurrence of an event id in the batch is the one stored; later ones are retries.
    Map<String, Boolean> firstSeen = new HashMap<>();
    List<FeedbackStore.Row2> rows = new ArrayList<>();
    for (Pending p : batch) {
      for (Feedback f : p.request().items()) {
        String key = FeedbackStore.rowKey(p.request().tenant(), f.eventId());
        if (firstSeen.putIfAbsent(key, Boolean.TRUE) == null) {
          rows.add(new FeedbackStore.Row2(p.request().tenant(), f));
        }
      }
    }
    Map<String, WriteRequest> ownerOfRow = new HashMap<>();
    CounterDeltaBatch[] applied = new CounterDeltaBatch[1];
    BusinessMetrics.Batch tally = metrics.business().newBatch();
    long started = System.nanoTime();
    // Tenants whose rows carry segments take their segment lock (shared with other batches,
    // exclusive for a catalog change) in the same round trip as the insert (pipelined).
    java.util.Set<String> segmentTenants = new java.util.TreeSet<>();
    for (FeedbackStore.Row2 r : rows) if (!r.feedback().segment().isEmpty()) segmentTenants.add(r.tenant());
    Future<Void> committed = pool.withTransaction(conn -> (segmentTenants.isEmpty()
        ? FeedbackStore.insertNew(conn, rows)
        : Future.all(SegmentCounterStore.lockShared(conn, segmentTenants), FeedbackStore.insertNew(conn, rows))
            .map(both -> both.<FeedbackStore.Inserted>resultAt(1))).compose(inserted -> {
      CounterDeltas d = new CounterDeltas(now, config.minuteRetention(), config.quarterRetention());
      SegmentDeltas segmentDeltas = new SegmentDeltas(now, config.minuteRetention(), config.quarterRetention());
      List<DetractorAlert> alerts = new ArrayList<>();
      List<String> caseTenants = new ArrayList<>(), caseEvents = new ArrayList<>();
      for (Pending p : batch) {
        for (Feedback f : p.request().items()) {
          String key = FeedbackStore.rowKey(p.request().tenant(), f.eventId());
          if (inserted.fresh().contains(key) && ownerOfRow.putIfAbsent(key, p.request()) == null) {
            d.add(p.request().tenant(), p.request().zone(), f);
            segmentDeltas.add(p.request().tenant(), p.request().zone(), f);
            tally.add(p.request().tenant(), f);
            if (f.nps() != null && f.nps() <= 6) alerts.add(alert(p.request(), f));
            if (f.nps() != null && f.nps() <= 6 && f.contactConsent()) {
              caseTenants.add(p.request().tenant());
              caseEvents.add(f.eventId());
            }
          }
        }
      }
      CounterDeltaBatch deltaBatch = new CounterDeltaBatch(nodeId, inserted.xid(), d.asMap(), alerts);
      applied[0] = deltaBatch;
      // The statements below do not depend on each other's results: they are sent at once and
      // pipelined on the connection (one round trip instead of four); any failure rolls all back.
      List<Future<Void>> statements = new ArrayList<>();
      if (!d.isEmpty()) {
        statements.add(FeedbackStore.addCounters(conn, d.asMap()));
        statements.add(SegmentCounterStore.add(conn, segmentDeltas.asMap()));
        statements.add(FeedbackStore.notify(conn, DeltaNotifications.CHANNEL, DeltaNotifications.encode(deltaBatch)));
      }
      // Consenting detractors open their follow-up case in the same transaction (one statement per batch).
      statements.add(CaseStore.openAndNotify(conn, caseTenants, caseEvents, now));
      return Future.all(statements).mapEmpty();
    }));
    lastTransaction = committed;
    // Metrics count what committed, from the rows whose counter increments were computed above,
    // even if the reply below times out.
    committed.onSuccess(v -> {
      tally.publish();
      metrics.ingest().committed(rows.size(), System.nanoTime() - started);
    });
    // A database that hangs (paused, network partition) must not hold requests forever. If the
    // transaction commits after this, the request was answered 503, its retry is a duplicate,
    // and the counter reload below catches the counters up.
    return committed.timeout(config.writeTimeoutMs(), TimeUnit.MILLISECONDS)
        .compose(v -> applied[0].deltas().isEmpty() ? Future.succeededFuture()
            : vertx.eventBus().request(LiveHub.APPLY, applied[0]).mapEmpty())
        .onSuccess(v -> {
          for (Pending p : batch) {
            int accepted = 0;
            for (Feedback f : p.request().items()) {
              String key = FeedbackStore.rowKey(p.request().tenant(), f.eventId());
              if (ownerOfRow.get(key) == p.request() && ownerOfRow.remove(key) != null) accepted++;
            }
            p.message().reply(new WriteResult(accepted, p.request().items().size() - accepted));
            metrics.ingest().duplicates(p.request().items().size() - accepted);
          }
          if (failedBatches > 0) LOG.info("writes go through again after {} failed batches", failedBatches);
          failedBatches = 0;
          databaseOk(true);
        })
        .mapEmpty();
  }

  /** A refusal that the client should retry: nothing of the request was stored. */
  private static ApiError unavailable(String why) {
    return ApiError.unavailable("cannot store feedback right now (" + why + "); retry with the same eventId", 1);
  }

  private static DetractorAlert alert(WriteRequest request, Feedback f) {
    return new DetractorAlert(request.tenant(), f.touchpoint(), f.eventId(), f.nps(), f.reasons(),
        DetractorAlert.cut(f.comment()), f.contactConsent(), f.occurredAt().atZone(request.zone()).toOffsetDateTime().toString());
  }

  /** Tells the live hub (and so the screens) whether writes are going through. */
  private void databaseOk(boolean ok) {
    if (ok != lastOk) {
      lastOk = ok;
      vertx.eventBus().send(LiveHub.WRITER_STATUS, ok);
    }
  }

  /**
   * Graceful stop: the HTTP servers stopped taking requests before this verticle is undeployed;
   * what is queued or in flight is still committed and answered.
   */
  @Override
  public Future<?> stop() {
    io.vertx.core.Promise<Void> drained = io.vertx.core.Promise.promise();
    long deadline = System.currentTimeMillis() + config.writeTimeoutMs() * 2L;
    vertx.setPeriodic(1, 20, id -> {
      if ((!writing && queue.isEmpty()) || System.currentTimeMillis() > deadline) {
        vertx.cancelTimer(id);
        if (!queue.isEmpty()) LOG.warn("stopping with {} requests not written (answered 503)", queue.size());
        for (Pending p : queue) BusErrors.fail(p.message(), unavailable("server shutting down"));
        queue.clear();
        drained.complete();
      }
    });
    return drained.future();
  }

  private Future<Void> reloadCounters() {
    return vertx.eventBus().request(LiveHub.RELOAD, "after a failed batch")
        .<Void>mapEmpty()
        .onSuccess(v -> countersSuspect = false)
        .onFailure(err -> LOG.debug("counter reload after a failed batch failed: {}", err.getMessage()));
  }
}
