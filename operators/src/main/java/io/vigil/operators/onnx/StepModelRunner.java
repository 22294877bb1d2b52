package io.vigil.operators.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * Runs a recurrent step model on a batch of rows: {@code x} [B,F] and each state [B,...] in,
 * {@code score} [B] and the next states out. Input buffers are direct and reused across calls;
 * every tensor and result is closed. Not thread-safe: one runner per operator instance.
 */
public final class StepModelRunner {

  private final OrtSession session;
  private final ModelSpec spec;
  private FloatBuffer x;
  private FloatBuffer[] states;
  private int capacity;

  public StepModelRunner(LoadedModel model) {
    if (model.spec().kind() != ModelKind.STEP) {
      throw new IllegalArgumentException(model.spec().name() + " is not a step model");
    }
    this.session = model.session();
    this.spec = model.spec();
  }

  public ModelSpec spec() {
    return spec;
  }

  /**
   * Scores {@code batch} rows. {@code xRows} holds B×F floats; {@code stateRows[i]} B×stateSize(i)
   * floats, and is overwritten with the next states. Returns the B scores.
   */
  public float[] run(float[] xRows, float[][] stateRows, int batch) throws OrtException {
    ensureCapacity(batch);
    Map<String, OnnxTensor> inputs = new HashMap<>();
    try {
      inputs.put(ModelContract.X, TensorBuffers.tensor(x, xRows, batch * spec.features(), new long[] {batch, spec.features()}));
      for (int i = 0; i < spec.statePairs(); i++) {
        inputs.put(ModelContract.STATE_IN + i, TensorBuffers.tensor(states[i], stateRows[i], batch * spec.stateSize(i),
            TensorBuffers.withBatch(batch, spec.stateShapes().get(i))));
      }
      try (OrtSession.Result result = session.run(inputs)) {
        float[] scores = new float[batch];
        ((OnnxTensor) result.get(ModelContract.SCORE).orElseThrow()).getFloatBuffer().get(scores);
        for (int i = 0; i < spec.statePairs(); i++) {
          ((OnnxTensor) result.get(ModelContract.STATE_OUT + i).orElseThrow())
              .getFloatBuffer().get(stateRows[i], 0, batch * spec.stateSize(i));
        }
        return scores;
      }
    } finally {
      inputs.values().forEach(OnnxTensor::close);
    }
  }

  private void ensureCapacity(int batch) {
    if (batch <= capacity) {
      return;
    }
    capacity = Math.max(batch, capacity * 2);
    x = TensorBuffers.direct(capacity * spec.features());
    states = new FloatBuffer[spec.statePairs()];
    for (int i = 0; i < states.length; i++) {
      states[i] = TensorBuffers.direct(capacity * spec.stateSize(i));
    }
  }
}
