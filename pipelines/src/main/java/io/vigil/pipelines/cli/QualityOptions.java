package io.vigil.pipelines.cli;

import io.vigil.operators.quality.ComparisonRules;
import io.vigil.operators.quality.FeedbackJoinByEntity;
import io.vigil.pipelines.job.QualitySettings;
import io.vigil.pipelines.job.QualitySettings.LabelJoin;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Command-line options for joining scores with labels and computing quality metrics. */
final class QualityOptions {

  @Option(names = "--label-ttl-ms", defaultValue = "60000",
      description = "A score and its label match when their event times are at most this far apart (default: ${DEFAULT-VALUE}).")
  long labelTtlMs;

  @Option(names = "--label-join", defaultValue = "entity", paramLabel = "entity|event",
      description = "Key of the join of scores with labels: entity joins where the entity's scores already are (no second "
          + "shuffle, small checkpoints) and needs feedback with entityId (labels without it become dead letters); event "
          + "joins by eventId, for feedback without entityId and for checkpoints taken before this option (default: ${DEFAULT-VALUE}).")
  String labelJoin;

  @Option(names = "--label-join-max-per-entity", defaultValue = "" + FeedbackJoinByEntity.DEFAULT_MAX_PER_ENTITY,
      description = "With --label-join entity: eventIds one entity may hold in the join; beyond, the oldest are evicted "
          + "(counted; a waiting label becomes unmatched) (default: ${DEFAULT-VALUE}).")
  int labelJoinMaxPerEntity;

  @Option(names = "--metrics-window-ms", defaultValue = "60000",
      description = "Sliding window of the windowed metrics; a multiple of the slide (default: ${DEFAULT-VALUE}).")
  long metricsWindowMs;

  @Option(names = "--metrics-slide-ms", defaultValue = "5000",
      description = "Event-time interval between metric snapshots (default: ${DEFAULT-VALUE}).")
  long metricsSlideMs;

  @Option(names = "--feedback-idle-ms", defaultValue = "10000",
      description = "After this long without labels, the feedback stream stops holding back event time (default: ${DEFAULT-VALUE}).")
  long feedbackIdleMs;

  @Option(names = "--metrics-max-distinct", defaultValue = "65536",
      description = "Budget of each model's cumulative metrics in entries (about 90 bytes each at most): exact below it; "
          + "above, adjacent scores merge into buckets and ROC-AUC / average precision come with proven bounds "
          + "(default: ${DEFAULT-VALUE}, at least 64).")
  int metricsMaxDistinct;

  @Option(names = "--comparison-window", defaultValue = "20000",
      description = "A challenger is compared with its champion on at most this many of the latest labelled events (default: ${DEFAULT-VALUE}).")
  int comparisonWindow;

  @Option(names = "--comparison-every-ms", defaultValue = "10000",
      description = "Event-time interval between comparison records (default: ${DEFAULT-VALUE}).")
  long comparisonEveryMs;

  @Option(names = "--comparison-resamples", defaultValue = "500",
      description = "Paired bootstrap resamples of the average-precision and F1 comparison (default: ${DEFAULT-VALUE}).")
  int comparisonResamples;

  @Option(names = "--confidence", defaultValue = "0.95",
      description = "Confidence of the comparison intervals and of the quality alarm's Wilson intervals (default: ${DEFAULT-VALUE}).")
  double confidence;

  @Option(names = "--quality-margin", defaultValue = "0.1",
      description = "A QUALITY alert opens when a model's windowed precision, recall or F1 is significantly more than this "
          + "below its validation value (default: ${DEFAULT-VALUE}).")
  double qualityMargin;

  @Option(names = "--quality-min-labels", defaultValue = "200",
      description = "Labelled scores a model's window needs before its quality is judged (default: ${DEFAULT-VALUE}).")
  long qualityMinLabels;

  @Option(names = "--quality-grace", defaultValue = "2min", converter = DurationConverter.class,
      description = "Event time after a model's first metrics window before its quality is judged: at a start every key's "
          + "recurrent state is cold (default: ${DEFAULT-VALUE}).")
  Duration qualityGrace;

  QualitySettings settings() {
    if (labelJoinMaxPerEntity < 1) {
      throw new IllegalArgumentException("--label-join-max-per-entity must be at least 1");
    }
    if (labelTtlMs <= 0 || metricsSlideMs <= 0 || metricsWindowMs <= 0 || metricsWindowMs % metricsSlideMs != 0) {
      throw new IllegalArgumentException("--label-ttl-ms, --metrics-window-ms and --metrics-slide-ms must be positive, "
          + "and the window a multiple of the slide");
    }
    return new QualitySettings(Duration.ofMillis(labelTtlMs), Duration.ofMillis(metricsWindowMs),
        Duration.ofMillis(metricsSlideMs), Duration.ofMillis(feedbackIdleMs), metricsMaxDistinct,
        new ComparisonRules(comparisonWindow, Duration.ofMillis(comparisonEveryMs), confidence, comparisonResamples, 1),
        qualityMargin, qualityMinLabels, qualityGrace, LabelJoin.parse(labelJoin, "--label-join"), labelJoinMaxPerEntity);
  }
}
