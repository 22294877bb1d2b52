package io.vigil.pipelines.bench;

import io.vigil.pipelines.cluster.ClusterJars;
import io.vigil.pipelines.cluster.JvmProcess;
import io.vigil.pipelines.cluster.LocalCluster;
import io.vigil.pipelines.job.TopicNames;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A long run on the multi-process cluster: the job fed live at a steady rate for a while, every
 * process's RSS (/proc) sampled every few seconds, and for the TaskManagers, at the start and the
 * end, the heap after a full GC and the memory outside the JVM's own accounting (RSS minus Native Memory Tracking's
 * committed total: ONNX Runtime's native allocations and RocksDB's, as far as RSS shows them).
 * TaskManagers pre-touch their heap, so a heap growing into its reserved size is not mistaken for a leak.
 */
public final class SoakBench {

  /** Knobs; {@code warmup}: how long is fed before the memory is judged (see {@link SoakResult}). */
  public record Settings(double minutes, double rate, int entities, int parallelism, long seed, Duration sampleEvery,
      Duration warmup, Path work, ClusterJars jars) {}

  private final Settings settings;
  private final PrintStream log;

  public SoakBench(Settings settings, PrintStream log) {
    this.settings = settings;
    this.log = log;
  }

  public SoakResult run() throws Exception {
    LocalCluster.Settings shape = LocalCluster.Settings.defaults(settings.work(), settings.jars())
        .withTaskManagerJvmArgs(List.of("-XX:NativeMemoryTracking=summary", "-XX:+AlwaysPreTouch"));
    try (LocalCluster cluster = LocalCluster.start(shape)) {
      TopicNames t = TopicNames.prefixed("soak-events", "soak-feedback", "soak");
      cluster.broker().createTopics(t.all(), settings.parallelism());
      List<String> args = new ArrayList<>(t.runArguments());
      args.addAll(List.of("--parallelism", Integer.toString(settings.parallelism()),
          "--checkpoint-dir", settings.work().resolve("checkpoints").toUri().toString()));
      String job = cluster.submitRun(args);
      while (!cluster.rest().allTasksRunning(job)) {
        Thread.sleep(200);
      }
      Map<String, JvmProcess> processes = new LinkedHashMap<>();
      processes.put("broker", cluster.broker().process());
      processes.put("jobmanager", cluster.jobManager());
      cluster.taskManagers().forEach(tm -> processes.put(tm.name(), tm));

      int seconds = (int) Math.round(settings.minutes() * 60);
      log.printf("bench: soak, %d s at %.0f events/s over %d keys, sampling every %d s...%n", seconds, settings.rate(),
          settings.entities(), settings.sampleEvery().toSeconds());
      List<SoakResult.Sample> samples = new ArrayList<>();
      // The heap and NMT figures (jcmd: a JVM started per call, seconds each under load) at the start, when the
      // warm-up ends and at the end only.
      samples.add(sample(processes, 0, true));
      long start = System.nanoTime();
      double warmup = settings.warmup().toMillis() / 1e3;
      boolean warmed = false;
      try (BenchEvents events = new BenchEvents(cluster.broker().bootstrapServers(), settings.entities(), settings.seed())) {
        CompletableFuture<Long> feed = CompletableFuture.supplyAsync(() -> events.paced(t.events(), settings.rate(), seconds));
        while (!feed.isDone()) {
          Thread.sleep(settings.sampleEvery().toMillis());
          double at = (System.nanoTime() - start) / 1e9;
          boolean details = !warmed && at >= warmup;
          warmed |= details;
          samples.add(sample(processes, at, details));
        }
        long sent = feed.get();
        samples.add(sample(processes, (System.nanoTime() - start) / 1e9, true));
        String state = cluster.rest().jobState(job);
        long restarts = cluster.rest().jobMetric(job, "numRestarts");
        return new SoakResult(settings.minutes(), settings.rate(), sent, state, restarts, warmup, samples);
      }
    }
  }

  /** RSS of every process; with {@code details}, the TaskManagers' heap after GC and NMT too (jcmd: seconds each). */
  private static SoakResult.Sample sample(Map<String, JvmProcess> processes, double atSeconds, boolean details) {
    Map<String, long[]> values = new LinkedHashMap<>();
    processes.forEach((name, p) -> {
      long rss = p.rssBytes();
      boolean taskManager = details && name.startsWith("taskmanager");
      long heap = taskManager ? p.heapAfterGcBytes() : -1;
      long jvm = taskManager ? p.jvmCommittedBytes() : -1;
      values.put(name, new long[] {rss, heap, jvm >= 0 && rss >= 0 ? rss - jvm : -1});
    });
    return new SoakResult.Sample(atSeconds, values);
  }
}
