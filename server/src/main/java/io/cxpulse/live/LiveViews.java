package io.cxpulse.live;

import io.cxpulse.catalog.TenantCatalog;
import io.cxpulse.catalog.Touchpoint;
import io.cxpulse.counters.CounterKey;
import io.cxpulse.counters.Counters;
import io.cxpulse.counters.Scorecards;
import io.cxpulse.counters.WindowPlan;
import io.cxpulse.counters.Windows;
import io.vertx.core.buffer.Buffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The views that someone watches, with their last encoded state. Each tick recomputes only the
 * views that may have changed — a touchpoint of theirs received increments, or their window moved
 * (a rolling window every minute, a day window at local midnight) — and keeps only those whose
 * bytes differ. Cost per tick grows with the number of distinct changed views, not with events
 * or clients. Plain Java, owned by {@link LiveHub}.
 */
public final class LiveViews {
  private static final class View {
    int subscribers;
    WindowPlan plan;
    Buffer payload;
    long version;
    boolean dirty = true;
  }

  private final Map<ViewKey, View> views = new HashMap<>();
  private final ChangedTouchpoints changed = new ChangedTouchpoints();
  private final Windows windows;
  private final Scorecards scorecards;

  public LiveViews(Windows windows, Scorecards scorecards) {
    this.windows = windows;
    this.scorecards = scorecards;
  }

  /** Adds a subscriber and returns the view's current frame, computing it if needed. */
  public ViewFrame subscribe(ViewKey key, TenantCatalog tenant, Counters counters, Instant now) {
    View view = views.computeIfAbsent(key, k -> new View());
    view.subscribers++;
    WindowPlan plan = windows.named(key.window(), tenant.zone(), now);
    if (view.payload == null) {
      compute(key, view, tenant, counters, plan);
    } else if (touched(key, view, plan)) {
      // The numbers moved since the last tick: the newcomer gets them now, and the view keeps
      // what it last sent, so the next tick still sends the change to everyone else.
      return new ViewFrame(key, encode(key, tenant, counters, plan), view.version);
    }
    return new ViewFrame(key, view.payload, view.version);
  }

  /** Whether the view's last payload may be behind: marked dirty, window moved, or a touchpoint changed. */
  private boolean touched(ViewKey key, View view, WindowPlan plan) {
    boolean touched = view.dirty || !plan.equals(view.plan);
    for (int i = 0; !touched && i < key.touchpoints().size(); i++) {
      touched = changed.contains(key.tenant(), key.touchpoints().get(i));
    }
    return touched;
  }

  public void unsubscribe(ViewKey key) {
    View view = views.get(key);
    if (view != null && --view.subscribers <= 0) views.remove(key);
  }

  public void markChanged(Map<CounterKey, Long> deltas) {
    changed.add(deltas);
  }

  public void markTouchpointChanged(String tenant, String touchpoint) {
    changed.add(tenant, touchpoint);
  }

  public void markAllChanged() {
    for (View v : views.values()) v.dirty = true;
  }

  /** The frames of views whose state differs from what was last sent. */
  public List<ViewFrame> tick(Function<String, TenantCatalog> catalog, Counters counters, Instant now) {
    List<ViewFrame> out = new ArrayList<>();
    for (Map.Entry<ViewKey, View> e : views.entrySet()) {
      ViewKey key = e.getKey();
      View view = e.getValue();
      TenantCatalog tenant = catalog.apply(key.tenant());
      if (tenant == null) continue;
      WindowPlan plan = windows.named(key.window(), tenant.zone(), now);
      if (touched(key, view, plan)) {
        Buffer before = view.payload;
        compute(key, view, tenant, counters, plan);
        if (!view.payload.equals(before)) out.add(new ViewFrame(key, view.payload, view.version));
      }
    }
    changed.clear();
    return out;
  }

  private Buffer encode(ViewKey key, TenantCatalog tenant, Counters counters, WindowPlan plan) {
    List<Touchpoint> tps = new ArrayList<>();
    for (String code : key.touchpoints()) {
      Touchpoint tp = tenant.touchpoint(code);
      if (tp != null) tps.add(tp);
    }
    String json = scorecards.scorecards(tenant, plan, tps, counters).encode();
    return Buffer.buffer(json.length() + 1).appendString(json).appendString("}");
  }

  private void compute(ViewKey key, View view, TenantCatalog tenant, Counters counters, WindowPlan plan) {
    Buffer payload = encode(key, tenant, counters, plan);
    if (!payload.equals(view.payload)) {
      view.payload = payload;
      view.version++;
    }
    view.plan = plan;
    view.dirty = false;
  }

  public int viewCount() {
    return views.size();
  }
}
