package io.vigil.pipelines.synthetic;

import io.vigil.schemas.SequenceEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** One generated step with its ground truth (which the stream only learns later, via feedback). */
public record SyntheticEvent(
    String entityId, String eventId, long eventTimeMillis, float[] features, AnomalyKind kind) {

  public boolean anomalous() {
    return kind != AnomalyKind.NONE;
  }

  /** The event as the job reads it (without its ground truth). */
  public SequenceEvent toSequenceEvent() {
    List<Float> f = new ArrayList<>(features.length);
    for (float v : features) {
      f.add(v);
    }
    return new SequenceEvent(entityId, eventId, Instant.ofEpochMilli(eventTimeMillis), f);
  }
}
