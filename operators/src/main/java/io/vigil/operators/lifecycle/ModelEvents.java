package io.vigil.operators.lifecycle;

import io.vigil.operators.AvroTypes;
import io.vigil.schemas.ModelEvent;
import io.vigil.schemas.ModelEventOutcome;
import io.vigil.schemas.ModelUpdate;
import java.time.Instant;
import org.apache.flink.util.OutputTag;

/** The records that say what became of a model update, and the side output that carries them. */
public final class ModelEvents {

  /** Decisions on model updates: activations and rejections. */
  public static final OutputTag<ModelEvent> TAG = new OutputTag<>("model-events", AvroTypes.of(ModelEvent.class));

  private ModelEvents() {}

  public static ModelEvent activated(ModelUpdate update, int subtask, long now) {
    return new ModelEvent(update.getModel(), update.getVersion(), ModelEventOutcome.ACTIVATED, null, subtask, Instant.ofEpochMilli(now));
  }

  /** {@code subtask} null: rejected before the update reached the scorers. */
  public static ModelEvent rejected(ModelUpdate update, String reason, Integer subtask, long now) {
    return new ModelEvent(update.getModel(), update.getVersion(), ModelEventOutcome.REJECTED, reason, subtask, Instant.ofEpochMilli(now));
  }
}
