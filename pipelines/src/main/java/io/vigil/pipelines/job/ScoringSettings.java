package io.vigil.pipelines.job;

import io.vigil.operators.alerts.AlertRules;
import io.vigil.operators.ingest.IngestLimits;
import io.vigil.operators.scoring.BatchingOptions;
import io.vigil.operators.scoring.MicroBatchScorer;
import io.vigil.operators.onnx.ExecutionOptions;
import io.vigil.operators.onnx.ModelRef;
import java.time.Duration;
import java.util.List;

/**
 * What the scoring topology needs, independent of where events come from and go to: the models,
 * how they run, how events are batched, how late events may be, when alerts open and close, and
 * the bounds input must keep ({@code ingest}). Each entity's state is dropped after
 * {@code entityTtl} of event-time silence.
 * {@code passThrough} keeps all state handling but skips the models (the benchmark's I/O ceiling).
 * {@code warmUpEvents}: how many recent events per entity a WARM model swap re-runs (and so are retained).
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
    int warmUpEvents) {

  public ScoringSettings(List<ModelRef> models, ExecutionOptions execution, BatchingOptions batching, Duration maxOutOfOrderness) {
    this(models, execution, batching, maxOutOfOrderness, AlertRules.defaults(), MicroBatchScorer.DEFAULT_ENTITY_TTL, false,
        IngestLimits.defaults(), MicroBatchScorer.DEFAULT_WARM_UP_EVENTS);
  }

  public ScoringSettings withBatching(BatchingOptions b) {
    return new ScoringSettings(models, execution, b, maxOutOfOrderness, alerts, entityTtl, passThrough, ingest, warmUpEvents);
  }

  public ScoringSettings asPassThrough() {
    return new ScoringSettings(models, execution, batching, maxOutOfOrderness, alerts, entityTtl, true, ingest, warmUpEvents);
  }

  public ScoringSettings withWarmUp(int events) {
    return new ScoringSettings(models, execution, batching, maxOutOfOrderness, alerts, entityTtl, passThrough, ingest, events);
  }

  public ScoringSettings withIngest(IngestLimits limits) {
    return new ScoringSettings(models, execution, batching, maxOutOfOrderness, alerts, entityTtl, passThrough, limits, warmUpEvents);
  }
}
