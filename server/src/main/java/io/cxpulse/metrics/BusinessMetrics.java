package io.cxpulse.metrics;

import io.cxpulse.catalog.Catalog;
import io.cxpulse.catalog.TenantCatalog;
import io.cxpulse.catalog.Touchpoint;
import io.cxpulse.counters.Feedback;
import io.cxpulse.score.RaterDimension;
import io.cxpulse.score.Tally;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counters of the responses this node committed, by tenant, touchpoint and NPS category, and the
 * sums and counts of CSAT, CES and RATER ratings: mergeable sums from which Prometheus computes NPS
 * and means over any range with {@code increase()}. Each node counts only what its own writer
 * committed, so a cluster's totals are the sum over instances.
 *
 * <p>Cardinality is bounded by {@code METRICS_MAX_TOUCHPOINTS}: the first pairs (tenant, touchpoint)
 * — the catalog's at start, tenants by id and touchpoints in journey order — get their own label
 * values; responses of any further pair are counted under {@code touchpoint="_other"} of their
 * tenant. Tenants and touchpoints are catalog codes (ingest refuses unknown ones), never free text.
 *
 * <p>Thread-safe: the writer verticle records, the scrape reads.
 */
public final class BusinessMetrics {
  public static final String OTHER = "_other";
  static final String[] CATEGORIES = {"detractor", "passive", "promoter"};

  private final MeterRegistry registry;
  private final int maxTouchpoints;
  private final Map<String, TouchpointMeters> byPair = new ConcurrentHashMap<>();
  private int labelled;

  BusinessMetrics(MeterRegistry registry, int maxTouchpoints) {
    this.registry = registry;
    this.maxTouchpoints = maxTouchpoints;
  }

  /** Creates the series of the catalog's touchpoints at zero, so that the first increase is seen by rate(). */
  public void register(Catalog catalog) {
    for (TenantCatalog tenant : new TreeMap<>(catalog.tenants()).values()) {
      for (Touchpoint tp : tenant.touchpoints()) meters(tenant.id(), tp.code());
    }
  }

  /** The label value a touchpoint is counted under: its code, or {@value #OTHER} beyond the cap. */
  public String label(String tenant, String touchpoint) {
    return meters(tenant, touchpoint).touchpoint;
  }

  /** Whether the pair has series of its own (not folded into {@value #OTHER}). */
  public boolean hasOwnLabel(String tenant, String touchpoint) {
    TouchpointMeters m = byPair.get(key(tenant, touchpoint));
    return m != null && m.touchpoint.equals(touchpoint);
  }

  TouchpointMeters meters(String tenant, String touchpoint) {
    String key = key(tenant, touchpoint);
    TouchpointMeters m = byPair.get(key);
    if (m != null) return m;
    synchronized (this) {
      m = byPair.get(key);
      if (m != null) return m;
      if (labelled < maxTouchpoints) {
        labelled++;
        m = new TouchpointMeters(registry, tenant, touchpoint);
      } else {
        m = byPair.computeIfAbsent(key(tenant, OTHER), k -> new TouchpointMeters(registry, tenant, OTHER));
      }
      byPair.put(key, m);
      return m;
    }
  }

  private static String key(String tenant, String touchpoint) {
    return tenant + '\u0000' + touchpoint;
  }

  /** A new tally for one write transaction; published only if it commits. */
  public Batch newBatch() {
    return new Batch();
  }

  /**
   * The responses of one transaction, summed per touchpoint so that each counter is incremented
   * once per batch and key. Owned by the writer's event loop until published.
   */
  public final class Batch {
    private final Map<TouchpointMeters, long[]> counts = new IdentityHashMap<>();

    // Layout of the per-touchpoint array: responses, 3 NPS categories, csat 1..5, csat3 1..3, ces 1..7, rater 5×5.
    private static final int RESPONSES = 0;
    private static final int NPS = 1;
    private static final int CSAT = NPS + 3;
    private static final int CSAT3 = CSAT + 5;
    private static final int CES = CSAT3 + 3;
    private static final int RATER = CES + 7;
    private static final int SIZE = RATER + 25;

    private Batch() {}

    /** One newly stored response. */
    public void add(String tenant, Feedback f) {
      long[] c = counts.computeIfAbsent(meters(tenant, f.touchpoint()), m -> new long[SIZE]);
      c[RESPONSES]++;
      if (f.nps() != null) c[NPS + Tally.category(f.nps())]++;
      if (f.csat() != null) c[CSAT + f.csat() - 1]++;
      if (f.csat3() != null) c[CSAT3 + f.csat3() - 1]++;
      if (f.ces() != null) c[CES + f.ces() - 1]++;
      int[] rater = f.rater();
      for (int d = 0; d < rater.length; d++) {
        if (rater[d] != 0) c[RATER + d * 5 + rater[d] - 1]++;
      }
    }

    /** After COMMIT: adds the tally to the exported counters. */
    public void publish() {
      counts.forEach((m, c) -> {
        m.responses.increment(c[RESPONSES]);
        for (int i = 0; i < 3; i++) if (c[NPS + i] > 0) m.nps[i].increment(c[NPS + i]);
        record(m.csat, c, CSAT, 5);
        record(m.csat3, c, CSAT3, 3);
        record(m.ces, c, CES, 7);
        for (int d = 0; d < 5; d++) record(m.rater[d], c, RATER + d * 5, 5);
      });
      counts.clear();
    }

    private static void record(DistributionSummary summary, long[] c, int offset, int scale) {
      // Micrometer has no record(value, count): one call per rating, a few nanoseconds each.
      for (int score = 1; score <= scale; score++) {
        for (long k = c[offset + score - 1]; k > 0; k--) summary.record(score);
      }
    }
  }

  /** The meters of one (tenant, touchpoint) label pair. */
  static final class TouchpointMeters {
    final String tenant;
    final String touchpoint;
    final Counter responses;
    final Counter[] nps = new Counter[3];
    final DistributionSummary csat;
    final DistributionSummary csat3;
    final DistributionSummary ces;
    final DistributionSummary[] rater = new DistributionSummary[5];

    TouchpointMeters(MeterRegistry registry, String tenant, String touchpoint) {
      this.tenant = tenant;
      this.touchpoint = touchpoint;
      responses = Counter.builder("cxpulse.responses")
          .description("Responses committed by this node (new ones only, not retries), by the touchpoint they answer")
          .tag("tenant", tenant).tag("touchpoint", touchpoint).register(registry);
      for (int i = 0; i < 3; i++) {
        nps[i] = Counter.builder("cxpulse.nps.responses")
            .description("Responses with an NPS score committed by this node, by category:"
                + " promoter 9-10, passive 7-8, detractor 0-6")
            .tag("tenant", tenant).tag("touchpoint", touchpoint).tag("category", CATEGORIES[i]).register(registry);
      }
      csat = scale(registry, "cxpulse.csat.score", "CSAT ratings (1-5) committed by this node", tenant, touchpoint, 5);
      csat3 = scale(registry, "cxpulse.csat3.score", "Three-point satisfaction ratings (1-3) committed by this node",
          tenant, touchpoint, 3);
      ces = scale(registry, "cxpulse.ces.score", "CES ratings (1-7, 7 = easiest) committed by this node", tenant, touchpoint, 7);
      for (RaterDimension d : RaterDimension.values()) {
        rater[d.ordinal()] = DistributionSummary.builder("cxpulse.rater.score")
            .description("RATER ratings (1-5) committed by this node, by dimension")
            .tag("tenant", tenant).tag("touchpoint", touchpoint).tag("dimension", d.code()).register(registry);
      }
    }

    /** A histogram with one bucket per scale point: counts per score, the sum and the count. */
    private static DistributionSummary scale(MeterRegistry registry, String name, String description, String tenant,
        String touchpoint, int points) {
      double[] bounds = new double[points];
      for (int i = 0; i < points; i++) bounds[i] = i + 1;
      return DistributionSummary.builder(name).description(description)
          .tag("tenant", tenant).tag("touchpoint", touchpoint)
          .serviceLevelObjectives(bounds).register(registry);
    }
  }
}
