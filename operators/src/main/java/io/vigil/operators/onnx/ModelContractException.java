package io.vigil.operators.onnx;

/** A model file that cannot be used: thrown at job start, never mid-stream. */
public final class ModelContractException extends RuntimeException {

  public ModelContractException(String message) {
    super(message);
  }

  public ModelContractException(String message, Throwable cause) {
    super(message, cause);
  }
}
