package io.vigil.operators.quality;

import java.io.Serializable;
import java.time.Duration;

/**
 * How {@link ChallengerComparison} judges a challenger: over the last {@code windowPairs} labelled
 * events both models scored, reported every {@code every} of event time, intervals at
 * {@code confidence}, the paired bootstrap with {@code resamples} resamples from {@code seed}.
 */
public record ComparisonRules(int windowPairs, Duration every, double confidence, int resamples, long seed)
    implements Serializable {

  public ComparisonRules {
    if (windowPairs < 2) {
      throw new IllegalArgumentException("comparison window must hold at least 2 pairs, is " + windowPairs);
    }
    if (every.isNegative() || every.isZero()) {
      throw new IllegalArgumentException("comparison interval must be positive, is " + every);
    }
    if (!(confidence > 0 && confidence < 1)) {
      throw new IllegalArgumentException("confidence must be in (0, 1), is " + confidence);
    }
    if (resamples < 1) {
      throw new IllegalArgumentException("bootstrap resamples must be positive, is " + resamples);
    }
  }

  /** 20 000 pairs, every 10 s, 95 %, 500 resamples, seed 1. */
  public static ComparisonRules defaults() {
    return new ComparisonRules(20_000, Duration.ofSeconds(10), 0.95, 500, 1);
  }
}
