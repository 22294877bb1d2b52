package io.vigil.operators.metrics;

/**
 * The standard normal distribution, for tests' p-values and intervals: tail probabilities from the
 * complementary error function (fractional error below 1.2e-7 everywhere, so tiny p-values keep
 * their digits), quantiles by Acklam's rational approximation (relative error below 1.2e-9; a
 * refinement step through erfc would only add erfc's larger error).
 */
public final class NormalDistribution {

  private NormalDistribution() {}

  /** P(Z >= z). */
  public static double upperTail(double z) {
    return 0.5 * erfc(z / Math.sqrt(2));
  }

  /** P(|Z| >= |z|): the two-sided p-value of a z statistic. */
  public static double twoSidedP(double z) {
    return Math.min(1.0, erfc(Math.abs(z) / Math.sqrt(2)));
  }

  /** The z with P(|Z| <= z) = {@code confidence}, e.g. 1.95996 for 0.95. */
  public static double twoSidedCritical(double confidence) {
    if (!(confidence > 0 && confidence < 1)) {
      throw new IllegalArgumentException("confidence must be in (0, 1), is " + confidence);
    }
    return quantile(0.5 + confidence / 2);
  }

  /** The z with P(Z <= z) = p, 0 < p < 1. */
  public static double quantile(double p) {
    if (p < 0.02425) {
      double q = Math.sqrt(-2 * Math.log(p));
      return (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
          / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1);
    } else if (p <= 1 - 0.02425) {
      double q = p - 0.5;
      double r = q * q;
      return (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
          / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1);
    }
    return -quantile(1 - p);
  }

  /** Chebyshev fit of erfc (Numerical Recipes' erfcc). */
  static double erfc(double x) {
    double z = Math.abs(x);
    double t = 1 / (1 + 0.5 * z);
    double r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
        + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
        + t * (-0.82215223 + t * 0.17087277)))))))));
    return x >= 0 ? r : 2 - r;
  }

  private static final double[] A = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
      1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00};
  private static final double[] B = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
      6.680131188771972e+01, -1.328068155288572e+01};
  private static final double[] C = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
      -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00};
  private static final double[] D = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
      3.754408661907416e+00};
}
