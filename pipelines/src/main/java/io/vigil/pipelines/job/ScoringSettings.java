package io.vigil.pipelines.job;

import io.vigil.operators.BatchingOptions;
import io.vigil.operators.onnx.ExecutionOptions;
import io.vigil.operators.onnx.ModelRef;
import java.time.Duration;
import java.util.List;

/** What the scoring topology needs, independent of where events come from and go to. */
public record ScoringSettings(
    List<ModelRef> models,
    ExecutionOptions execution,
    BatchingOptions batching,
    Duration maxOutOfOrderness) {}
