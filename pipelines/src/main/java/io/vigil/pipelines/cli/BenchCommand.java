package io.vigil.pipelines.cli;

import io.vigil.pipelines.bench.Benchmark;
import io.vigil.pipelines.bench.KeyScaleBench;
import io.vigil.pipelines.bench.KeyScaleResult;
import io.vigil.pipelines.bench.SoakBench;
import io.vigil.pipelines.bench.SoakResult;
import io.vigil.pipelines.cluster.ClusterJars;
import io.vigil.pipelines.job.QualitySettings;
import io.vigil.pipelines.job.StateBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vigil bench}: throughput and latency of the real pipeline against its baselines, in one run. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = {
        "Throughput and latency against the compute, I/O and naive baselines.",
        "Measure, in one process on the same models, data, broker and cores:",
        " (a)  ONNX Runtime alone on pre-built batches (the compute ceiling), and (a1) the same at batch 1",
        " (a') the Kafka -> Flink -> Kafka job with a pass-through scorer keeping the same state, stand-in scores instead of model calls (the I/O ceiling)",
        " (b)  the job scoring each event alone, one ONNX call per event per model (the naive baseline)",
        " (c)  the Vigil job micro-batching across keys: events/s, and p50/p99 event-to-score latency",
        "      with events fed live at (c)'s full rate and at half of it;",
        "      at half load, per delivery mode (alerts at-least-once / exactly-once), event -> alert and score",
        "      written and readable (p50/p99/p99.9) by a reader with the isolation each output requires.",
        "Prints a table; --json FILE also writes the numbers as JSON."})
final class BenchCommand implements Callable<Integer> {

  static final String LARGE_MODELS_DIR = "models/bench";
  static final List<String> LARGE_MODELS = List.of("lstm256.onnx", "gru256.onnx", "tcn256.onnx");

  @Option(names = "--events", defaultValue = "300000", description = "Backlog size for (a') and (c) (default: ${DEFAULT-VALUE}).")
  int events;

  @Option(names = "--naive-events", defaultValue = "60000", description = "Backlog size for (b) (default: ${DEFAULT-VALUE}).")
  int naiveEvents;

  @Option(names = "--entities", defaultValue = "1000", description = "Number of keys (default: ${DEFAULT-VALUE}).")
  int entities;

  @Option(names = "--parallelism", defaultValue = "2", description = "Flink parallelism and ceiling threads (default: ${DEFAULT-VALUE}).")
  int parallelism;

  @Option(names = "--latency-seconds", defaultValue = "15", description = "Measured seconds per latency run, after 5 s warm-up (default: ${DEFAULT-VALUE}).")
  int latencySeconds;

  @Option(names = "--repeats", defaultValue = "3",
      description = "(b), (a') and (c) run in this many turns, in that order; the report gives the medians and "
          + "the medians of the turns' (c) / (a') and (c) / (b) (default: ${DEFAULT-VALUE}).")
  int repeats;

  @Option(names = "--ceiling-seconds", defaultValue = "5", description = "Measured seconds of the ONNX-only run (default: ${DEFAULT-VALUE}).")
  double ceilingSeconds;

  @Option(names = "--seed", defaultValue = "7", description = "Generator seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--checkpoint-interval-ms", defaultValue = "2000",
      description = "Checkpoint interval of the measured jobs; the demo's default, so latencies include its pauses (default: ${DEFAULT-VALUE}).")
  long checkpointIntervalMs;

  @Option(names = "--delivery-checkpoint-intervals-ms", split = ",", paramLabel = "MS[,MS...]",
      description = "Checkpoint intervals of the delivery-latency runs (alerts at-least-once vs exactly-once at half load), "
          + "e.g. 500,2000,10000 (default: --checkpoint-interval-ms).")
  List<Long> deliveryIntervalsMs;

  @Option(names = "--delivery-changelog",
      description = "Run each delivery-latency case twice: as configured, then with Flink's state changelog on (see run --changelog).")
  boolean deliveryChangelog;

  @Option(names = "--label-join", defaultValue = "entity", paramLabel = "entity|event",
      description = "Key of the measured jobs' label join, as run --label-join (default: ${DEFAULT-VALUE}).")
  String labelJoin;

  @Option(names = "--compare-label-join",
      description = "Also run (a') and (c) with the label join keyed the other way, each right after the configured one.")
  boolean compareLabelJoin;

  @Option(names = "--large-models",
      description = "Score with the benchmark-only models of real size (random weights, ~200-400 k parameters each: LSTM and "
          + "GRU hidden 256, and a causal dilated CNN (TCN) of 256 channels over the window evaluated as a step model, one "
          + "new column per layer per event) made by /usr/bin/python3 models/bench_models.py into " + LARGE_MODELS_DIR
          + "; replaces --model. The window models there (ae1024, cnn256, tcn256-window) show where batching cannot win.")
  boolean largeModels;

  @Option(names = "--json", paramLabel = "FILE", description = "Also write the results as JSON.")
  Path json;

  @Option(names = "--keys", defaultValue = "0",
      description = "Key-scale mode: the job over this many distinct keys on the multi-process local cluster, against "
          + "the same job over 1000 keys (--events of them); reports events/s, state bytes per key, checkpoint sizes and "
          + "durations, a full savepoint, restore time and the TaskManager's RSS. Needs the built job jar.")
  int keys;

  @Option(names = "--events-per-key", defaultValue = "2", description = "Key-scale mode: events per key (default: ${DEFAULT-VALUE}).")
  int eventsPerKey;

  @Option(names = "--soak-minutes", defaultValue = "0",
      description = "Soak mode: the job on the multi-process local cluster fed live for this many minutes; samples every "
          + "process's RSS, the TaskManagers' heap after GC and memory outside the JVM's accounting (ONNX Runtime's); "
          + "reports the RSS slope. Needs the built job jar.")
  double soakMinutes;

  @Option(names = "--soak-rate", defaultValue = "5000", description = "Soak mode: events/s, the demo's rate (default: ${DEFAULT-VALUE}).")
  double soakRate;

  @Option(names = "--soak-warmup", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Soak mode: fed but not judged at first, while caches and arenas fill (e.g. 2min; default: a quarter "
          + "of the run).")
  java.time.Duration soakWarmup;

  @Option(names = "--state-backend", defaultValue = "rocksdb", paramLabel = "hashmap|rocksdb",
      description = "Key-scale mode: the state backend (default: ${DEFAULT-VALUE}, with incremental checkpoints).")
  String stateBackend;

  @Mixin
  ScoringOptions scoring;

  @Override
  public Integer call() throws Exception {
    if (keys > 0) {
      return keyScale();
    }
    if (soakMinutes > 0) {
      return soak();
    }
    if (largeModels) {
      scoring.models = largeModels();
    }
    List<Long> intervals = deliveryIntervalsMs == null ? List.of(checkpointIntervalMs) : deliveryIntervalsMs;
    var result = new Benchmark(new Benchmark.Settings(events, naiveEvents, entities, parallelism, latencySeconds,
        ceilingSeconds, seed, java.time.Duration.ofMillis(checkpointIntervalMs), repeats), scoring.settings(), System.err)
        .withDeliveryIntervals(intervals.stream().map(java.time.Duration::ofMillis).toList())
        .withDeliveryChangelog(deliveryChangelog)
        .withQuality(QualitySettings.defaults().withLabelJoin(QualitySettings.LabelJoin.parse(labelJoin, "--label-join")))
        .withLabelJoinComparison(compareLabelJoin)
        .run();
    report(result.table(), result.json());
    return 0;
  }

  private static List<String> largeModels() {
    List<String> files = LARGE_MODELS.stream().map(m -> Path.of(LARGE_MODELS_DIR, m)).map(Path::toString).toList();
    if (!files.stream().allMatch(f -> Files.isRegularFile(Path.of(f)))) {
      throw new IllegalArgumentException("--large-models: " + files + " not all found (from " + Path.of("").toAbsolutePath()
          + "). Fix: run /usr/bin/python3 models/bench_models.py in the repository root, and bench from there.");
    }
    return files;
  }

  private int keyScale() throws Exception {
    var settings = new KeyScaleBench.Settings(keys, Math.multiplyExact(keys, eventsPerKey), events,
        StateBackend.valueOf(stateBackend.toUpperCase(java.util.Locale.ROOT)), parallelism, seed,
        java.time.Duration.ofMillis(checkpointIntervalMs), Files.createTempDirectory("vigil-keys-bench-"),
        ClusterJars.fromBuild(buildDir()));
    KeyScaleResult result = new KeyScaleBench(settings, System.err).run();
    report(result.table(), result.json());
    return 0;
  }

  private int soak() throws Exception {
    var warmup = soakWarmup != null ? soakWarmup : java.time.Duration.ofMillis(Math.round(soakMinutes * 15_000));
    var settings = new SoakBench.Settings(soakMinutes, soakRate, entities, parallelism, seed, java.time.Duration.ofSeconds(5),
        warmup, Files.createTempDirectory("vigil-soak-"), ClusterJars.fromBuild(buildDir()));
    SoakResult result = new SoakBench(settings, System.err).run();
    report(result.table(), result.json());
    return result.clearUpwardTrend() ? 1 : 0;
  }

  /** pipelines/target of the checkout bin/vigil runs from. */
  private static Path buildDir() {
    return Path.of(System.getProperty("vigil.home", ".")).resolve("pipelines").resolve("target");
  }

  /** Every mode prints its table and, with --json, writes its JSON. */
  private void report(String table, String jsonText) throws java.io.IOException {
    System.out.print(table);
    if (json != null) {
      Files.writeString(json, jsonText);
    }
  }
}
