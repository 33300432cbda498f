package io.cxpulse.live;

import io.cxpulse.catalog.Catalog;
import io.cxpulse.catalog.Reason;
import io.cxpulse.catalog.TenantCatalog;
import io.cxpulse.catalog.Touchpoint;
import io.cxpulse.counters.CounterKey;
import io.cxpulse.counters.Counters;
import io.cxpulse.counters.WindowPlan;
import io.cxpulse.counters.Windows;
import io.cxpulse.score.NpsScore;
import io.cxpulse.score.Quadrant;
import io.cxpulse.score.ReasonAnalysis;
import io.cxpulse.score.ReasonInput;
import io.cxpulse.score.ReasonScore;
import io.cxpulse.score.Tally;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Watches, per touchpoint, which reason items sit in the fix-first quadrant over a rolling
 * window (QUADRANT_ALERT_WINDOW_MINUTES, default 60, exact to the minute) and yields one
 * {@code fix-first} alert when an item moves into it, not on every tick while it stays. Below the
 * minimum n of NPS respondents (QUADRANT_ALERT_MIN_N, default 30) a touchpoint is not judged and
 * keeps its last state, so a thin window neither raises nor re-arms alerts; likewise an item chosen
 * by fewer than QUADRANT_ALERT_MIN_ITEM_N respondents (default 10: a sub-NPS of a handful of people
 * is noise) keeps its last state. An item counts as fix-first only when {@link ReasonAnalysis} places
 * it there with both its intervals clear of the splits ({@link Quadrant#UNCERTAIN} otherwise), the
 * same rule as the REST reasons, so the alert's false-positive rate is the quadrant's. The alert carries the item's n, sub-NPS margin and low-confidence
 * mark so that a screen can show how sure it is. A touchpoint is
 * evaluated on the tick after it received increments, and every touchpoint once a minute (the
 * rolling window moves). After a counter reload {@link #baseline} takes the state silently, so a
 * restart does not repeat alerts for items already in fix-first. Plain Java, owned by the
 * live hub.
 */
public final class QuadrantWatch {
  private final Windows windows;
  private final Duration window;
  private final int minN;
  private final int minItemN;
  private final Map<String, Set<String>> fixFirst = new HashMap<>();
  private final ChangedTouchpoints changed = new ChangedTouchpoints();
  private long lastMinute = Long.MIN_VALUE;

  public QuadrantWatch(Windows windows, Duration window, int minN, int minItemN) {
    this.windows = windows;
    this.window = window;
    this.minN = minN;
    this.minItemN = minItemN;
  }

  public void markChanged(Map<CounterKey, Long> deltas) {
    changed.add(deltas);
  }

  /** Takes the current state of every touchpoint without alerting. */
  public void baseline(Catalog catalog, Counters counters, Instant now) {
    fixFirst.clear();
    changed.clear();
    for (TenantCatalog tenant : catalog.tenants().values()) {
      for (Touchpoint tp : tenant.touchpoints()) evaluate(tenant, tp, counters, now, null);
    }
    lastMinute = now.getEpochSecond() / 60;
  }

  /** The alerts of items that moved into fix-first since the last evaluation. */
  public List<LiveAlert> evaluate(Catalog catalog, Counters counters, Instant now) {
    List<LiveAlert> out = new ArrayList<>();
    long minute = now.getEpochSecond() / 60;
    boolean all = minute != lastMinute;
    lastMinute = minute;
    if (!all && changed.isEmpty()) return out;
    for (TenantCatalog tenant : catalog.tenants().values()) {
      for (Touchpoint tp : tenant.touchpoints()) {
        if (all || changed.contains(tenant.id(), tp.code())) evaluate(tenant, tp, counters, now, out);
      }
    }
    changed.clear();
    return out;
  }

  private void evaluate(TenantCatalog tenant, Touchpoint tp, Counters counters, Instant now, List<LiveAlert> out) {
    Instant end = now.truncatedTo(ChronoUnit.MINUTES).plus(1, ChronoUnit.MINUTES);
    WindowPlan plan = windows.range("quadrant", end.minus(window), end, tenant.zone(), now);
    Tally t = counters.sum(tenant.id(), tp.code(), plan);
    long n = NpsScore.of(t.nps(), minN).n();
    if (n < minN) return;
    List<ReasonInput> inputs = new ArrayList<>();
    for (Reason r : tenant.reasons()) {
      long[] c = t.reasons().getOrDefault(r.code(), new long[4]);
      inputs.add(new ReasonInput(r.code(), r.parent(), c[Tally.PROMOTER], c[Tally.PASSIVE], c[Tally.DETRACTOR]));
    }
    List<ReasonScore> scores = ReasonAnalysis.analyse(n, inputs);
    Set<String> now2 = new HashSet<>();
    String id = tenant.id() + '\u0000' + tp.code();
    Set<String> before = fixFirst.getOrDefault(id, Set.of());
    for (ReasonScore s : scores) {
      if (s.n() < minItemN) {
        if (before.contains(s.code())) now2.add(s.code());
        continue;
      }
      if (s.quadrant() != Quadrant.FIX_FIRST) continue;
      now2.add(s.code());
      if (out != null && !before.contains(s.code())) {
        Reason r = tenant.reason(s.code());
        NpsScore item = NpsScore.ofCategories(s.promoters(), s.passives(), s.detractors(), minN);
        out.add(new LiveAlert(tenant.id(), tp.code(), new JsonObject().put("type", "alert").put("kind", "fix-first")
            .put("tenant", tenant.id()).put("touchpoint", tp.code()).put("reason", s.code())
            .put("label", r.label()).put("labelZh", r.labelZh()).put("parent", r.parent())
            .put("attention", s.attention()).put("subNps", s.subNps()).put("n", n).put("reasonN", s.n())
            .put("promoters", s.promoters()).put("passives", s.passives()).put("detractors", s.detractors())
            .put("subNpsMoe", item.moe())
            .put("ci", new JsonArray().add(item.ciLow()).add(item.ciHigh()))
            .put("lowConfidence", item.lowConfidence())
            .put("windowMinutes", window.toMinutes())
            .put("at", now.atZone(tenant.zone()).toOffsetDateTime().toString())));
      }
    }
    fixFirst.put(id, now2);
  }
}
