package io.cxpulse.score;

import java.util.Locale;

/** The five RATER service-quality dimensions, each rated 1–5. The ordinal is the storage order. */
public enum RaterDimension {
  RELIABILITY,
  ASSURANCE,
  TANGIBLES,
  EMPATHY,
  RESPONSIVENESS;

  private static final RaterDimension[] VALUES = values();

  private final String code = name().toLowerCase(Locale.ROOT);

  /** The name used in JSON and in the catalog. */
  public String code() {
    return code;
  }

  /** The dimension for a JSON name, or null when there is none, so callers can reject it. */
  public static RaterDimension fromCode(String code) {
    for (RaterDimension dimension : VALUES) {
      if (dimension.code.equals(code)) {
        return dimension;
      }
    }
    return null;
  }
}
