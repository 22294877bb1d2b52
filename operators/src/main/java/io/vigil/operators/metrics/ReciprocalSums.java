package io.vigil.operators.metrics;

/**
 * Σ_{i=0}^{count-1} 1 / (x + i) for large counts in O(1): the average-precision bounds of a merged
 * bucket sum one precision per positive in it, and a bucket may hold billions. Relative error
 * below 1e-15 (terms summed directly until x ≥ 64, then the digamma asymptotic series, whose first
 * omitted term is below 64^-8 / 240).
 */
final class ReciprocalSums {

  private static final double ASYMPTOTIC_FROM = 64;
  private static final int DIRECT_UP_TO = 64;

  private ReciprocalSums() {}

  static double of(double x, long count) {
    if (!(x > 0) || count < 0) {
      throw new IllegalArgumentException("need x > 0 and count >= 0, got " + x + ", " + count);
    }
    double sum = 0;
    while (count > 0 && (x < ASYMPTOTIC_FROM || count <= DIRECT_UP_TO)) {
      sum += 1 / x;
      x++;
      count--;
    }
    if (count == 0) {
      return sum;
    }
    // ψ(x + count) - ψ(x), with ψ(y) = ln y - 1/(2y) - 1/(12y²) + 1/(120y⁴) - 1/(252y⁶) + ...
    double end = x + count;
    return sum + Math.log1p(count / x) + tail(end) - tail(x);
  }

  private static double tail(double y) {
    double y2 = 1 / (y * y);
    return -0.5 / y - y2 * (1.0 / 12 - y2 * (1.0 / 120 - y2 / 252));
  }
}
