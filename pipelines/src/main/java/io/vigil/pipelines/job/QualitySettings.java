package io.vigil.pipelines.job;

import java.time.Duration;

/**
 * How scores are judged against late labels: a score and its label match when their event times
 * are at most {@code labelTtl} apart; metrics are reported every {@code metricsSlide} over all
 * labels so far and over the last {@code metricsWindow}; an input partition silent for
 * {@code inputIdleness} stops holding back event time: this applies to every partition of both inputs.
 */
public record QualitySettings(Duration labelTtl, Duration metricsWindow, Duration metricsSlide, Duration inputIdleness) {

  public static QualitySettings defaults() {
    return new QualitySettings(Duration.ofMinutes(1), Duration.ofMinutes(1), Duration.ofSeconds(5), Duration.ofSeconds(10));
  }
}
