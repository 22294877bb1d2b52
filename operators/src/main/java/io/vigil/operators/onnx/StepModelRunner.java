package io.vigil.operators.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * Runs a recurrent step model on a batch of rows: {@code x} [B,F] and each state [B,...] in,
 * {@code score} [B] and the next states out. Input and output buffers are direct and reused across
 * calls: ONNX Runtime reads the inputs and writes the outputs in place (pinned outputs), so a call
 * allocates no array of the batch's state size (ONNX Runtime's own output tensors would each be
 * copied into a new heap buffer first). Every tensor is closed. Not thread-safe: one runner per
 * operator instance.
 */
public final class StepModelRunner {

  private final OrtSession session;
  private final ModelSpec spec;
  private FloatBuffer x;
  private FloatBuffer[] states;
  private FloatBuffer scoresOut;
  private FloatBuffer[] statesOut;
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
    Map<String, OnnxTensor> outputs = new HashMap<>();
    try {
      inputs.put(ModelContract.X, TensorBuffers.tensor(x, xRows, batch * spec.features(), new long[] {batch, spec.features()}));
      outputs.put(ModelContract.SCORE, TensorBuffers.output(scoresOut, batch, new long[] {batch}));
      for (int i = 0; i < spec.statePairs(); i++) {
        long[] shape = TensorBuffers.withBatch(batch, spec.stateShapes().get(i));
        inputs.put(ModelContract.STATE_IN + i, TensorBuffers.tensor(states[i], stateRows[i], batch * spec.stateSize(i), shape));
        outputs.put(ModelContract.STATE_OUT + i, TensorBuffers.output(statesOut[i], batch * spec.stateSize(i), shape));
      }
      session.run(inputs, outputs).close(); // the pinned outputs are ours: closing the result leaves them open
      float[] scores = new float[batch];
      scoresOut.duplicate().get(scores);
      for (int i = 0; i < spec.statePairs(); i++) {
        statesOut[i].duplicate().get(stateRows[i], 0, batch * spec.stateSize(i));
      }
      return scores;
    } finally {
      inputs.values().forEach(OnnxTensor::close);
      outputs.values().forEach(OnnxTensor::close);
    }
  }

  private void ensureCapacity(int batch) {
    if (batch <= capacity) {
      return;
    }
    capacity = Math.max(batch, capacity * 2);
    x = TensorBuffers.direct(capacity * spec.features());
    scoresOut = TensorBuffers.direct(capacity);
    states = new FloatBuffer[spec.statePairs()];
    statesOut = new FloatBuffer[spec.statePairs()];
    for (int i = 0; i < states.length; i++) {
      states[i] = TensorBuffers.direct(capacity * spec.stateSize(i));
      statesOut[i] = TensorBuffers.direct(capacity * spec.stateSize(i));
    }
  }
}
