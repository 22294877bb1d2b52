package io.vigil.pipelines.cli;

import io.vigil.operators.alerts.AlertRules;
import io.vigil.operators.scoring.BatchingOptions;
import io.vigil.operators.scoring.MicroBatchScorer;
import io.vigil.operators.onnx.ExecutionOptions;
import io.vigil.operators.onnx.ModelRef;
import io.vigil.pipelines.job.ScoringSettings;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Command-line options for what is scored and how; shared by every command that runs the job. */
final class ScoringOptions {

  /** The models shipped in models/ and packed into the job jar. */
  static final List<String> SHIPPED_MODELS =
      List.of("classpath:models/recurrent.onnx", "classpath:models/cnn.onnx", "classpath:models/autoencoder.onnx");

  @Mixin
  IngestOptions ingest;

  @Option(names = "--model", paramLabel = "FILE",
      description = "ONNX model to score with (repeatable; a path or classpath:NAME). Default: the shipped models "
          + "(but those given as --challenger).")
  List<String> models;

  @Option(names = "--challenger", paramLabel = "FILE=CHAMPION",
      description = "Also score with the model in FILE as a challenger of the champion model CHAMPION (repeatable): its scores "
          + "and metrics are published and compared with the champion's on the same labelled events, but it never opens alerts.")
  Map<String, String> challengers = new LinkedHashMap<>();

  @Option(names = "--device", defaultValue = "cpu", description = "cpu or cuda[:id] (default: ${DEFAULT-VALUE}).")
  String device;

  @Option(names = "--cpu-fallback", description = "If CUDA is asked for but unusable, warn and run on CPU instead of stopping.")
  boolean cpuFallback;

  @Option(names = "--intra-op-threads", defaultValue = "1",
      description = "ONNX Runtime threads per call; 0 = its default (default: ${DEFAULT-VALUE}: slots already run in parallel).")
  int intraOpThreads;

  @Option(names = "--batch-size", defaultValue = "64", description = "Max events per ONNX call, across keys (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--max-delay-ms", defaultValue = "5", description = "Max time an event waits for its batch to fill (default: ${DEFAULT-VALUE}).")
  long maxDelayMs;

  @Option(names = "--out-of-orderness-ms", defaultValue = "2000",
      description = "How late (event time) events may arrive before watermarks pass them (default: ${DEFAULT-VALUE}).")
  long outOfOrdernessMs;

  @Option(names = "--alert-when", defaultValue = "any",
      description = "Which models must cross their threshold to open an alert: any, all or at_least:K (default: ${DEFAULT-VALUE}).")
  String alertWhen;

  @Option(names = "--alert-threshold", paramLabel = "MODEL=VALUE",
      description = "Override a model's alert threshold (repeatable; default: the threshold in the model's metadata).")
  Map<String, Float> alertThresholds = Map.of();

  @Option(names = "--alert-hysteresis", defaultValue = "0.8",
      description = "An alert closes when its models score below this fraction of their thresholds (default: ${DEFAULT-VALUE}).")
  double alertHysteresis;

  @Option(names = "--alert-cooldown-ms", defaultValue = "30000",
      description = "Event time after a close before the same entity can alert again (default: ${DEFAULT-VALUE}).")
  long alertCooldownMs;

  @Option(names = "--alert-inactive-after", defaultValue = "10min", converter = DurationConverter.class,
      description = "An open alert closes as INACTIVE when its entity sends nothing for this long, event time (default: ${DEFAULT-VALUE}).")
  Duration alertInactiveAfter;

  @Option(names = "--entity-ttl", defaultValue = "24h", converter = DurationConverter.class,
      description = "An entity silent for this long (event time) loses its recurrent state and recent events (default: ${DEFAULT-VALUE}).")
  Duration entityTtl;

  @Option(names = "--warm-up-events", defaultValue = "" + MicroBatchScorer.DEFAULT_WARM_UP_EVENTS,
      description = "Recent events per entity a WARM model swap re-runs the new model over; that many are retained "
          + "(default: ${DEFAULT-VALUE}).")
  int warmUpEvents;

  ScoringSettings settings() {
    // A shipped model run as a challenger is left out of the default champions.
    List<ModelRef> refs = (models == null || models.isEmpty() ? SHIPPED_MODELS : models).stream()
        .filter(location -> models != null && !models.isEmpty() || !challengers.containsKey(location))
        .map(ModelRef::of).toList();
    AlertRules alerts = AlertRules.defaults()
        .withCombination(AlertRules.Combination.parse(alertWhen))
        .withHysteresis(alertHysteresis)
        .withCooldown(Duration.ofMillis(alertCooldownMs))
        .withInactiveAfter(alertInactiveAfter);
    for (Map.Entry<String, Float> t : alertThresholds.entrySet()) {
      alerts = alerts.withThreshold(t.getKey(), t.getValue());
    }
    ScoringSettings settings = new ScoringSettings(refs, new ExecutionOptions(device, cpuFallback, intraOpThreads),
        new BatchingOptions(batchSize, maxDelayMs), Duration.ofMillis(outOfOrdernessMs), alerts, entityTtl, false,
        ingest.limits(), warmUpEvents);
    for (Map.Entry<String, String> c : challengers.entrySet()) {
      settings = settings.withChallenger(c.getKey(), c.getValue());
    }
    return settings;
  }
}
