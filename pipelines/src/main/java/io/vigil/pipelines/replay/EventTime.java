package io.vigil.pipelines.replay;

/** Which time an event carries on the wire. */
public enum EventTime {
  /** The feed's own time (a CSV's time column, the generator's clock): backfills, offline comparison by time. */
  CSV,
  /** The moment the producer sends it: a live view with real latency, label delays in real seconds. */
  SEND
}
