package io.vigil.pipelines.job;

import io.vigil.operators.alerts.AlertRules;
import io.vigil.operators.ingest.IngestLimits;
import io.vigil.operators.scoring.BatchingOptions;
import io.vigil.operators.scoring.MicroBatchScorer;
import io.vigil.operators.onnx.ExecutionOptions;
import io.vigil.operators.onnx.ModelRef;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the scoring topology needs, independent of where events come from and go to: the models,
 * how they run, how events are batched, how late events may be, when alerts open and close, and
 * the bounds input must keep ({@code ingest}). Each entity's state is dropped after
 * {@code entityTtl} of event-time silence.
 * {@code passThrough} keeps all state handling but skips the models (the benchmark's I/O ceiling).
 * {@code warmUpEvents}: how many recent events per entity a WARM model swap re-runs (and so are retained).
 * {@code challengers} maps the location of each model (among {@code models}) that runs as a
 * CHALLENGER to the name of the champion it is judged against; the others are champions.
 */
public record ScoringSettings(
    List<ModelRef> models,
    ExecutionOptions execution,
    BatchingOptions batching,
    Duration maxOutOfOrderness,
    AlertRules alerts,
    Duration entityTtl,
    boolean passThrough,
    IngestLimits ingest,
    int warmUpEvents,
    Map<String, String> challengers) {

  public ScoringSettings {
    challengers = Map.copyOf(challengers);
  }

  /** Every model a champion. */
  public ScoringSettings(List<ModelRef> models, ExecutionOptions execution, BatchingOptions batching, Duration maxOutOfOrderness,
      AlertRules alerts, Duration entityTtl, boolean passThrough, IngestLimits ingest, int warmUpEvents) {
    this(models, execution, batching, maxOutOfOrderness, alerts, entityTtl, passThrough, ingest, warmUpEvents, Map.of());
  }

  public ScoringSettings(List<ModelRef> models, ExecutionOptions execution, BatchingOptions batching, Duration maxOutOfOrderness) {
    this(models, execution, batching, maxOutOfOrderness, AlertRules.defaults(), MicroBatchScorer.DEFAULT_ENTITY_TTL, false,
        IngestLimits.defaults(), MicroBatchScorer.DEFAULT_WARM_UP_EVENTS);
  }

  public ScoringSettings withBatching(BatchingOptions b) {
    return new ScoringSettings(models, execution, b, maxOutOfOrderness, alerts, entityTtl, passThrough, ingest, warmUpEvents, challengers);
  }

  public ScoringSettings asPassThrough() {
    return new ScoringSettings(models, execution, batching, maxOutOfOrderness, alerts, entityTtl, true, ingest, warmUpEvents, challengers);
  }

  public ScoringSettings withWarmUp(int events) {
    return new ScoringSettings(models, execution, batching, maxOutOfOrderness, alerts, entityTtl, passThrough, ingest, events,
        challengers);
  }

  public ScoringSettings withIngest(IngestLimits limits) {
    return new ScoringSettings(models, execution, batching, maxOutOfOrderness, alerts, entityTtl, passThrough, limits, warmUpEvents, challengers);
  }

  /** The model at {@code location} (also added to the models) runs as a challenger of {@code champion}. */
  public ScoringSettings withChallenger(String location, String champion) {
    List<ModelRef> all = new ArrayList<>(models);
    all.add(ModelRef.of(location));
    Map<String, String> c = new HashMap<>(challengers);
    c.put(location, champion);
    return new ScoringSettings(all, execution, batching, maxOutOfOrderness, alerts, entityTtl, passThrough, ingest, warmUpEvents, c);
  }
}
