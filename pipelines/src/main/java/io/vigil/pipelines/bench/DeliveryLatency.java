package io.vigil.pipelines.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Latency of one output in one delivery mode and checkpoint interval, with events fed live:
 * event → record written by the job, and event → record received by a reader with the isolation
 * the output's guarantee requires. The map keys are part of {@code bench --json}: add, never rename.
 */
record DeliveryLatency(String mode, String output, String delivery, String readerIsolation, long checkpointIntervalMs,
    boolean changelog, double eventsPerS, long samples, double[] writeMs, double[] visibleMs, long[] gcPauses) {

  static final double[] QUANTILES = {0.50, 0.99, 0.999};

  /** {@code gcPauses}: {count, total ms, longest ms} of the JVM's collection pauses in the measured time. */
  static DeliveryLatency of(String mode, String output, String delivery, String isolation, long intervalMs, boolean changelog,
      double rate, List<VisibleWatch.Sample> samples, long[] gcPauses) {
    long[] write = samples.stream().mapToLong(s -> s.written() - s.eventTime()).sorted().toArray();
    long[] visible = samples.stream().mapToLong(s -> s.received() - s.eventTime()).sorted().toArray();
    return new DeliveryLatency(mode, output, delivery, isolation, intervalMs, changelog, rate, samples.size(), quantiles(write),
        quantiles(visible), gcPauses);
  }

  private static double[] quantiles(long[] sorted) {
    double[] q = new double[QUANTILES.length];
    for (int i = 0; i < q.length; i++) {
      q[i] = Benchmark.percentile(sorted, QUANTILES[i]);
    }
    return q;
  }

  Map<String, Object> fields() {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("mode", mode);
    f.put("output", output);
    f.put("delivery", delivery);
    f.put("reader_isolation", readerIsolation);
    f.put("checkpoint_interval_ms", checkpointIntervalMs);
    f.put("events_per_s", eventsPerS);
    f.put("samples", samples);
    f.put("write_p50_ms", writeMs[0]);
    f.put("write_p99_ms", writeMs[1]);
    f.put("write_p999_ms", writeMs[2]);
    f.put("visible_p50_ms", visibleMs[0]);
    f.put("visible_p99_ms", visibleMs[1]);
    f.put("visible_p999_ms", visibleMs[2]);
    f.put("state_changelog", changelog);
    f.put("gc_pauses", gcPauses[0]);
    f.put("gc_pause_total_ms", gcPauses[1]);
    f.put("gc_pause_max_ms", gcPauses[2]);
    return f;
  }
}
