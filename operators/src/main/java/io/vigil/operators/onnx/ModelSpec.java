package io.vigil.operators.onnx;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * What the scoring operator needs to know of a model, read from the file and checked against
 * the contract by {@link ModelContract}.
 *
 * @param stateShapes per state pair, the shape of one row (batch axis removed)
 * @param metadata every {@code metadata_props} entry, for reports and dashboards
 */
public record ModelSpec(
    String name,
    String version,
    ModelKind kind,
    int features,
    int window,
    float threshold,
    List<long[]> stateShapes,
    Map<String, String> metadata) implements Serializable {

  /** Number of floats in one row of state pair {@code i}. */
  public int stateSize(int i) {
    long size = 1;
    for (long d : stateShapes.get(i)) {
      size *= d;
    }
    return (int) size;
  }

  public int statePairs() {
    return stateShapes.size();
  }
}
