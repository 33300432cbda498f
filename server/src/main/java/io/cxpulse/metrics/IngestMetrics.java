package io.cxpulse.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * Service metrics of ingestion: what HTTP answered to {@code POST /api/v1/feedback}, and what the
 * group-commit writer did (batch sizes, commit latency, duplicates, failures, queue). Thread-safe.
 */
public final class IngestMetrics {
  /** Why an ingest request was refused, by HTTP status. */
  static final Map<Integer, String> REJECTIONS = Map.of(
      400, "invalid",
      401, "unauthorized",
      403, "forbidden",
      413, "too_large",
      415, "unsupported_media_type",
      422, "unknown_code",
      429, "unavailable",
      503, "unavailable");

  private final MeterRegistry registry;
  private final Map<String, Counter> requests = new LinkedHashMap<>();
  private final DistributionSummary batchSize;
  private final Timer commit;
  private final Counter duplicates;
  private final Counter failedBatches;
  private final Counter queueFull;
  private final Counter splitBatches;
  private final Counter refusedByDatabase;

  IngestMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (String outcome : new String[] {"acknowledged", "invalid", "unauthorized", "forbidden", "too_large",
        "unsupported_media_type", "unknown_code", "unavailable", "client_error", "error", "aborted"}) {
      requests.put(outcome, Counter.builder("cxpulse.ingest.requests")
          .description("Ingest requests (POST /api/v1/feedback) by outcome: acknowledged after COMMIT, or why they were refused")
          .tag("outcome", outcome).register(registry));
    }
    batchSize = DistributionSummary.builder("cxpulse.ingest.batch")
        .description("Responses per group-commit transaction (after merging retries within the batch)")
        .baseUnit("responses")
        .serviceLevelObjectives(1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000)
        .register(registry);
    commit = Timer.builder("cxpulse.ingest.commit")
        .description("Time from the start of a batch's transaction to its acknowledged COMMIT")
        .serviceLevelObjectives(ms(1), ms(2), ms(5), ms(10), ms(25), ms(50), ms(100), ms(250), ms(500), ms(1000),
            ms(2500), ms(5000))
        .register(registry);
    duplicates = Counter.builder("cxpulse.ingest.duplicates")
        .description("Responses acknowledged as retries of responses already stored (not counted again)")
        .register(registry);
    failedBatches = Counter.builder("cxpulse.ingest.failed.batches")
        .description("Group-commit transactions that failed; their requests were answered 503")
        .register(registry);
    queueFull = Counter.builder("cxpulse.ingest.queue.full")
        .description("Ingest requests refused with 503 because the writer's queue was full")
        .register(registry);
    splitBatches = Counter.builder("cxpulse.ingest.split.batches")
        .description("Group-commit transactions that failed for the data of a request (SQLSTATE class 22 or 23) and were "
            + "split and retried, so that only the offending request fails")
        .register(registry);
    refusedByDatabase = Counter.builder("cxpulse.ingest.refused.requests")
        .description("Ingest requests that the database refused on their own (a value it cannot store), answered 422")
        .register(registry);
  }

  private static Duration ms(long millis) {
    return Duration.ofMillis(millis);
  }

  /** The writer's queue depth, read at scrape time without synchronization: a recent value, not a fence. */
  public void queue(IntSupplier queuedResponses, int limit) {
    Gauge.builder("cxpulse.ingest.queued.responses", queuedResponses::getAsInt)
        .description("Responses waiting in the writer's queue for the next transaction")
        .register(registry);
    Gauge.builder("cxpulse.ingest.queue.limit.responses", () -> limit)
        .description("INGEST_QUEUE_LIMIT: queued responses beyond which requests are refused with 503")
        .register(registry);
  }

  /** One HTTP answer to an ingest request; {@code status} 0 when the connection closed first. */
  public void request(int status) {
    String outcome;
    if (status == 0) outcome = "aborted";
    else if (status >= 200 && status < 300) outcome = "acknowledged";
    else outcome = REJECTIONS.getOrDefault(status, status < 500 ? "client_error" : "error");
    requests.get(outcome).increment();
  }

  /** A committed transaction: its size and how long it took. */
  public void committed(int responses, long nanos) {
    batchSize.record(responses);
    commit.record(nanos, TimeUnit.NANOSECONDS);
  }

  public void duplicates(long count) {
    if (count > 0) duplicates.increment(count);
  }

  public void failedBatch() {
    failedBatches.increment();
  }

  public void splitBatch() {
    splitBatches.increment();
  }

  public void refusedByDatabase() {
    refusedByDatabase.increment();
  }

  public void queueFull() {
    queueFull.increment();
  }
}
