package io.vigil.operators.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Map;

/**
 * Runs a window model (CNN, autoencoder) on a batch: {@code window} [B,T,F] in, {@code score} [B]
 * out. The input buffer is direct and reused. Not thread-safe: one runner per operator instance.
 */
public final class WindowModelRunner {

  private final OrtSession session;
  private final ModelSpec spec;
  private FloatBuffer window;
  private int capacity;

  public WindowModelRunner(LoadedModel model) {
    if (model.spec().kind() != ModelKind.WINDOW) {
      throw new IllegalArgumentException(model.spec().name() + " is not a window model");
    }
    this.session = model.session();
    this.spec = model.spec();
  }

  public ModelSpec spec() {
    return spec;
  }

  /** Scores {@code batch} windows; {@code rows} holds B×T×F floats, oldest event first. */
  public float[] run(float[] rows, int batch) throws OrtException {
    int rowSize = spec.window() * spec.features();
    if (batch > capacity) {
      capacity = Math.max(batch, capacity * 2);
      window = TensorBuffers.direct(capacity * rowSize);
    }
    try (OnnxTensor input = TensorBuffers.tensor(window, rows, batch * rowSize,
            new long[] {batch, spec.window(), spec.features()});
        OrtSession.Result result = session.run(Map.of(ModelContract.WINDOW, input))) {
      float[] scores = new float[batch];
      ((OnnxTensor) result.get(ModelContract.SCORE).orElseThrow()).getFloatBuffer().get(scores);
      return scores;
    }
  }
}
