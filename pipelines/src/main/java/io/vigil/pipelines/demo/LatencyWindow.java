package io.vigil.pipelines.demo;

import java.util.Arrays;

/** The most recent event-to-score latencies, for live percentiles. Thread-safe. */
final class LatencyWindow {

  private final long[] samples;
  private int next;
  private int size;

  LatencyWindow(int capacity) {
    samples = new long[capacity];
  }

  synchronized void add(long millis) {
    samples[next] = millis;
    next = (next + 1) % samples.length;
    size = Math.min(size + 1, samples.length);
  }

  /** The q-quantile (0..1) of the held samples, NaN when there are none. */
  synchronized double percentile(double q) {
    if (size == 0) {
      return Double.NaN;
    }
    long[] sorted = Arrays.copyOf(samples, size);
    Arrays.sort(sorted);
    return sorted[(int) Math.min(size - 1, Math.max(0, Math.ceil(q * size) - 1))];
  }
}
