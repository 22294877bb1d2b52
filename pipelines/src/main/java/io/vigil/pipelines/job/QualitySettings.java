package io.vigil.pipelines.job;

import io.vigil.operators.alerts.QualityRules;
import io.vigil.operators.metrics.ModelMetricsState;
import io.vigil.operators.onnx.ModelSpec;
import io.vigil.operators.quality.ComparisonRules;
import io.vigil.operators.quality.FeedbackJoinByEntity;
import java.time.Duration;
import java.util.List;

/**
 * How scores are judged against late labels: a score and its label match when their event times
 * are at most {@code labelTtl} apart; metrics are reported every {@code metricsSlide} over all
 * labels so far and over the last {@code metricsWindow}; an input partition silent for
 * {@code inputIdleness} stops holding back event time (every partition of both inputs). The cumulative metrics of a model keep
 * at most {@code metricsMaxDistinct} entries (exact below, proven intervals above). Challengers are
 * compared with their champions by {@code comparison}; each model's windowed metrics are held
 * against its validation metrics with {@code qualityMargin}, {@code qualityMinLabels} and {@code qualityGrace} (see
 * {@link io.vigil.operators.alerts.QualityRules}), at the comparison's confidence. Labels are joined
 * with scores as {@code labelJoin} says; by entity, an entity holds at most {@code labelJoinMaxPerEntity}
 * eventIds.
 */
public record QualitySettings(Duration labelTtl, Duration metricsWindow, Duration metricsSlide, Duration inputIdleness,
    int metricsMaxDistinct, ComparisonRules comparison, double qualityMargin, long qualityMinLabels, Duration qualityGrace,
    LabelJoin labelJoin, int labelJoinMaxPerEntity) {

  /** Which key the label join uses. */
  public enum LabelJoin {
    /**
     * Keyed by entityId, where the scores already are: no second shuffle of the scores, and state
     * in event-time buckets per entity (see {@link FeedbackJoinByEntity}). Feedback must carry entityId.
     */
    ENTITY,
    /** Keyed by eventId ({@link io.vigil.operators.quality.FeedbackJoin}): for feedback without entityId. */
    EVENT;

    /** Parses a command-line value ({@code entity} or {@code event}); {@code option} names it in the error. */
    public static LabelJoin parse(String value, String option) {
      for (LabelJoin join : values()) {
        if (join.name().equalsIgnoreCase(value)) {
          return join;
        }
      }
      throw new IllegalArgumentException(option + " must be entity or event, got " + value);
    }
  }

  /** With the default label join. */
  public QualitySettings(Duration labelTtl, Duration metricsWindow, Duration metricsSlide, Duration inputIdleness,
      int metricsMaxDistinct, ComparisonRules comparison, double qualityMargin, long qualityMinLabels, Duration qualityGrace) {
    this(labelTtl, metricsWindow, metricsSlide, inputIdleness, metricsMaxDistinct, comparison, qualityMargin,
        qualityMinLabels, qualityGrace, LabelJoin.ENTITY, FeedbackJoinByEntity.DEFAULT_MAX_PER_ENTITY);
  }

  /** With the default metrics budget. */
  public QualitySettings(Duration labelTtl, Duration metricsWindow, Duration metricsSlide, Duration inputIdleness) {
    this(labelTtl, metricsWindow, metricsSlide, inputIdleness, ModelMetricsState.DEFAULT_MAX_DISTINCT);
  }

  /** With the default comparison and quality alarm. */
  public QualitySettings(Duration labelTtl, Duration metricsWindow, Duration metricsSlide, Duration inputIdleness,
      int metricsMaxDistinct) {
    this(labelTtl, metricsWindow, metricsSlide, inputIdleness, metricsMaxDistinct, ComparisonRules.defaults(),
        QualityRules.DEFAULT_MARGIN, QualityRules.DEFAULT_MIN_LABELS, QualityRules.DEFAULT_GRACE);
  }

  /** The same settings with the label join keyed by {@code join}. */
  public QualitySettings withLabelJoin(LabelJoin join) {
    return new QualitySettings(labelTtl, metricsWindow, metricsSlide, inputIdleness, metricsMaxDistinct, comparison,
        qualityMargin, qualityMinLabels, qualityGrace, join, labelJoinMaxPerEntity);
  }

  /** The quality alarm's rules for these models. */
  public QualityRules qualityRules(List<ModelSpec> models) {
    return QualityRules.forModels(models, qualityMargin, qualityMinLabels, comparison.confidence(), qualityGrace);
  }

  public static QualitySettings defaults() {
    return new QualitySettings(Duration.ofMinutes(1), Duration.ofMinutes(1), Duration.ofSeconds(5), Duration.ofSeconds(10));
  }
}
