package io.cxpulse.demo;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;

/**
 * Synthetic feedback for the demo tenant: a home-appliance brand's service centre.
 *
 * <p>The story: the mobile app and delivery &amp; installation delight customers (NPS around +40),
 * the service hotline and on-site repair disappoint them (NPS around −10), the rest sit in between.
 * Hotline detractors mostly complain about waiting time, repair detractors about problems not fixed
 * the first time, billing about unclear bills and fees. Scores drift slowly with wall-clock time
 * (the hotline queue builds up and clears with a period of 20 minutes), so a live wall visibly moves.
 *
 * <p>Every random choice comes from the {@link Random} given to the constructor, in a fixed order, so
 * one seed always yields the same sequence of items. The generator only emits touchpoint, reason and
 * value-element codes that exist in the tenant's catalog; touchpoints it has no profile for get a
 * neutral default profile.
 */
public final class DemoGenerator {

  /** Classpath location of the bundled demo catalog. */
  public static final String CATALOG_RESOURCE = "/catalog/demo.json";

  static final int CUSTOMER_POOL = 3000;
  private static final String[] RATER_DIMENSIONS =
      {"reliability", "assurance", "tangibles", "empathy", "responsiveness"};
  private static final double[] DETRACTOR_SCORE_WEIGHTS = {5, 2, 3, 4, 5, 9, 12};

  // Hourly traffic curve of a service centre (index = local hour), interpolated by minute.
  private static final double[] HOURLY_VOLUME = {
      0.08, 0.06, 0.05, 0.05, 0.05, 0.07, 0.12, 0.25, 0.45, 0.70, 0.92, 1.00,
      0.78, 0.70, 0.76, 0.80, 0.78, 0.84, 0.94, 0.96, 0.80, 0.55, 0.30, 0.15};

  private static final DateTimeFormatter TIME_FORMAT = DateTimeFormatter.ISO_OFFSET_DATE_TIME;

  // ---------------------------------------------------------------- stores

  private record Store(String code, String region, double lift) {}

  private static final List<Store> STORES = List.of(
      new Store("sh-xuhui", "east", 0.04),
      new Store("sh-pudong", "east", 0.00),
      new Store("hz-xihu", "east", 0.02),
      new Store("gz-tianhe", "south", 0.00),
      new Store("sz-nanshan", "south", 0.06),
      new Store("bj-chaoyang", "north", -0.03),
      new Store("bj-haidian", "north", 0.01),
      new Store("cd-jinjiang", "west", -0.07));

  // ---------------------------------------------------------------- touchpoint profiles

  /** Slow sinusoidal drift of one touchpoint: amplitude on P/D, period, phase, and the reason it moves. */
  private record Drift(double amplitude, long periodSeconds, double phase, String reason, double reasonGain) {
    static final Drift NONE = new Drift(0, 3600, 0, null, 0);

    /** −1 … +1; positive means "things are going badly right now". */
    double pressure(Instant t) {
      if (amplitude == 0 && reasonGain == 0) {
        return 0;
      }
      double seconds = t.getEpochSecond() + t.getNano() / 1e9;
      return Math.sin(2 * Math.PI * (seconds / periodSeconds + phase));
    }
  }

  private record Profile(
      double weight,
      double promoter,
      double detractor,
      String[] channels,
      double[] channelWeights,
      double cesShare,
      boolean rater,
      String weakDimension,
      Map<String, Double> improve,
      Map<String, Double> like,
      Map<String, Double> sub,
      Map<String, Double> values,
      Drift drift,
      boolean known) {}

  private static Map<String, Double> w(Object... pairs) {
    Map<String, Double> m = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      m.put((String) pairs[i], ((Number) pairs[i + 1]).doubleValue());
    }
    return m;
  }

  private static final Map<String, Double> COMMON_SUB = w(
      "speed.wait", 2, "speed.handling", 2,
      "first-fix.repeat", 3, "first-fix.parts", 2);

  private static final Map<String, Profile> PROFILES = new LinkedHashMap<>();

  static {
    PROFILES.put("website", new Profile(7, 0.45, 0.20,
        new String[] {"web", "app"}, new double[] {0.8, 0.2}, 0.30, false, null,
        w("clarity", 3, "speed", 1.5, "price", 1.5, "attitude", 0.3),
        w("clarity", 4, "speed", 2, "care", 1),
        COMMON_SUB,
        w("saves-time", 2, "reduces-anxiety", 1, "quality", 1),
        Drift.NONE, true));
    PROFILES.put("online-chat", new Profile(14, 0.42, 0.27,
        new String[] {"web", "app"}, new double[] {0.55, 0.45}, 0.45, true, "responsiveness",
        w("speed", 4, "expertise", 2.5, "first-fix", 2, "attitude", 1.5, "clarity", 1),
        w("speed", 3, "attitude", 3, "expertise", 2, "first-fix", 2),
        w("speed.wait", 4, "speed.handling", 2, "first-fix.repeat", 2, "first-fix.parts", 1),
        w("saves-time", 3, "reduces-effort", 2, "reduces-anxiety", 1),
        new Drift(0.06, 1500, 0.4, "speed", 0.4), true));
    PROFILES.put("store-reception", new Profile(8, 0.50, 0.20,
        new String[] {"kiosk", "sms"}, new double[] {0.6, 0.4}, 0.25, true, "responsiveness",
        w("speed", 2.5, "attitude", 2, "price", 2.5, "clarity", 1.5, "expertise", 1),
        w("attitude", 4, "expertise", 3, "care", 2, "clarity", 1.5),
        w("speed.wait", 3, "speed.handling", 2),
        w("quality", 2, "value-for-money", 2, "reduces-anxiety", 1),
        Drift.NONE, true));
    PROFILES.put("billing", new Profile(8, 0.40, 0.30,
        new String[] {"app", "web", "sms"}, new double[] {0.55, 0.35, 0.10}, 0.50, false, null,
        w("clarity", 4, "price", 3.5, "app-usability", 2, "speed", 1),
        w("clarity", 3, "speed", 3, "app-usability", 2),
        w("speed.handling", 3, "speed.wait", 1),
        w("saves-time", 2, "value-for-money", 3, "reduces-anxiety", 1),
        Drift.NONE, true));
    PROFILES.put("delivery-install", new Profile(10, 0.58, 0.18,
        new String[] {"sms", "app"}, new double[] {0.6, 0.4}, 0.30, true, "reliability",
        w("punctuality", 4, "attitude", 1.5, "expertise", 1.5, "price", 1.5, "first-fix", 0.5),
        w("punctuality", 4, "attitude", 3, "expertise", 3, "care", 3),
        COMMON_SUB,
        w("reduces-effort", 3, "quality", 2, "saves-time", 1),
        Drift.NONE, true));
    PROFILES.put("app", new Profile(16, 0.58, 0.13,
        new String[] {"app"}, new double[] {1.0}, 0.50, false, null,
        w("app-usability", 5, "speed", 1.5, "clarity", 1.5),
        w("app-usability", 5, "speed", 3, "clarity", 2),
        w("app-usability.booking", 1, "speed.handling", 3, "speed.wait", 1),
        w("saves-time", 3, "reduces-effort", 2),
        new Drift(0.06, 1800, 0.5, "app-usability", 0.3), true));
    PROFILES.put("hotline", new Profile(22, 0.29, 0.39,
        new String[] {"phone", "sms"}, new double[] {0.8, 0.2}, 0.45, true, "responsiveness",
        w("speed", 4, "attitude", 1.5, "expertise", 1.5, "first-fix", 2, "clarity", 0.8),
        w("attitude", 4, "speed", 2, "expertise", 2.5, "first-fix", 3),
        w("speed.wait", 6, "speed.handling", 1, "first-fix.repeat", 2, "first-fix.parts", 1),
        w("saves-time", 2, "reduces-anxiety", 2, "reduces-effort", 1),
        new Drift(0.16, 1200, 0.0, "speed", 0.8), true));
    PROFILES.put("onsite-repair", new Profile(10, 0.30, 0.42,
        new String[] {"sms", "app"}, new double[] {0.65, 0.35}, 0.35, true, "reliability",
        w("first-fix", 5, "punctuality", 2, "price", 2.5, "expertise", 2, "attitude", 1),
        w("expertise", 4, "first-fix", 3, "punctuality", 2, "attitude", 2, "care", 2),
        w("first-fix.repeat", 3, "first-fix.parts", 2, "speed.wait", 1, "speed.handling", 1),
        w("quality", 3, "reduces-anxiety", 2, "value-for-money", 1),
        new Drift(0.10, 2700, 0.25, "first-fix", 0.6), true));
    PROFILES.put("returns", new Profile(5, 0.36, 0.36,
        new String[] {"web", "app", "phone"}, new double[] {0.4, 0.4, 0.2}, 0.50, true, "empathy",
        w("speed", 3.5, "clarity", 2.5, "attitude", 1.5, "price", 1.5),
        w("speed", 3, "attitude", 3, "clarity", 2),
        w("speed.handling", 4, "speed.wait", 1),
        w("reduces-anxiety", 3, "reduces-effort", 2),
        Drift.NONE, true));
  }

  private static Profile defaultProfile(String stage) {
    boolean service = "service".equals(stage);
    return new Profile(5, 0.45, 0.25,
        service ? new String[] {"phone", "sms"} : new String[] {"web", "app"},
        new double[] {0.6, 0.4}, 0.35, service, null,
        Map.of(), Map.of(), Map.of(), Map.of(), Drift.NONE, false);
  }

  // ---------------------------------------------------------------- comment templates

  private enum Category { PROMOTER, PASSIVE, DETRACTOR }

  private record Template(Category category, String reason, Set<String> touchpoints, boolean zh, String text) {}

  private static final List<Template> TEMPLATES = new ArrayList<>();

  private static void t(Category c, String reason, Set<String> tps, boolean zh, String text) {
    TEMPLATES.add(new Template(c, reason, tps, zh, text));
  }

  static {
    Category d = Category.DETRACTOR;
    Category n = Category.PASSIVE;
    Category p = Category.PROMOTER;
    Set<String> phone = Set.of("hotline", "online-chat");
    Set<String> field = Set.of("onsite-repair", "delivery-install");
    Set<String> desk = Set.of("hotline", "online-chat", "store-reception", "returns");

    // detractors: what to improve
    t(d, "speed", Set.of("hotline"), true, "热线排队等了二十多分钟才接通，太耽误时间了。");
    t(d, "speed", null, true, "等了很久都没人处理，问了三次进度都说还在排队。");
    t(d, "speed", phone, false, "Waited over 20 minutes on hold before anyone picked up.");
    t(d, "attitude", null, true, "工作人员态度很冷淡，问两句就不耐烦了。");
    t(d, "attitude", null, false, "The agent was rude and kept interrupting me.");
    t(d, "expertise", field, true, "师傅对故障判断不准，换了零件冰箱还是不制冷。");
    t(d, "expertise", desk, true, "客服对产品不熟悉，问什么都说要再查一下。");
    t(d, "expertise", field, false, "The technician didn't seem to know this model at all.");
    t(d, "first-fix", null, true, "同一个问题上门修了三次还没修好，请假都请不过来了。");
    t(d, "first-fix", Set.of("onsite-repair", "hotline"), true, "说配件缺货要等两周，洗衣机一直用不了。");
    t(d, "first-fix", null, false, "Third contact about the same fault and it still isn't fixed.");
    t(d, "price", null, true, "上门费和配件费事先没说清楚，收费明显偏高。");
    t(d, "price", null, false, "The call-out fee was far higher than what I was quoted.");
    t(d, "clarity", null, true, "账单明细看不懂，多扣了一笔钱也没人解释。");
    t(d, "clarity", null, false, "The bill is confusing and nobody could explain the extra charge.");
    t(d, "app-usability", null, true, "App老是闪退，预约维修一直提交不了。");
    t(d, "app-usability", null, false, "The app keeps crashing when I try to book a repair.");
    t(d, "punctuality", null, true, "约好上午送货，结果下午四点才到，也没提前打电话。");
    t(d, "punctuality", null, false, "The installer turned up four hours late without calling.");
    t(d, null, null, true, "非常失望，不会再推荐给朋友了。");
    t(d, null, null, true, "问题拖了一个星期都没有结果，希望有人尽快联系我。");
    t(d, null, null, false, "Very disappointed, I would not recommend this service.");

    // passives: mostly fine, something to improve
    t(n, "speed", null, true, "整体还行，就是等待时间有点长。");
    t(n, "speed", null, false, "Okay overall, but the wait was longer than it should be.");
    t(n, "attitude", null, true, "服务还可以，但感觉只是在走流程。");
    t(n, "expertise", null, true, "问题解决了，不过转了两次才找到懂行的人。");
    t(n, "first-fix", null, true, "问题最终解决了，不过多跑了一趟。");
    t(n, "price", null, true, "服务不错，价格再透明一点就更好了。");
    t(n, "clarity", null, true, "收费没问题，但短信通知写得不太明白。");
    t(n, "app-usability", null, true, "App功能挺全，就是操作步骤有点多。");
    t(n, "app-usability", null, false, "The app works, but booking takes too many steps.");
    t(n, "punctuality", null, true, "师傅晚到了半小时，其他都挺好。");
    t(n, null, null, true, "总体还可以，还有进步空间。");
    t(n, null, null, false, "It was fine, nothing special.");

    // promoters: what they like
    t(p, "speed", null, true, "很快就有人响应，十分钟就把问题解决了，点赞！");
    t(p, "speed", null, false, "Quick response, everything sorted in ten minutes.");
    t(p, "attitude", null, true, "工作人员非常耐心，一直帮我查到结果。");
    t(p, "attitude", null, false, "Very friendly and patient staff, thank you!");
    t(p, "expertise", null, true, "师傅很专业，一眼就看出是哪里的问题。");
    t(p, "expertise", null, false, "They knew exactly what was wrong straight away.");
    t(p, "first-fix", null, true, "一次就解决了，不用再请假等第二次。");
    t(p, "clarity", null, true, "收费明细清清楚楚，很放心。");
    t(p, "app-usability", null, true, "在App上预约很方便，进度随时都能看到。");
    t(p, "app-usability", null, false, "Booking in the app was super easy.");
    t(p, "punctuality", null, true, "师傅准时上门，安装完还把包装都带走了。");
    t(p, "care", null, true, "装好后还主动教我怎么清洗滤网，很贴心。");
    t(p, "care", null, false, "They even called back the next day to check everything was fine.");
    t(p, null, null, true, "体验很好，已经推荐给家里人了。");
    t(p, null, null, false, "Great service, I've already recommended it to friends.");
  }

  // ---------------------------------------------------------------- catalog view

  private record Touchpoint(String code, Profile profile) {}

  private record Reason(String code, String parent, String kind) {
    boolean fits(boolean promoter) {
      if (kind == null || kind.equals("both")) {
        return true;
      }
      return promoter ? kind.equals("like") : kind.equals("improve");
    }
  }

  private final Random random;
  private final ZoneId zone;
  private final List<Touchpoint> touchpoints = new ArrayList<>();
  private final double[] touchpointWeights;
  private final List<Reason> level1 = new ArrayList<>();
  private final Map<String, List<Reason>> children = new LinkedHashMap<>();
  private final List<String> valueElements = new ArrayList<>();

  public DemoGenerator(JsonObject tenant, Random random) {
    this.random = Objects.requireNonNull(random, "random");
    Objects.requireNonNull(tenant, "tenant");
    this.zone = zoneOf(tenant.getString("timeZone"));

    JsonArray tps = tenant.getJsonArray("touchpoints", new JsonArray());
    for (int i = 0; i < tps.size(); i++) {
      JsonObject tp = tps.getJsonObject(i);
      String code = tp.getString("code");
      if (code == null) {
        continue;
      }
      Profile profile = PROFILES.getOrDefault(code, defaultProfile(tp.getString("stage")));
      touchpoints.add(new Touchpoint(code, profile));
    }
    if (touchpoints.isEmpty()) {
      throw new IllegalArgumentException("tenant has no touchpoints");
    }
    touchpointWeights = new double[touchpoints.size()];
    for (int i = 0; i < touchpoints.size(); i++) {
      touchpointWeights[i] = touchpoints.get(i).profile().weight();
    }

    JsonArray reasons = tenant.getJsonArray("reasons", new JsonArray());
    List<Reason> level2 = new ArrayList<>();
    for (int i = 0; i < reasons.size(); i++) {
      JsonObject r = reasons.getJsonObject(i);
      String code = r.getString("code");
      if (code == null) {
        continue;
      }
      Reason reason = new Reason(code, r.getString("parent"), r.getString("kind"));
      (reason.parent() == null ? level1 : level2).add(reason);
    }
    for (Reason r : level1) {
      children.put(r.code(), new ArrayList<>());
    }
    for (Reason r : level2) {
      List<Reason> siblings = children.get(r.parent());
      if (siblings != null) {
        siblings.add(r);
      }
    }

    JsonArray values = tenant.getJsonArray("valueElements", new JsonArray());
    for (int i = 0; i < values.size(); i++) {
      String code = values.getJsonObject(i).getString("code");
      if (code != null) {
        valueElements.add(code);
      }
    }
  }

  /** The first tenant of the bundled {@value #CATALOG_RESOURCE}. */
  public static JsonObject demoTenant() {
    try (InputStream in = DemoGenerator.class.getResourceAsStream(CATALOG_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(CATALOG_RESOURCE + " not on the classpath");
      }
      JsonObject catalog = new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      return catalog.getJsonArray("tenants").getJsonObject(0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ZoneId zoneOf(String id) {
    if (id == null) {
      return ZoneOffset.UTC;
    }
    try {
      return ZoneId.of(id);
    } catch (DateTimeException e) {
      return ZoneOffset.UTC;
    }
  }

  // ---------------------------------------------------------------- generation

  /** One feedback item in the ingest format of API.md; absent fields are omitted. */
  public JsonObject next(Instant occurredAt, String eventId) {
    Objects.requireNonNull(occurredAt, "occurredAt");
    Touchpoint tp = touchpoints.get(pick(touchpointWeights));
    Profile profile = tp.profile();
    double pressure = profile.drift().pressure(occurredAt);

    int customer = 1 + random.nextInt(CUSTOMER_POOL);
    Store store = random.nextDouble() < 0.85
        ? STORES.get(Math.floorMod(customer * 7 + 3, STORES.size()))
        : STORES.get(random.nextInt(STORES.size()));

    // likelihood to recommend
    double shift = profile.drift().amplitude() * pressure;
    double pShare = clamp(profile.promoter() - 0.45 * shift + store.lift(), 0.02, 0.95);
    double dShare = clamp(profile.detractor() + 0.55 * shift - 0.8 * store.lift(), 0.02, 0.95);
    double u = random.nextDouble();
    int nps;
    Category category;
    if (u < pShare) {
      category = Category.PROMOTER;
      nps = random.nextDouble() < 0.55 ? 10 : 9;
    } else if (u < pShare + dShare) {
      category = Category.DETRACTOR;
      nps = pick(DETRACTOR_SCORE_WEIGHTS);
    } else {
      category = Category.PASSIVE;
      nps = random.nextDouble() < 0.55 ? 8 : 7;
    }
    double q = nps / 10.0;

    JsonObject item = new JsonObject();
    if (eventId != null) {
      item.put("eventId", eventId);
    }
    item.put("touchpoint", tp.code());
    item.put("occurredAt", TIME_FORMAT.format(occurredAt.atZone(zone)));
    item.put("channel", profile.channels()[pick(profile.channelWeights())]);
    item.put("customerId", String.format("c-%05d", customer));

    boolean hasNps = random.nextDouble() < 0.97;
    if (hasNps) {
      item.put("nps", nps);
    }
    boolean hasCsat = random.nextDouble() < 0.75;
    if (hasCsat) {
      item.put("csat", clampInt(Math.round(1 + 4 * q + 0.6 * random.nextGaussian()), 1, 5));
    }
    if (random.nextDouble() < profile.cesShare()) {
      item.put("ces", clampInt(Math.round(1 + 6 * q + 0.9 * random.nextGaussian()), 1, 7));
    }
    if (profile.rater() && random.nextDouble() < 0.6) {
      item.put("rater", rater(q, profile, pressure));
    }
    if (!hasNps && !item.containsKey("csat") && !item.containsKey("ces") && !item.containsKey("rater")) {
      item.put("csat", clampInt(Math.round(1 + 4 * q + 0.6 * random.nextGaussian()), 1, 5));
    }

    boolean promoter = category == Category.PROMOTER;
    List<String> reasons = random.nextDouble() < 0.88 ? reasons(profile, promoter, pressure) : List.of();
    if (!reasons.isEmpty()) {
      item.put("reasons", new JsonArray(new ArrayList<>(reasons)));
      List<String> subs = subReasons(reasons, profile, promoter);
      if (!subs.isEmpty()) {
        item.put("subReasons", new JsonArray(new ArrayList<>(subs)));
      }
    }
    if (!valueElements.isEmpty() && random.nextDouble() < 0.25) {
      item.put("values", values(nps, profile));
    }

    double commentShare = switch (category) {
      case DETRACTOR -> 0.40;
      case PASSIVE -> 0.22;
      case PROMOTER -> 0.28;
    };
    if (random.nextDouble() < commentShare) {
      item.put("comment", comment(category, reasons, tp.code()));
    }

    if (category == Category.DETRACTOR) {
      double c = random.nextDouble();
      if (c < 0.40) {
        item.put("contactConsent", true);
      } else if (c < 0.70) {
        item.put("contactConsent", false);
      }
    }

    item.put("segment", new JsonObject().put("region", store.region()).put("store", store.code()));
    return item;
  }

  private JsonObject rater(double q, Profile profile, double pressure) {
    JsonObject rater = new JsonObject();
    int start = random.nextInt(RATER_DIMENSIONS.length);
    for (String dim : RATER_DIMENSIONS) {
      boolean asked = random.nextDouble() < 0.75;
      double bias = dim.equals(profile.weakDimension()) ? -0.4 - 0.3 * Math.max(0, pressure) : 0;
      if (dim.equals("tangibles")) {
        bias += 0.2;
      }
      int score = clampInt(Math.round(1 + 4 * q + bias + 0.7 * random.nextGaussian()), 1, 5);
      if (asked) {
        rater.put(dim, score);
      }
    }
    if (rater.isEmpty()) {
      String dim = RATER_DIMENSIONS[start];
      rater.put(dim, clampInt(Math.round(1 + 4 * q + 0.7 * random.nextGaussian()), 1, 5));
    }
    return rater;
  }

  private List<String> reasons(Profile profile, boolean promoter, double pressure) {
    List<Reason> candidates = new ArrayList<>();
    List<Double> weights = new ArrayList<>();
    Map<String, Double> table = promoter ? profile.like() : profile.improve();
    Drift drift = profile.drift();
    for (Reason r : level1) {
      if (!r.fits(promoter)) {
        continue;
      }
      double weight = table.getOrDefault(r.code(), profile.known() ? 0.3 : 1.0);
      if (drift.reason() != null && drift.reason().equals(r.code())) {
        // the drifting issue is raised more (by those who'd improve) or praised less
        weight *= promoter ? 1 - 0.5 * drift.reasonGain() * pressure : 1 + drift.reasonGain() * pressure;
      }
      if (weight > 0) {
        candidates.add(r);
        weights.add(weight);
      }
    }
    int count = random.nextDouble() < 0.62 ? 1 : 2;
    List<String> picked = new ArrayList<>(count);
    while (picked.size() < count && !candidates.isEmpty()) {
      int i = pick(weights);
      picked.add(candidates.remove(i).code());
      weights.remove(i);
    }
    return picked;
  }

  private List<String> subReasons(List<String> reasons, Profile profile, boolean promoter) {
    List<String> subs = new ArrayList<>();
    for (String code : reasons) {
      List<Reason> kids = children.getOrDefault(code, List.of());
      List<Reason> fitting = new ArrayList<>();
      List<Double> weights = new ArrayList<>();
      for (Reason k : kids) {
        if (k.fits(promoter)) {
          fitting.add(k);
          weights.add(profile.sub().getOrDefault(k.code(), 1.0));
        }
      }
      if (!fitting.isEmpty() && random.nextDouble() < 0.55) {
        subs.add(fitting.get(pick(weights)).code());
      }
    }
    return subs;
  }

  private JsonObject values(int nps, Profile profile) {
    List<String> candidates = new ArrayList<>(valueElements);
    List<Double> weights = new ArrayList<>();
    for (String v : candidates) {
      weights.add(profile.values().getOrDefault(v, 0.5));
    }
    int count = 1 + random.nextInt(3);
    JsonObject values = new JsonObject();
    while (values.size() < count && !candidates.isEmpty()) {
      int i = pick(weights);
      String code = candidates.remove(i);
      weights.remove(i);
      double bias = switch (code) {
        case "value-for-money" -> -1.0;
        case "quality" -> 0.4;
        default -> 0;
      };
      values.put(code, clampInt(Math.round(nps + bias + 1.6 * random.nextGaussian()), 0, 10));
    }
    return values;
  }

  private String comment(Category category, List<String> reasons, String touchpoint) {
    boolean zh = random.nextDouble() < 0.78;
    boolean specific = !reasons.isEmpty() && random.nextDouble() < 0.8;
    List<Template> pool = templates(category, reasons, touchpoint, zh, specific);
    if (pool.isEmpty()) {
      pool = templates(category, reasons, touchpoint, !zh, specific);
    }
    if (pool.isEmpty()) {
      pool = templates(category, reasons, touchpoint, zh, false);
    }
    return pool.get(random.nextInt(pool.size())).text();
  }

  private static List<Template> templates(
      Category category, List<String> reasons, String touchpoint, boolean zh, boolean specific) {
    List<Template> pool = new ArrayList<>();
    for (Template t : TEMPLATES) {
      if (t.category() != category || t.zh() != zh) {
        continue;
      }
      if (t.touchpoints() != null && !t.touchpoints().contains(touchpoint)) {
        continue;
      }
      if (specific ? t.reason() != null && reasons.contains(t.reason()) : t.reason() == null) {
        pool.add(t);
      }
    }
    return pool;
  }

  // ---------------------------------------------------------------- traffic curve

  /**
   * Relative traffic of a service centre at the given local time: low at night, peaks late in the
   * morning and early in the evening; always between 0.05 and 1.0.
   */
  public static double volumeFactor(ZonedDateTime localTime) {
    int hour = localTime.getHour();
    double fraction = (localTime.getMinute() + localTime.getSecond() / 60.0) / 60.0;
    double a = HOURLY_VOLUME[hour];
    double b = HOURLY_VOLUME[(hour + 1) % 24];
    return clamp(a + (b - a) * fraction, 0.05, 1.0);
  }

  // ---------------------------------------------------------------- helpers

  private int pick(double[] weights) {
    double total = 0;
    for (double w : weights) {
      total += w;
    }
    double r = random.nextDouble() * total;
    for (int i = 0; i < weights.length; i++) {
      r -= weights[i];
      if (r < 0) {
        return i;
      }
    }
    return weights.length - 1;
  }

  private int pick(List<Double> weights) {
    double[] array = new double[weights.size()];
    for (int i = 0; i < array.length; i++) {
      array[i] = weights.get(i);
    }
    return pick(array);
  }

  private static double clamp(double v, double lo, double hi) {
    return Math.max(lo, Math.min(hi, v));
  }

  private static int clampInt(long v, int lo, int hi) {
    return (int) Math.max(lo, Math.min(hi, v));
  }
}
