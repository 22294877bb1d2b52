package io.vigil.operators.metrics;

/**
 * A ratio of counts as scikit-learn reports it with {@code zero_division=0}: 0 when the
 * denominator is 0, with that fact kept beside the value instead of hidden in it.
 */
public record Ratio(double value, boolean zeroDivision) {

  public static Ratio of(long numerator, long denominator) {
    return denominator == 0 ? new Ratio(0.0, true) : new Ratio((double) numerator / denominator, false);
  }
}
