package io.cxpulse.value;

import io.cxpulse.catalog.TenantCatalog;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Outcome types: the built-in ones of API.md and a tenant's own codes (setting {@code outcomeTypes},
 * an array of codes or of {@code {"code": …}}), and which of them count as what.
 */
public final class OutcomeTypes {
  public static final List<String> BUILT_IN = List.of("purchase", "repurchase", "renewal", "churn", "referral");
  /** Buying (again) after a response: what "repurchase" rates and order values count. */
  public static final List<String> PURCHASES = List.of("purchase", "repurchase");
  public static final int DEFAULT_HORIZON_DAYS = 90;

  private OutcomeTypes() {}

  public static Set<String> of(TenantCatalog tenant) {
    Set<String> out = new LinkedHashSet<>(BUILT_IN);
    JsonArray custom = tenant.settings().getJsonArray("outcomeTypes", new JsonArray());
    for (Object o : custom) {
      if (o instanceof String s) out.add(s);
      else if (o instanceof JsonObject j && j.getString("code") != null) out.add(j.getString("code"));
    }
    return out;
  }

  /** The types an outcome measure counts: repurchase = purchase or repurchase; any other code itself. */
  public static List<String> measured(String outcome) {
    return outcome.equals("repurchase") ? PURCHASES : List.of(outcome);
  }

  /** Churn is the one outcome that is bad news: its excess, not its shortfall, is the loss. */
  public static boolean adverse(String outcome) {
    return outcome.equals("churn");
  }

  public static int horizonDays(TenantCatalog tenant) {
    Object v = tenant.settings().getValue("outcomeHorizonDays");
    return v instanceof Number n && n.intValue() >= 1 && n.intValue() <= 730 ? n.intValue() : DEFAULT_HORIZON_DAYS;
  }
}
