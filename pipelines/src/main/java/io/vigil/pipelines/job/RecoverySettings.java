package io.vigil.pipelines.job;

import java.time.Duration;
import java.util.Map;

/**
 * How the job survives faults over a long life: restarts back off exponentially from
 * {@code initialBackoff} to {@code maxBackoff}; after {@code resetAfter} without a failure the
 * back-off and the attempt count start again, so failures spread over time never use the job up,
 * while {@code maxAttempts} failures in a row without such a healthy period fail it (a broken job
 * must stop, not loop). {@code tolerableFailedCheckpoints} checkpoints may fail in a row (a full
 * disk, a slow store) before the job restarts.
 */
public record RecoverySettings(Duration initialBackoff, Duration maxBackoff, Duration resetAfter, int maxAttempts,
    int tolerableFailedCheckpoints) {

  public RecoverySettings {
    if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0 || resetAfter.isNegative() || resetAfter.isZero()
        || maxAttempts < 1 || tolerableFailedCheckpoints < 0) {
      throw new IllegalArgumentException("recovery settings out of range (backoff >= 0, max >= initial, reset > 0, "
          + "attempts >= 1, tolerable failed checkpoints >= 0): " + this);
    }
  }

  /** 1 s doubling to 1 min, reset after 10 min healthy, 10 attempts in a row, 3 failed checkpoints in a row. */
  public static RecoverySettings defaults() {
    return new RecoverySettings(Duration.ofSeconds(1), Duration.ofMinutes(1), Duration.ofMinutes(10), 10, 3);
  }

  void addTo(Map<String, String> keys) {
    keys.put("restart-strategy.type", "exponential-delay");
    keys.put("restart-strategy.exponential-delay.initial-backoff", initialBackoff.toMillis() + " ms");
    keys.put("restart-strategy.exponential-delay.max-backoff", maxBackoff.toMillis() + " ms");
    keys.put("restart-strategy.exponential-delay.backoff-multiplier", "2.0");
    keys.put("restart-strategy.exponential-delay.jitter-factor", "0.1");
    keys.put("restart-strategy.exponential-delay.reset-backoff-threshold", resetAfter.toMillis() + " ms");
    keys.put("restart-strategy.exponential-delay.attempts-before-reset-backoff", Integer.toString(maxAttempts));
    keys.put("execution.checkpointing.tolerable-failed-checkpoints", Integer.toString(tolerableFailedCheckpoints));
  }
}
