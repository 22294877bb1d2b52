package io.vigil.pipelines.synthetic;

/** One generated step with its ground truth (which the stream only learns later, via feedback). */
public record SyntheticEvent(
    String entityId, String eventId, long eventTimeMillis, float[] features, AnomalyKind kind) {

  public boolean anomalous() {
    return kind != AnomalyKind.NONE;
  }
}
