package io.vigil.operators.metrics;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Throughput of the metric maths for one model on one thread (not a test: timings depend on the
 * machine). Run after {@code mvn -o -q -B -pl schemas,operators compile}:
 *
 * <pre>java -cp operators/target/classes io.vigil.operators.metrics.MetricsBenchmark</pre>
 *
 * Scores are random floats, so nearly every score is distinct: the worst case for the trees. Times
 * are the measuring thread's CPU time, so other processes on a shared machine do not count. The
 * long run of the cumulative scope against the budget is {@link LongRunMetricsBenchmark}.
 */
public final class MetricsBenchmark {

  /**
   * @param windowUpdatesPerSecond labelled scores per second through a sliding window holding
   *     {@code window} pairs: each one inserted, and later removed, in the window's tree
   * @param stateUpdatesPerSecond labelled scores per second through {@link ModelMetricsState}:
   *     cumulative tree, window tree, window bucket and expiry, as the operator does
   * @param snapshotMillis one {@link BinaryMetrics} (AUC, AP, confusion matrix, 200-point curve)
   *     of a tree holding {@code snapshotDistinct} distinct scores, median of several
   */
  public record Result(int window, double windowUpdatesPerSecond, double stateUpdatesPerSecond,
      int snapshotDistinct, double snapshotMillis) {}

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private MetricsBenchmark() {}

  public static void main(String[] args) {
    Result r = run(100_000, 3_000_000, 1_000_000);
    System.out.printf("sliding window of %,d pairs: %,.0f updates/s (insert + later removal each)%n",
        r.window(), r.windowUpdatesPerSecond());
    System.out.printf("operator state (cumulative + window + expiry): %,.0f updates/s%n", r.stateUpdatesPerSecond());
    System.out.printf("one snapshot of %,d distinct scores: %.1f ms%n", r.snapshotDistinct(), r.snapshotMillis());
  }

  /** Measures each workload after a warm-up run of the same code. */
  public static Result run(int window, int updates, int snapshotDistinct) {
    slidingWindow(window, updates / 4);
    stateUpdates(window, updates / 4);
    snapshot(snapshotDistinct / 10, 3);
    return new Result(window, slidingWindow(window, updates), stateUpdates(window, updates),
        snapshotDistinct, snapshot(snapshotDistinct, 7));
  }

  private static double slidingWindow(int window, int updates) {
    SplittableRandom random = new SplittableRandom(1);
    float[] scores = new float[window];
    boolean[] labels = new boolean[window];
    ScoreLabelTree tree = new ScoreLabelTree();
    for (int i = 0; i < window; i++) {
      scores[i] = randomScore(random);
      labels[i] = random.nextBoolean();
      tree.add(scores[i], labels[i]);
    }
    long start = cpuNanos();
    for (int i = 0; i < updates; i++) {
      int oldest = i % window;
      tree.remove(scores[oldest], labels[oldest]);
      scores[oldest] = randomScore(random);
      labels[oldest] = random.nextBoolean();
      tree.add(scores[oldest], labels[oldest]);
    }
    return perSecond(updates, cpuNanos() - start, tree.positives());
  }

  /** One labelled score per millisecond; the window spans {@code window} of them, sliding every second. */
  private static double stateUpdates(int window, int updates) {
    SplittableRandom random = new SplittableRandom(2);
    ModelMetricsState state = new ModelMetricsState(window, 1000, ModelMetricsState.DEFAULT_MAX_DISTINCT);
    long start = cpuNanos();
    for (int time = 0; time < updates; time++) {
      if (time % 1000 == 0) {
        state.window().advanceTo(time);
      }
      state.add(time, randomScore(random), random.nextBoolean(), 0.5f, "v");
    }
    return perSecond(updates, cpuNanos() - start, state.cumulative().positives());
  }

  private static double snapshot(int distinct, int repeats) {
    SplittableRandom random = new SplittableRandom(3);
    ScoreLabelTree tree = new ScoreLabelTree();
    while (tree.entries() < distinct) {
      tree.add(randomScore(random), random.nextBoolean());
    }
    double[] millis = new double[repeats];
    double sink = 0;
    for (int i = 0; i < repeats; i++) {
      long start = cpuNanos();
      sink += BinaryMetrics.of(tree, 0.5f, 200).averagePrecision();
      millis[i] = (cpuNanos() - start) / 1e6;
    }
    Arrays.sort(millis);
    return sink == 0 ? Double.NaN : millis[repeats / 2];
  }

  /** A float in [0, 1) with about 2^30 possible values: practically never a tie. */
  private static float randomScore(SplittableRandom random) {
    return (float) random.nextDouble();
  }

  /** CPU time of this thread: on a shared machine, wall time would count other processes' turns. */
  private static long cpuNanos() {
    return THREADS.getCurrentThreadCpuTime();
  }

  /** Rate; {@code result} is consumed so the JIT cannot drop the work. */
  private static double perSecond(long count, long nanos, long result) {
    return result < 0 ? Double.NaN : count / (nanos / 1e9);
  }
}
