package io.vigil.operators.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/** Reusable direct input buffers: ONNX Runtime reads a direct buffer in place, without a copy. */
final class TensorBuffers {

  private TensorBuffers() {}

  static FloatBuffer direct(int floats) {
    return ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
  }

  /** A tensor of {@code shape} over the first {@code count} floats of {@code rows}, staged in {@code buffer}. */
  static OnnxTensor tensor(FloatBuffer buffer, float[] rows, int count, long[] shape) throws OrtException {
    FloatBuffer view = buffer.duplicate();
    view.clear();
    view.put(rows, 0, count);
    view.flip();
    return OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), view.slice(), shape);
  }

  static long[] withBatch(int batch, long... row) {
    long[] shape = new long[row.length + 1];
    shape[0] = batch;
    System.arraycopy(row, 0, shape, 1, row.length);
    return shape;
  }
}
