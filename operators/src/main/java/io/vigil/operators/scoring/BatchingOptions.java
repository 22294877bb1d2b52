package io.vigil.operators.scoring;

import java.io.Serializable;

/**
 * Micro-batching across keys: a batch is scored when it holds {@code maxBatch} events or its
 * oldest event has waited {@code maxDelayMillis}. {@code maxBatch = 1} scores every event alone.
 */
public record BatchingOptions(int maxBatch, long maxDelayMillis) implements Serializable {

  public BatchingOptions {
    if (maxBatch < 1) {
      throw new IllegalArgumentException("maxBatch must be >= 1, is " + maxBatch);
    }
    if (maxDelayMillis < 0) {
      throw new IllegalArgumentException("maxDelayMillis must be >= 0, is " + maxDelayMillis);
    }
  }

  public static BatchingOptions unbatched() {
    return new BatchingOptions(1, 0);
  }
}
