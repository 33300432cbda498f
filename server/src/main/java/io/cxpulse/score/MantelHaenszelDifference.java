package io.cxpulse.score;

import java.util.List;

/**
 * The difference a − b of two proportions adjusted for a confounder by stratification: the
 * Mantel–Haenszel risk difference over strata k (Greenland and Robins, Biometrics 41, 1985),
 * <pre>RD_MH = Σ (k_ak·n_bk − k_bk·n_ak) / N_k  ÷  Σ n_ak·n_bk / N_k</pre>
 * with Sato's variance (Sato, Biometrics 45, 1989), which stays consistent both with a few large
 * strata and with many sparse ones (the one SAS PROC FREQ reports for COMMONRISKDIFF):
 * <pre>Var = (RD_MH · Σ P_k + Σ Q_k) / (Σ n_ak·n_bk / N_k)²
 * P_k = (n_ak²·k_bk − n_bk²·k_ak + n_ak·n_bk·(n_bk − n_ak)/2) / N_k²
 * Q_k = (k_ak·(n_bk − k_bk) + k_bk·(n_ak − k_ak)) / (2·N_k)</pre>
 * and the 95% interval RD_MH ± 1.96·√Var. A stratum with an empty group carries no weight.
 * Fractions 0..1; null difference and interval when no stratum has both groups.
 * {@code significant} when the interval excludes 0.
 */
public record MantelHaenszelDifference(Double difference, Double low, Double high, Double variance,
                                       boolean significant) {

  /** One stratum: k_a of n_a in group a, k_b of n_b in group b. */
  public record Stratum(long ka, long na, long kb, long nb) {
    public Stratum {
      if (ka < 0 || kb < 0 || ka > na || kb > nb) {
        throw new IllegalArgumentException("need 0 <= k <= n in both groups, got " + ka + "/" + na + ", " + kb + "/" + nb);
      }
    }
  }

  public static MantelHaenszelDifference of(List<Stratum> strata) {
    double weights = 0, numerator = 0;
    for (Stratum s : strata) {
      long n = s.na() + s.nb();
      if (s.na() == 0 || s.nb() == 0) continue;
      weights += (double) s.na() * s.nb() / n;
      numerator += ((double) s.ka() * s.nb() - (double) s.kb() * s.na()) / n;
    }
    if (weights == 0) return new MantelHaenszelDifference(null, null, null, null, false);
    double d = numerator / weights;
    double p = 0, q = 0;
    for (Stratum s : strata) {
      if (s.na() == 0 || s.nb() == 0) continue;
      double na = s.na(), nb = s.nb(), ka = s.ka(), kb = s.kb(), n = na + nb;
      p += (na * na * kb - nb * nb * ka + na * nb * (nb - na) / 2) / (n * n);
      q += (ka * (nb - kb) + kb * (na - ka)) / (2 * n);
    }
    // Sato's estimator is non-negative in practice; rounding must not make the root undefined.
    double variance = Math.max(0, (d * p + q) / (weights * weights));
    double half = Proportion.Z95 * Math.sqrt(variance);
    double low = d - half, high = d + half;
    return new MantelHaenszelDifference(d, low, high, variance, low > 0 || high < 0);
  }
}
