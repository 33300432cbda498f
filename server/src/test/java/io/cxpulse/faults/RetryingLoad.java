package io.cxpulse.faults;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * Survey tools that retry every response with the same eventId until it is acknowledged: the
 * load under which every fault test runs. Bounded in count and time.
 */
final class RetryingLoad {
  final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
  final Set<String> sent = ConcurrentHashMap.newKeySet();
  final AtomicInteger refusals = new AtomicInteger();
  final AtomicInteger clientErrors = new AtomicInteger();
  final List<String> unexpected = java.util.Collections.synchronizedList(new ArrayList<>());
  private final AtomicBoolean stop = new AtomicBoolean();
  private final List<Thread> threads = new ArrayList<>();
  /** With {@link #holdingAfter}: every thread waits after that many responses until {@link #release()}. */
  private volatile int holdAfter = -1;
  private final CountDownLatch released = new CountDownLatch(1);
  private CountDownLatch held;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /**
   * @param port where to post; read for every attempt, so a restarted server on a new port is found
   * @param perThread responses each thread sends
   */
  RetryingLoad(IntSupplier port, String token, int threads, int perThread, String prefix, Duration deadline) {
    long end = System.nanoTime() + deadline.toNanos();
    String[] touchpoints = {"hotline", "store", "app"};
    for (int t = 0; t < threads; t++) {
      int thread = t;
      this.threads.add(new Thread(() -> {
        Random random = new Random(thread);
        for (int i = 0; i < perThread && !stop.get(); i++) {
          if (i == holdAfter) {
            held.countDown();
            try {
              released.await();
            } catch (InterruptedException e) {
              return;
            }
          }
          String id = prefix + "-" + thread + "-" + i;
          JsonObject item = new JsonObject().put("eventId", id).put("touchpoint", touchpoints[random.nextInt(3)])
              .put("nps", random.nextInt(11)).put("csat", 1 + random.nextInt(5));
          sent.add(id);
          while (!stop.get() && System.nanoTime() < end) {
            try {
              HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                      URI.create("http://localhost:" + port.getAsInt() + "/api/v1/feedback"))
                  .timeout(Duration.ofSeconds(20)).header("Authorization", "Bearer " + token)
                  .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(item.encode()))
                  .build(), HttpResponse.BodyHandlers.ofString());
              if (r.statusCode() == 200) {
                acknowledged.add(id);
                break;
              }
              if (r.statusCode() == 503 || r.statusCode() == 429) {
                refusals.incrementAndGet();
                if (r.headers().firstValue("Retry-After").isEmpty()) unexpected.add("503 without Retry-After");
              } else {
                clientErrors.incrementAndGet();
                unexpected.add(r.statusCode() + " " + r.body());
              }
            } catch (IOException e) {
              refusals.incrementAndGet(); // connection refused or reset: the server or database is away
            } catch (InterruptedException e) {
              return;
            }
            try {
              Thread.sleep(50 + random.nextInt(150));
            } catch (InterruptedException e) {
              return;
            }
          }
          try {
            Thread.sleep(random.nextInt(20));
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "load-" + t));
    }
  }

  /**
   * Each thread stops after {@code responses} acknowledged responses until {@link #release()}: a
   * fault injected in between is certain to meet the rest of the load, however fast the machine.
   */
  RetryingLoad holdingAfter(int responses) {
    holdAfter = responses;
    held = new CountDownLatch(threads.size());
    return this;
  }

  /** Waits until every thread has reached the hold. */
  void awaitHeld() throws InterruptedException {
    if (!held.await(120, TimeUnit.SECONDS)) throw new AssertionError("the load did not reach its hold within 120 s");
  }

  void release() {
    released.countDown();
  }

  RetryingLoad start() {
    threads.forEach(Thread::start);
    return this;
  }

  /** Waits for every thread to finish its responses (or the deadline). */
  void await() throws InterruptedException {
    release();
    for (Thread t : threads) t.join(180_000);
    stop.set(true);
  }
}
