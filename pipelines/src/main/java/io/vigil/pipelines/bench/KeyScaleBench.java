package io.vigil.pipelines.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.pipelines.cluster.ClusterJars;
import io.vigil.pipelines.cluster.FlinkRest;
import io.vigil.pipelines.cluster.JvmProcess;
import io.vigil.pipelines.cluster.LocalCluster;
import io.vigil.pipelines.job.RetainedCheckpoints;
import io.vigil.pipelines.job.StateBackend;
import io.vigil.pipelines.job.TopicNames;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Many keys on the multi-process cluster (one TaskManager, so its RSS is the job's): the Vigil job
 * over a backlog of {@code keys} distinct keys, against the same job over 1000 keys in the same
 * run; then the state it holds (per key, from Flink's checkpoint statistics), its checkpoints
 * (incremental, and a full canonical savepoint), the time to restore it, and the TaskManager's RSS.
 */
public final class KeyScaleBench {

  /** Knobs: {@code events} of the many-key run (at least one per key), {@code baselineEvents} of the 1000-key run. */
  public record Settings(int keys, int events, int baselineEvents, StateBackend backend, int parallelism, long seed,
      Duration checkpointInterval, Path work, ClusterJars jars) {}

  static final int BASELINE_KEYS = 1000;
  private static final Duration RUN_TIMEOUT = Duration.ofMinutes(30);

  private final Settings settings;
  private final PrintStream log;
  private LocalCluster cluster;
  private final AtomicLong peakRss = new AtomicLong();

  public KeyScaleBench(Settings settings, PrintStream log) {
    this.settings = settings;
    this.log = log;
  }

  public KeyScaleResult run() throws Exception {
    LocalCluster.Settings shape = LocalCluster.Settings.defaults(settings.work(), settings.jars())
        .withTaskManagers(1, settings.parallelism()).withMemory(512, 768);
    try (LocalCluster c = LocalCluster.start(shape)) {
      cluster = c;
      Thread sampler = rssSampler(c.taskManagers().get(0));
      try {
        return measure();
      } finally {
        sampler.interrupt();
      }
    }
  }

  private KeyScaleResult measure() throws Exception {
    String bootstrap = cluster.broker().bootstrapServers();
    TopicNames base = topics("baseline");
    TopicNames many = topics("keys");
    log.printf("bench: loading backlogs (%d events over %d keys, %d over %d keys)...%n",
        settings.baselineEvents(), BASELINE_KEYS, settings.events(), settings.keys());
    try (BenchEvents small = new BenchEvents(bootstrap, BASELINE_KEYS, settings.seed())) {
      small.backlog(base.events(), settings.baselineEvents());
    }
    try (BenchEvents large = new BenchEvents(bootstrap, settings.keys(), settings.seed())) {
      large.backlog(many.events(), settings.events());
    }
    log.println("bench: " + BASELINE_KEYS + "-key run...");
    String baselineJob = submit(base, "baseline", null);
    double baselineRate = rate(base, settings.baselineEvents());
    log.printf("bench: %d keys: %.0f events/s%n", BASELINE_KEYS, baselineRate);
    cluster.rest().cancel(baselineJob);

    log.println("bench: " + settings.keys() + "-key run...");
    long submitted = System.nanoTime();
    String job = submit(many, "keys", null);
    long freshStartMs = awaitRunningMs(job, submitted);
    double rate = rate(many, settings.events());
    log.printf("bench: %d keys: %.0f events/s%n", settings.keys(), rate);
    // Every score is committed, so a checkpoint holding the whole state has completed; one more settles the sizes.
    JsonNode latest = nextCompletedCheckpoint(job);
    JsonNode details = cluster.rest().get("/jobs/" + job + "/checkpoints/details/" + latest.path("id").asLong());
    long scorerState = scorerStateBytes(job, details);
    log.println("bench: full savepoint...");
    long t0 = System.nanoTime();
    String savepoint = cluster.rest().savepoint(job, settings.work().resolve("savepoints").toUri().toString(), RUN_TIMEOUT);
    long savepointMs = (System.nanoTime() - t0) / 1_000_000;
    long savepointBytes = folderBytes(Path.of(java.net.URI.create(savepoint)));
    long rss = cluster.taskManagers().get(0).rssBytes();
    log.printf("bench: checkpoint %s; savepoint %d bytes in %d ms; scorer state %d bytes; RSS %d%n", latest, savepointBytes,
        savepointMs, scorerState, rss);
    cluster.rest().cancel(job);
    awaitNoJobRunning();
    // Only the last checkpoint is retained on cancel (older ones are subsumed): restore from the one on disk.
    String retained = RetainedCheckpoints.latest(settings.work().resolve("checkpoints").resolve("keys"))
        .orElseThrow(() -> new IllegalStateException("no retained checkpoint")).toUri().toString();

    log.println("bench: restore from the last checkpoint...");
    long restoreSubmitted = System.nanoTime();
    String restored = submit(many, "keys", retained);
    long restoreMs = awaitRunningMs(restored, restoreSubmitted);
    cluster.rest().cancel(restored);

    JsonNode summary = cluster.rest().get("/jobs/" + job + "/checkpoints").path("summary");
    return new KeyScaleResult(settings.keys(), settings.events(), settings.backend().flinkName(), rate, BASELINE_KEYS,
        settings.baselineEvents(), baselineRate, (double) scorerState / settings.keys(),
        latest.path("state_size").asDouble() / settings.keys(), latest.path("state_size").asLong(),
        latest.path("checkpointed_size").asLong(), latest.path("end_to_end_duration").asLong(),
        summary.path("end_to_end_duration").path("max").asLong(), savepointBytes, savepointMs, freshStartMs, restoreMs,
        rss, peakRss.get(), settings.parallelism());
  }

  private TopicNames topics(String name) throws Exception {
    TopicNames t = TopicNames.prefixed(name + "-events", name + "-feedback", name);
    cluster.broker().createTopics(t.all(), settings.parallelism());
    return t;
  }

  private String submit(TopicNames t, String name, String restoreFrom) throws Exception {
    List<String> args = new ArrayList<>(t.runArguments());
    args.addAll(List.of("--group-id", name, "--job-name", name, "--parallelism", Integer.toString(settings.parallelism()),
        "--checkpoint-interval-ms", Long.toString(settings.checkpointInterval().toMillis()),
        "--checkpoint-dir", settings.work().resolve("checkpoints").resolve(name).toUri().toString(),
        "--state-backend", settings.backend().flinkName()));
    if (restoreFrom != null) {
      args.addAll(List.of("--restore-from", restoreFrom));
    }
    return cluster.submitRun(args);
  }

  private double rate(TopicNames t, int count) {
    try (OutputWatch watch = new OutputWatch(cluster.broker().bootstrapServers(), t.scores())) {
      long seen = watch.await(count, RUN_TIMEOUT, false);
      if (seen < count) {
        throw new IllegalStateException("only " + seen + " of " + count + " scores within " + RUN_TIMEOUT);
      }
      return watch.ratePerSecond(seen);
    }
  }

  /** Milliseconds from submission until every task runs (restoring state is INITIALIZING, before RUNNING). */
  private long awaitRunningMs(String job, long submittedNanos) throws Exception {
    long deadline = System.nanoTime() + RUN_TIMEOUT.toNanos();
    while (!cluster.rest().allTasksRunning(job)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("job " + job + " not running within " + RUN_TIMEOUT);
      }
      Thread.sleep(100);
    }
    return (System.nanoTime() - submittedNanos) / 1_000_000;
  }

  private JsonNode nextCompletedCheckpoint(String job) throws Exception {
    FlinkRest rest = cluster.rest();
    long after = rest.get("/jobs/" + job + "/checkpoints").path("latest").path("completed").path("id").asLong(-1);
    long deadline = System.nanoTime() + RUN_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode completed = rest.get("/jobs/" + job + "/checkpoints").path("latest").path("completed");
      if (completed.path("id").asLong(-1) > after) {
        return completed;
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("no checkpoint completed within " + RUN_TIMEOUT);
  }

  /** State of the scorer's vertex (recurrent state and recent events per key), from the checkpoint's per-vertex details. */
  private long scorerStateBytes(String job, JsonNode details) throws Exception {
    for (JsonNode vertex : cluster.rest().get("/jobs/" + job).path("vertices")) {
      if (vertex.path("name").asText().startsWith("score")) {
        return details.path("tasks").path(vertex.path("id").asText()).path("state_size").asLong();
      }
    }
    throw new IllegalStateException("no scorer vertex in job " + job);
  }

  private void awaitNoJobRunning() throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (cluster.rest().get("/jobs/overview").findValuesAsText("state").stream().anyMatch(s -> !isTerminal(s))) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("jobs still running: " + cluster.rest().get("/jobs/overview"));
      }
      Thread.sleep(200);
    }
  }

  private static boolean isTerminal(String state) {
    return state.equals("CANCELED") || state.equals("FINISHED") || state.equals("FAILED");
  }

  private Thread rssSampler(JvmProcess taskManager) {
    Thread t = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        peakRss.accumulateAndGet(taskManager.rssBytes(), Math::max);
        try {
          Thread.sleep(1000);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "rss-sampler");
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static long folderBytes(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
    }
  }
}
