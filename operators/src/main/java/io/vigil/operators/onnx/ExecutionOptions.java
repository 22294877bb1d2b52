package io.vigil.operators.onnx;

import java.io.Serializable;

/**
 * How ONNX Runtime runs the models: {@code device} is {@code cpu} or {@code cuda[:id]};
 * {@code cpuFallback} lets a CUDA request fall back to CPU (with a warning) instead of stopping;
 * {@code intraOpThreads} 0 means ONNX Runtime's default.
 */
public record ExecutionOptions(String device, boolean cpuFallback, int intraOpThreads) implements Serializable {

  public static ExecutionOptions cpu() {
    return new ExecutionOptions("cpu", false, 1);
  }

  public ExecutionOptions {
    if (!device.equals("cpu") && !device.matches("cuda(:\\d+)?")) {
      throw new IllegalArgumentException("device must be cpu or cuda[:id], is '" + device + "'");
    }
    if (intraOpThreads < 0) {
      throw new IllegalArgumentException("intraOpThreads must be >= 0");
    }
  }

  /** The same settings on CPU: for checking a model's contract where no GPU is (a job client). */
  public ExecutionOptions onCpu() {
    return new ExecutionOptions("cpu", false, intraOpThreads);
  }

  public boolean wantsCuda() {
    return device.startsWith("cuda");
  }

  public int cudaDeviceId() {
    int colon = device.indexOf(':');
    return colon < 0 ? 0 : Integer.parseInt(device.substring(colon + 1));
  }
}
