package io.vigil.pipelines.job;

import io.vigil.operators.metrics.ModelMetricsState;
import java.time.Duration;

/**
 * How scores are judged against late labels: a score and its label match when their event times
 * are at most {@code labelTtl} apart; metrics are reported every {@code metricsSlide} over all
 * labels so far and over the last {@code metricsWindow}; a feedback stream silent for
 * {@code feedbackIdleness} stops holding back event time. The cumulative metrics of a model keep
 * at most {@code metricsMaxDistinct} entries (exact below, proven intervals above).
 */
public record QualitySettings(Duration labelTtl, Duration metricsWindow, Duration metricsSlide, Duration feedbackIdleness,
    int metricsMaxDistinct) {

  /** With the default metrics budget. */
  public QualitySettings(Duration labelTtl, Duration metricsWindow, Duration metricsSlide, Duration feedbackIdleness) {
    this(labelTtl, metricsWindow, metricsSlide, feedbackIdleness, ModelMetricsState.DEFAULT_MAX_DISTINCT);
  }

  public static QualitySettings defaults() {
    return new QualitySettings(Duration.ofMinutes(1), Duration.ofMinutes(1), Duration.ofSeconds(5), Duration.ofSeconds(10));
  }
}
