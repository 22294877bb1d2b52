package io.vigil.pipelines.synthetic;

/** The injected anomaly types; NONE marks a normal event. */
public enum AnomalyKind {
  NONE,
  /** One event far off in a few features. */
  SPIKE,
  /** A run of events shifted by several standard deviations. */
  LEVEL_SHIFT,
  /** A run of events with many times the usual noise. */
  VARIANCE_BURST,
  /** A run of events where one sensor repeats its last value. */
  STUCK_SENSOR
}
