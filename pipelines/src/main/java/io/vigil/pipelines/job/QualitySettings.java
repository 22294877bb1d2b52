package io.vigil.pipelines.job;

import io.vigil.operators.metrics.ModelMetricsState;
import java.time.Duration;

/**
 * How scores are judged against late labels: a score and its label match when their event times
 * are at most {@code labelTtl} apart; metrics are reported every {@code metricsSlide} over all
 * labels so far and over the last {@code metricsWindow}; an input partition silent for
 * {@code inputIdleness} stops holding back event time (every partition of both inputs). The cumulative metrics of a model keep
 * at most {@code metricsMaxDistinct} entries (exact below, proven intervals above).
 */
public record QualitySettings(Duration labelTtl, Duration metricsWindow, Duration metricsSlide, Duration inputIdleness,
    int metricsMaxDistinct) {

  /** With the default metrics budget. */
  public QualitySettings(Duration labelTtl, Duration metricsWindow, Duration metricsSlide, Duration inputIdleness) {
    this(labelTtl, metricsWindow, metricsSlide, inputIdleness, ModelMetricsState.DEFAULT_MAX_DISTINCT);
  }

  public static QualitySettings defaults() {
    return new QualitySettings(Duration.ofMinutes(1), Duration.ofMinutes(1), Duration.ofSeconds(5), Duration.ofSeconds(10));
  }
}
