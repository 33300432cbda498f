package io.cxpulse.metrics;

import io.cxpulse.catalog.CatalogRef;
import io.cxpulse.config.Config;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;
import org.slf4j.LoggerFactory;

/**
 * One server's metrics: a Prometheus registry of its own (never Micrometer's global one, so that
 * several servers in one JVM, as in the tests, do not mix their numbers), fed by Vert.x (HTTP
 * server, pools, event bus, JVM, process) and by cxpulse's business and service meters.
 * Exposed as {@code GET /metrics} in the Prometheus text format.
 */
public final class Metrics {
  /** The text exposition format 0.0.4, which Prometheus scrapes and {@code promtool check metrics} reads. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS");

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final String registryName = "cxpulse-" + UUID.randomUUID();
  private final BusinessMetrics business;
  private final IngestMetrics ingest;
  private final LiveMetrics live;
  private java.util.function.LongSupplier refusedConnections;

  public Metrics(Config config) {
    // Vert.x accepts any method token, and a client could mint a series per made-up method.
    // (Every filter goes in before the first meter is registered: Micrometer warns otherwise.)
    registry.config().meterFilter(MeterFilter.replaceTagValues("method", m -> METHODS.contains(m) ? m : "OTHER"));
    namesForPrometheus();
    quietDuplicateGaugeWarning();
    business = new BusinessMetrics(registry, config.metricsMaxTouchpoints());
    ingest = new IngestMetrics(registry);
    live = new LiveMetrics(registry, business);
    new FileDescriptorMetrics().bindTo(registry);
  }

  /**
   * A Vert.x instance reporting into this registry. Labels stay bounded: HTTP by method, status
   * and route template (never the raw path or the client's address), pools by type and name, the
   * event bus by address (cxpulse's fixed addresses; reply addresses are not reported).
   */
  public Vertx newVertx(VertxOptions options) {
    MicrometerMetricsOptions metricsOptions = new MicrometerMetricsOptions()
        .setEnabled(true)
        .setRegistryName(registryName)
        .setJvmMetricsEnabled(true)
        .setLabels(EnumSet.of(Label.HTTP_METHOD, Label.HTTP_CODE, Label.HTTP_ROUTE, Label.POOL_TYPE, Label.POOL_NAME,
            Label.EB_ADDRESS))
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true));
    return Vertx.builder()
        .with(new VertxOptions(options).setMetricsOptions(metricsOptions))
        .withMetrics(new MicrometerMetricsFactory(registry))
        .build();
  }

  /**
   * Three of Micrometer's JVM and system meters break Prometheus naming conventions ({@code promtool
   * check metrics}): CPU time in nanoseconds, compilation time in milliseconds, and a gauge ending
   * in {@code _count}. They are replaced by {@code process_cpu_seconds_total} (the name Prometheus
   * client libraries use), {@code jvm_compilation_time_seconds_total} and {@code system_cpus}.
   */
  private void namesForPrometheus() {
    registry.config()
        .meterFilter(MeterFilter.deny(id -> id.getName().equals("process.cpu.time") && "ns".equals(id.getBaseUnit())))
        .meterFilter(MeterFilter.deny(id -> id.getName().equals("jvm.compilation.time") && "ms".equals(id.getBaseUnit())))
        .meterFilter(new MeterFilter() {
          @Override
          public Meter.Id map(Meter.Id id) {
            return id.getName().equals("system.cpu.count") ? id.withName("system.cpus") : id;
          }
        });
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
        && os.getProcessCpuTime() >= 0) {
      FunctionCounter.builder("process.cpu", os, b -> b.getProcessCpuTime() / 1e9)
          .description("CPU time used by the JVM process").baseUnit("seconds").register(registry);
    }
    CompilationMXBean compilation = ManagementFactory.getCompilationMXBean();
    if (compilation != null && compilation.isCompilationTimeMonitoringSupported()) {
      FunctionCounter.builder("jvm.compilation.time", compilation, c -> c.getTotalCompilationTime() / 1e3)
          .description("Time spent in JIT compilation").baseUnit("seconds").register(registry);
    }
  }

  /**
   * Vert.x registers its client gauges once per client (two pools and the LISTEN connection), all
   * backed by one shared adder per name, so Micrometer's "Gauge has been already registered"
   * warning at start is a false alarm.
   */
  private static void quietDuplicateGaugeWarning() {
    if (LoggerFactory.getLogger("io.micrometer.core.instrument.MeterRegistry") instanceof ch.qos.logback.classic.Logger l
        && l.getLevel() == null) {
      l.setLevel(ch.qos.logback.classic.Level.ERROR);
    }
  }

  /** Creates the catalog's series (at zero) and the gauges that read shared state at scrape time. */
  public void register(CatalogRef catalog, Readiness readiness) {
    live.register(catalog); // the business series too; both follow later catalog changes
    Gauge.builder("cxpulse.counters.ready", readiness,
            r -> r.countersLoaded() && r.listening() && !r.shuttingDown() ? 1 : 0)
        .description("1 when the in-memory counters are loaded and other nodes' increments are being heard")
        .strongReference(true).register(registry);
  }

  /** The HTTP connections of the process against MAX_CONNECTIONS, and those refused over it. */
  public void connections(java.util.function.IntSupplier open, java.util.function.LongSupplier refused, int max) {
    // Micrometer holds a function counter's object weakly: keep the supplier alive here.
    this.refusedConnections = refused;
    Gauge.builder("cxpulse.http.connections", open::getAsInt)
        .description("Open HTTP connections (REST and WebSocket) of this process").register(registry);
    Gauge.builder("cxpulse.http.connections.limit", () -> max)
        .description("MAX_CONNECTIONS: connections beyond it are answered 503 and closed").register(registry);
    FunctionCounter.builder("cxpulse.http.connections.refused", refused, r -> r.getAsLong())
        .description("Connections refused because MAX_CONNECTIONS were open").register(registry);
  }

  public BusinessMetrics business() {
    return business;
  }

  public IngestMetrics ingest() {
    return ingest;
  }

  public LiveMetrics live() {
    return live;
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** The whole registry in the text format; blocking (a few milliseconds): call off the event loop. */
  public String scrape() {
    return registry.scrape(CONTENT_TYPE);
  }
}
