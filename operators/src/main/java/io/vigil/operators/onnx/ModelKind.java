package io.vigil.operators.onnx;

/** How a model consumes events; the {@code vigil.kind} metadata value. */
public enum ModelKind {
  /** Recurrent: one event {@code x} plus carried state pairs per call. */
  STEP,
  /** Over the key's last T events: {@code window} [B,T,F]. */
  WINDOW
}
