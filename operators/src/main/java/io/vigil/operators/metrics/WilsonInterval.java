package io.vigil.operators.metrics;

/**
 * Wilson's score interval for a binomial proportion (successes of trials), which stays inside
 * [0, 1] and keeps its coverage for small counts and proportions near 0 or 1, where the normal
 * approximation does not.
 */
public record WilsonInterval(double lower, double upper) {

  /** At critical value {@code z} (e.g. {@link NormalDistribution#twoSidedCritical(double)}); trials > 0. */
  public static WilsonInterval of(double successes, double trials, double z) {
    if (!(trials > 0)) {
      throw new IllegalArgumentException("trials must be positive, is " + trials);
    }
    double p = successes / trials;
    double z2 = z * z;
    double centre = (p + z2 / (2 * trials)) / (1 + z2 / trials);
    double half = z / (1 + z2 / trials) * Math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials));
    return new WilsonInterval(Math.max(0, centre - half), Math.min(1, centre + half));
  }
}
