package io.vigil.operators.metrics;

/**
 * One metric of a champion and a challenger on the same events: both values, the difference
 * challenger − champion, its confidence interval [lower, upper] and the two-sided p-value of "no
 * difference". {@code z} is the test statistic where the test has one (DeLong), else NaN.
 */
public record PairedDelta(double champion, double challenger, double delta, double lower, double upper,
    double pValue, double z) {

  /** The interval lies wholly above zero: the challenger is better at the interval's confidence. */
  public boolean challengerBetter() {
    return lower > 0;
  }
}
