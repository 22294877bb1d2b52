package io.vigil.operators.metrics;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The cumulative metrics of one model over a long life: feeds up to {@code --scores} labelled
 * scores (default 10^9) into a {@link BoundedScoreLabels} with the given budget and, as the
 * baseline in the same run, into the unbounded exact {@link ScoreLabelTree} of before (until
 * {@code --baseline-max} scores, where its memory would end the run). At every power of ten (and
 * 3×) it reports heap held, one snapshot's time, the serialized state's size and time, the
 * intervals' widths, and the baseline's figures with their ratio; while the baseline runs, it also
 * checks that the exact values lie in the intervals. Not a test: timings depend on the machine.
 *
 * <pre>mvn -B -o -q -pl schemas,operators compile
 * java -Xmx2g -cp "$(cat operators/target/test-classpath.txt):operators/target/classes" \
 *   io.vigil.operators.metrics.LongRunMetricsBenchmark --scores 1000000000 --budget 65536</pre>
 *
 * Scores are floats: the logistic of a unit normal, shifted by 1 for positives (20 % of the
 * labels), so nearly every score is new — the worst case for memory. Times are this thread's CPU
 * time (other processes on a shared machine do not count); heap is the estimate of the structures'
 * arrays ({@link ScoreEntries#heapBytes}), and the JVM's used heap after a full GC (the baseline
 * included while it runs).
 */
public final class LongRunMetricsBenchmark {

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

  private LongRunMetricsBenchmark() {}

  public static void main(String[] args) throws IOException {
    long scores = 1_000_000_000L;
    int budget = ModelMetricsState.DEFAULT_MAX_DISTINCT;
    long baselineMax = 10_000_000L;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--scores" -> scores = Long.parseLong(args[i + 1]);
        case "--budget" -> budget = Integer.parseInt(args[i + 1]);
        case "--baseline-max" -> baselineMax = Long.parseLong(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    run(scores, budget, baselineMax);
  }

  static void run(long scores, int budget, long baselineMax) throws IOException {
    SplittableRandom random = new SplittableRandom(42);
    BoundedScoreLabels bounded = new BoundedScoreLabels(budget);
    bounded.keepEdgeAt(0.5f);
    ScoreLabelTree baseline = new ScoreLabelTree();
    System.out.printf("budget %,d entries; baseline (unbounded exact tree) until %,d scores%n", budget, baselineMax);
    System.out.println("scores,entries,heap_bytes,snapshot_ms,state_bytes,serialize_ms,roc_auc,roc_auc_width,pr_auc,"
        + "pr_auc_width,feed_ns_per_score,baseline_entries,baseline_heap_bytes,baseline_snapshot_ms,baseline_state_bytes,"
        + "heap_ratio,snapshot_ratio,state_ratio,exact_inside,jvm_heap_after_gc_bytes");
    long fed = 0;
    long feedNanos = 0;
    for (long report = 100_000; fed < scores; report = nextReport(report)) {
      long until = Math.min(report, scores);
      long start = cpuNanos();
      for (; fed < until; fed++) {
        boolean positive = random.nextInt(5) == 0;
        float score = (float) (1 / (1 + Math.exp(-(random.nextGaussian() + (positive ? 1 : 0)))));
        bounded.add(score, positive);
        if (fed < baselineMax) {
          baseline.add(score, positive);
        }
      }
      feedNanos += cpuNanos() - start;
      boolean baselineLive = fed <= baselineMax;
      line(fed, bounded, baselineLive ? baseline : null, feedNanos / (double) fed);
      if (!baselineLive && baseline.entries() > 0) {
        baseline = new ScoreLabelTree(); // let it go: its memory is what the budget saves
      }
    }
  }

  private static long nextReport(long report) {
    long decade = 1;
    while (decade * 10 <= report) {
      decade *= 10;
    }
    return report == decade ? 3 * decade : 10 * decade;
  }

  private static void line(long fed, BoundedScoreLabels bounded, ScoreLabelTree baseline, double feedNs)
      throws IOException {
    double[] snapshotMs = new double[1];
    BinaryMetrics m = timed(bounded, snapshotMs);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    long start = cpuNanos();
    bounded.writeTo(new DataOutputStream(bytes));
    double serializeMs = (cpuNanos() - start) / 1e6;
    StringBuilder out = new StringBuilder(String.format("%d,%d,%d,%.3f,%d,%.3f,%.9f,%.3g,%.9f,%.3g,%.1f",
        fed, m.distinctScores(), bounded.heapBytes(), snapshotMs[0], bytes.size(), serializeMs, m.rocAuc(),
        m.rocAucUpper() - m.rocAucLower(), m.averagePrecision(), m.averagePrecisionUpper() - m.averagePrecisionLower(),
        feedNs));
    if (baseline == null) {
      out.append(",,,,,,,,");
    } else {
      double[] baselineMs = new double[1];
      BinaryMetrics exact = timed(baseline, baselineMs);
      ByteArrayOutputStream baselineBytes = new ByteArrayOutputStream();
      baseline.writeTo(new DataOutputStream(baselineBytes));
      boolean inside = exact.rocAuc() >= m.rocAucLower() && exact.rocAuc() <= m.rocAucUpper()
          && exact.averagePrecision() >= m.averagePrecisionLower() && exact.averagePrecision() <= m.averagePrecisionUpper()
          && exact.truePositives() == m.truePositives() && exact.falsePositives() == m.falsePositives();
      out.append(String.format(",%d,%d,%.3f,%d,%.2f,%.2f,%.2f,%b", exact.distinctScores(), baseline.heapBytes(),
          baselineMs[0], baselineBytes.size(), baseline.heapBytes() / (double) bounded.heapBytes(),
          baselineMs[0] / snapshotMs[0], baselineBytes.size() / (double) bytes.size(), inside));
    }
    System.gc();
    out.append(',').append(MEMORY.getHeapMemoryUsage().getUsed());
    System.out.println(out);
  }

  /** One snapshot (200-point curve), the median CPU time of three. */
  private static BinaryMetrics timed(ScoreEntries entries, double[] millis) {
    double[] runs = new double[3];
    BinaryMetrics m = null;
    for (int i = 0; i < runs.length; i++) {
      long start = cpuNanos();
      m = BinaryMetrics.of(entries, 0.5f, 200);
      runs[i] = (cpuNanos() - start) / 1e6;
    }
    Arrays.sort(runs);
    millis[0] = runs[1];
    return m;
  }

  private static long cpuNanos() {
    return THREADS.getCurrentThreadCpuTime();
  }
}
