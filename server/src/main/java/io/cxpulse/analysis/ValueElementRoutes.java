package io.cxpulse.analysis;

import io.cxpulse.counters.Windows;
import io.cxpulse.http.ApiError;
import io.cxpulse.http.ServerContext;
import io.cxpulse.score.Tally;
import io.cxpulse.score.ValueElementScore;
import io.cxpulse.score.ValueElements;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code GET /api/v1/values}: value elements (the tenant's configured ones first) with their n,
 * share of ratings above 7 and whether they count as delivered.
 */
final class ValueElementRoutes {
  private final ServerContext ctx;
  private final Windows windows;
  private final AnalysisStore store;

  ValueElementRoutes(ServerContext ctx, Windows windows, AnalysisStore store) {
    this.ctx = ctx;
    this.windows = windows;
    this.store = store;
  }

  void mount(Router router) {
    router.get("/api/v1/values").handler(rc -> AnalysisRequest.reply(rc, values(rc)));
  }

  private Future<JsonObject> values(RoutingContext rc) {
    List<ApiError.Detail> errors = new ArrayList<>();
    AnalysisRequest c = AnalysisRequest.parse(rc, ctx, windows, errors);
    AnalysisRequest.check(errors);
    return store.counters(c.tenant().id(), c.codes(), c.plan().ranges(), List.of("value"), c.segment()).map(k -> {
      Tally sum = k.sum(c.tenant().id(), c.codes(), c.plan());
      Map<String, String> labels = new LinkedHashMap<>();
      for (Object o : c.tenant().settings().getJsonArray("valueElements", new JsonArray())) {
        if (o instanceof JsonObject e && e.getString("code") != null) labels.put(e.getString("code"), e.getString("label"));
        else if (o instanceof String code) labels.put(code, null);
      }
      Set<String> codes = new LinkedHashSet<>(labels.keySet());
      codes.addAll(new TreeSet<>(sum.values().keySet()));
      JsonArray items = new JsonArray();
      for (String code : codes) {
        ValueElementScore s = ValueElements.of(code, sum.values().getOrDefault(code, new long[11]));
        items.add(new JsonObject().put("code", code).put("label", labels.get(code)).put("configured", labels.containsKey(code))
            .put("n", s.n()).put("shareAbove7", s.above7Share()).put("delivered", s.delivered()));
      }
      return new JsonObject().put("tenant", c.tenant().id()).put("window", AnalysisRequest.window(c.plan(), c.tenant().zone()))
          .put("items", items);
    });
  }
}
