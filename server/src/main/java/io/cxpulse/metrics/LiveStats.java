package io.cxpulse.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counts of what the live endpoints sent, summed over all HTTP verticles (for metrics and benchmarks). */
public final class LiveStats {
  private final LongAdder messages = new LongAdder();
  private final LongAdder bytes = new LongAdder();
  private final LongAdder deferred = new LongAdder();
  private final LongAdder dropped = new LongAdder();
  private final LongAdder alertsDropped = new LongAdder();
  private final LongAdder connections = new LongAdder();
  private final LongAdder capped = new LongAdder();
  private final Map<String, LongAdder> clients = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> subscriptions = new ConcurrentHashMap<>();

  public void sent(int payloadBytes) {
    messages.increment();
    bytes.add(payloadBytes);
  }

  public void deferred() { deferred.increment(); }
  public void dropped() { dropped.increment(); }
  public void alertDropped() { alertsDropped.increment(); }
  public void opened() { connections.increment(); }
  /** A socket refused by a cap (per address at the handshake, per token or device at authentication). */
  public void capped() { capped.increment(); }
  /** @param tenant the tenant of an authenticated connection, or null */
  public void closed(String tenant) {
    if (tenant != null) clients.computeIfAbsent(tenant, t -> new LongAdder()).decrement();
    connections.decrement();
  }
  public void authenticated(String tenant) { clients.computeIfAbsent(tenant, t -> new LongAdder()).increment(); }
  public void subscribed(String tenant) { subscriptions.computeIfAbsent(tenant, t -> new LongAdder()).increment(); }
  public void unsubscribed(String tenant) { subscriptions.computeIfAbsent(tenant, t -> new LongAdder()).decrement(); }

  public long messages() { return messages.sum(); }
  public long payloadBytes() { return bytes.sum(); }
  public long deferredUpdates() { return deferred.sum(); }
  public long droppedClients() { return dropped.sum(); }
  public long cappedConnections() { return capped.sum(); }
  /** Alerts not written because the client's queue was full (a slow screen misses them, it is not backlogged). */
  public long droppedAlerts() { return alertsDropped.sum(); }
  /** Open live WebSockets, authenticated or not. */
  public long connections() { return connections.sum(); }
  /** Authenticated live clients of a tenant. */
  public long clients(String tenant) { return sum(clients, tenant); }
  public long subscriptions(String tenant) { return sum(subscriptions, tenant); }

  private static long sum(Map<String, LongAdder> counts, String tenant) {
    LongAdder a = counts.get(tenant);
    return a == null ? 0 : a.sum();
  }
}
