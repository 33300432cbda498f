package io.cxpulse.web;

import io.cxpulse.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.Map;

/** What the pages print for a number (web/js/format.js), and test data for the "acme" tenant. */
final class Pages {
  private Pages() {}

  static String score(Double x) {
    if (x == null) return "—";
    long r = Math.round(x);
    return r < 0 ? "−" + (-r) : String.valueOf(r);
  }

  static String signed(double x) {
    long r = Math.round(x);
    return r > 0 ? "+" + r : r < 0 ? "−" + (-r) : "0";
  }

  /** The adjusted-Wald MoE of DESIGN.md, recomputed here from counts. */
  static double npsMoe(long n, long p, long d) {
    double n1 = n + 3;
    double pp = (p + 0.75) / n1;
    double dd = (d + 0.75) / n1;
    return 100 * 1.96 * Math.sqrt((pp + dd - (pp - dd) * (pp - dd)) / n1);
  }

  /** The z of two independent NPS results (DESIGN.md). */
  /** The z of the NPS change test (pooled, N − 1 correction), by the tests' own implementation. */
  static double npsZ(long n1, long p1, long d1, long n2, long p2, long d2) {
    return io.cxpulse.testing.Reference.npsChangeZ(p1, d1, n1, p2, d2, n2);
  }

  static String moe(Double x) {
    return x == null ? "" : "±" + Math.round(x);
  }

  static String n(long count) {
    return "n=" + String.format(Locale.US, "%,d", count);
  }

  /** JavaScript's toFixed(0) on a double: the exact value, half up. */
  static String pct(Double x) {
    return x == null ? "—" : new BigDecimal(x).setScale(0, RoundingMode.HALF_UP).toPlainString() + "%";
  }

  static JsonObject touchpoint(JsonObject scorecards, String code) {
    for (Object o : scorecards.getJsonArray("touchpoints")) {
      JsonObject tp = (JsonObject) o;
      if (tp.getString("touchpoint").equals(code)) return tp;
    }
    throw new AssertionError("no touchpoint " + code + " in " + scorecards);
  }

  /** The hotline's seeded NPS scores (index i is event "seed-h-i"). */
  static final int[] HOTLINE = {10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 9, 9, 9, 9, 9, 9,
      8, 8, 8, 8, 8, 8, 7, 7, 7, 7, 6, 6, 6, 6, 3, 3, 3, 3, 0, 0};
  /** Comments searched by the console tests; the other hotline responses say "Call i". */
  static final Map<Integer, String> HOTLINE_COMMENTS = Map.of(
      0, "Friendly staff, no QUEUE at all",
      34, "The queue was far too long",
      35, "排队等了很久，没人理",
      38, "<script>window.__xss=1</script><b>rude</b> & <i>slow</i>");

  /** The hotline response's region (a counted segment key): three in "west", below the privacy minimum of 5. */
  static String region(int i) {
    return i >= 37 ? "west" : i % 2 == 0 ? "north" : "south";
  }

  /**
   * hotline: 40 responses (enough for a confident score, with CSAT, RATER, reasons, a comment
   * each and a region); store: 12 (below the minimum n of 30: low confidence); app: none ("—").
   */
  static void seedAcme(TestServer server) {
    int[] hotline = HOTLINE;
    String[][] reasons = {{"speed"}, {"attitude"}, {"speed", "price"}, {"quality"}, {"attitude", "quality"}};
    java.util.List<JsonObject> batch = new java.util.ArrayList<>();
    for (int i = 0; i < hotline.length; i++) {
      int s = hotline[i];
      JsonObject r = new JsonObject().put("eventId", "seed-h-" + i).put("touchpoint", "hotline").put("nps", s)
          .put("csat", Math.max(1, Math.min(5, s / 2)))
          .put("reasons", new JsonArray(java.util.List.of((Object[]) reasons[i % reasons.length])))
          .put("comment", HOTLINE_COMMENTS.getOrDefault(i, "Call " + i))
          .put("segment", new JsonObject().put("region", region(i)));
      if (i % 2 == 0) {
        r.put("rater", new JsonObject().put("reliability", 1 + i % 5).put("assurance", 1 + (i + 1) % 5)
            .put("tangibles", 4).put("empathy", 1 + (i + 2) % 5).put("responsiveness", 3));
      }
      batch.add(r);
    }
    int[] store = {10, 9, 9, 8, 7, 6, 10, 10, 4, 9, 8, 2};
    for (int i = 0; i < store.length; i++) {
      batch.add(new JsonObject().put("eventId", "seed-s-" + i).put("touchpoint", "store").put("nps", store[i])
          .put("reasons", new JsonArray().add(i % 2 == 0 ? "price" : "speed")));
    }
    server.postFeedback("acme", batch);
  }
}
