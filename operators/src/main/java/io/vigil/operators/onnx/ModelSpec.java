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

  /** Zero states for {@code batch} rows, one array per state pair: a key's first event, or a batch's buffers. */
  public float[][] zeroStates(int batch) {
    float[][] states = new float[statePairs()][];
    for (int p = 0; p < states.length; p++) {
      states[p] = new float[batch * stateSize(p)];
    }
    return states;
  }
}
