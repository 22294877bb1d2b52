package io.vigil.pipelines.bench;

import io.vigil.operators.scoring.BatchingOptions;
import io.vigil.pipelines.job.KafkaScoringJob;
import io.vigil.pipelines.job.KafkaSettings;
import io.vigil.pipelines.job.OutputDelivery;
import io.vigil.pipelines.job.QualitySettings;
import io.vigil.pipelines.job.RuntimeSettings;
import io.vigil.pipelines.job.ScoringSettings;
import io.vigil.pipelines.kafka.EmbeddedKafka;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.FileUtils;

/**
 * Runs (a), (a'), (b) and (c) in one process, on the same models, data, broker and cores, so
 * their ratios are comparable. Every job run reads a backlog or a paced feed from the embedded
 * broker and is measured on its committed output.
 */
public final class Benchmark {

  /** Benchmark knobs. */
  public record Settings(int events, int naiveEvents, int entities, int parallelism, int latencySeconds,
      double ceilingSeconds, long seed, Duration checkpointInterval, int repeats) {

    public Settings {
      if (repeats < 1) {
        throw new IllegalArgumentException("--repeats must be >= 1, is " + repeats);
      }
    }
  }

  private static final Duration RUN_TIMEOUT = Duration.ofMinutes(5);
  private static final int WARMUP_SECONDS = 5;

  private final Settings settings;
  private final ScoringSettings scoring;
  private final PrintStream log;
  private EmbeddedKafka kafka;
  private BenchCluster cluster;
  private Path work;
  private List<Duration> deliveryIntervals;
  private List<Boolean> deliveryChangelog = List.of(false);
  private QualitySettings quality = QualitySettings.defaults();
  private boolean compareLabelJoin;

  public Benchmark(Settings settings, ScoringSettings scoring, PrintStream log) {
    this.settings = settings;
    this.scoring = scoring;
    this.log = log;
    this.deliveryIntervals = List.of(settings.checkpointInterval());
  }

  /** Checkpoint intervals of the delivery-latency runs (default: the measured jobs' interval). */
  public Benchmark withDeliveryIntervals(List<Duration> intervals) {
    this.deliveryIntervals = List.copyOf(intervals);
    return this;
  }

  /** Delivery-latency runs also with the state changelog on, each right after the same run without it. */
  public Benchmark withDeliveryChangelog(boolean alsoWithChangelog) {
    this.deliveryChangelog = alsoWithChangelog ? List.of(false, true) : List.of(false);
    return this;
  }

  /** The quality path's settings (the label join's key among them) of every measured job. */
  public Benchmark withQuality(QualitySettings q) {
    this.quality = q;
    return this;
  }

  /** (a') and (c) also with the label join keyed the other way, each right after its configured run. */
  public Benchmark withLabelJoinComparison(boolean on) {
    this.compareLabelJoin = on;
    return this;
  }

  public BenchResult run() throws Exception {
    work = Files.createTempDirectory("vigil-bench-");
    try (EmbeddedKafka broker = EmbeddedKafka.start(List.of("bench-backlog", "bench-naive"), settings.parallelism());
        BenchEvents events = new BenchEvents(broker.bootstrapServers(), settings.entities(), settings.seed());
        BenchCluster flink = BenchCluster.start(settings.parallelism(), work)) {
      kafka = broker;
      cluster = flink;
      log.println("bench: loading backlogs...");
      events.backlog("bench-backlog", settings.events());
      // The naive backlog is shorter: over as many keys, each key would see fewer events than in
      // (c)'s, and the window models score only from a key's T-th event, so (b) would make fewer
      // ONNX calls per event than (c). Fewer keys give each key (c)'s history length instead.
      int naiveEntities = Math.max(1, (int) Math.round((double) settings.naiveEvents() * settings.entities() / settings.events()));
      try (BenchEvents naive = new BenchEvents(broker.bootstrapServers(), naiveEntities, settings.seed())) {
        naive.backlog("bench-naive", settings.naiveEvents());
      }
      log.printf("bench: naive backlog %d events over %d keys, as many events per key as the %d over %d of (a') and (c)%n",
          settings.naiveEvents(), naiveEntities, settings.events(), settings.entities());

      // The first job in a JVM runs at about half speed (JIT, broker, page cache): measured, it
      // would make whichever variant runs first look slow. So one full unmeasured pass comes first.
      log.println("bench: warm-up job (not measured)...");
      backlog("warmup", scoring, quality, "bench-backlog", settings.events());
      log.println("bench: (a) ONNX Runtime ceiling...");
      double ceiling = OnnxCeiling.eventsPerSecond(scoring.models(), scoring.execution(), events.features(4096),
          scoring.batching().maxBatch(), settings.parallelism(), settings.ceilingSeconds());
      // The same at batch 1: what the naive job's ONNX calls alone allow, so (a) / (a1) is the
      // batching win with no Kafka or Flink in it.
      double unbatchedCeiling = OnnxCeiling.eventsPerSecond(scoring.models(), scoring.execution(), events.features(4096),
          1, settings.parallelism(), settings.ceilingSeconds());
      QualitySettings other = quality.withLabelJoin(otherJoin());
      List<Double> naiveRuns = new ArrayList<>();
      List<Double> passRuns = new ArrayList<>();
      List<Double> pipeRuns = new ArrayList<>();
      List<Double> otherPassRuns = new ArrayList<>();
      List<Double> otherPipeRuns = new ArrayList<>();
      for (int turn = 1; turn <= settings.repeats(); turn++) {
        String suffix = turn == 1 ? "" : "-" + turn;
        // The naive job in every turn too: measured once, early, it was the run most exposed to
        // the first-runs drift, and its ratio to (c) the least comparable.
        log.printf("bench: (b) naive job, (a') pass-through job, then (c) Vigil job (turn %d of %d)...%n", turn,
            settings.repeats());
        naiveRuns.add(backlog("naive" + suffix, scoring.withBatching(BatchingOptions.unbatched()), quality, "bench-naive",
            settings.naiveEvents()));
        turn(suffix, scoring.asPassThrough(), "passthrough", passRuns, otherPassRuns, other);
        turn(suffix, scoring, "pipeline", pipeRuns, otherPipeRuns, other);
      }
      PairedRuns runs = new PairedRuns(passRuns, pipeRuns);
      PairedRuns naiveTurns = new PairedRuns(naiveRuns, pipeRuns);
      double naive = naiveTurns.baselineMedian();
      double passthrough = runs.baselineMedian();
      double pipeline = runs.pipelineMedian();
      log.printf("bench: (c) latency at full load (%.0f events/s)...%n", pipeline);
      double[] full = latency("full", events, pipeline);
      log.printf("bench: (c) latency at half load (%.0f events/s)...%n", pipeline / 2);
      double[] half = latency("half", events, pipeline / 2);
      List<DeliveryLatency> delivery = new ArrayList<>();
      if (!deliveryIntervals.isEmpty()) {
        // The first delivery job in this JVM ran a 2-4x longer tail than the same job right after
        // it (cause not isolated; the throughput jobs show the same first-run effect): one
        // unmeasured run first, as for them.
        log.printf("bench: (c) visible latency warm-up (not measured), checkpoints every %d ms...%n",
            deliveryIntervals.get(0).toMillis());
        visibleLatency("delivery-warmup", events, pipeline / 2, deliveryIntervals.get(0), false, OutputDelivery.defaults());
      }
      for (Duration interval : deliveryIntervals) {
        for (OutputDelivery mode : List.of(OutputDelivery.defaults(), OutputDelivery.exactlyOnce())) {
          for (boolean changelog : deliveryChangelog) {
            log.printf("bench: (c) visible latency at half load, %s, checkpoints every %d ms%s...%n", modeName(mode),
                interval.toMillis(), changelog ? ", state changelog" : "");
            delivery.addAll(visibleLatency("delivery", events, pipeline / 2, interval, changelog, mode));
          }
        }
      }
      return new BenchResult(ceiling, passthrough, naive, pipeline, full[0], full[1], pipeline, half[0], half[1],
          pipeline / 2, scoring.batching().maxBatch(), scoring.batching().maxDelayMillis(), settings.parallelism(),
          String.join(",", scoring.models().stream().map(Object::toString).toList()), delivery,
          scoring.execution().intraOpThreads(), joinName(quality),
          compareLabelJoin ? otherLabelJoin(joinName(other), new PairedRuns(otherPassRuns, otherPipeRuns)) : null,
          unbatchedCeiling, runs, naiveTurns);
    } finally {
      FileUtils.deleteDirectoryQuietly(work.toFile());
    }
  }

  /** One backlog run of {@code variant} with the configured label join, then, when comparing, with the other one. */
  private void turn(String suffix, ScoringSettings variant, String name, List<Double> runs, List<Double> otherRuns,
      QualitySettings other) throws Exception {
    runs.add(backlog(name + suffix, variant, quality, "bench-backlog", settings.events()));
    if (compareLabelJoin) {
      otherRuns.add(backlog(name + "-" + joinName(other) + suffix, variant, other, "bench-backlog", settings.events()));
    }
  }

  private static BenchResult.OtherLabelJoin otherLabelJoin(String name, PairedRuns runs) {
    return new BenchResult.OtherLabelJoin(name, runs.baselineMedian(), runs.pipelineMedian());
  }

  private QualitySettings.LabelJoin otherJoin() {
    return quality.labelJoin() == QualitySettings.LabelJoin.ENTITY ? QualitySettings.LabelJoin.EVENT
        : QualitySettings.LabelJoin.ENTITY;
  }

  private static String joinName(QualitySettings q) {
    return q.labelJoin().name().toLowerCase(Locale.ROOT);
  }

  /** Events/s of one job variant over a pre-loaded backlog. */
  private double backlog(String name, ScoringSettings variant, QualitySettings q, String input, int count) throws Exception {
    KafkaSettings k = topics(name, input);
    JobClient job = start(name, k, variant, q, settings.checkpointInterval(), false, OutputDelivery.defaults());
    try (OutputWatch watch = new OutputWatch(kafka.bootstrapServers(), k.topics().scores())) {
      long seen = watch.await(count, RUN_TIMEOUT, false);
      if (seen < count) {
        throw new IllegalStateException(name + ": only " + seen + " of " + count + " scores within " + RUN_TIMEOUT);
      }
      return watch.ratePerSecond(seen);
    } finally {
      stop(job);
    }
  }

  /** {p50, p99} event-to-score latency in ms with events fed live at {@code rate}, after a warm-up. */
  private double[] latency(String name, BenchEvents events, double rate) throws Exception {
    String input = "bench-live-" + name;
    KafkaSettings k = topics("live-" + name, input);
    JobClient job = start("live-" + name, k, scoring);
    try (OutputWatch watch = new OutputWatch(kafka.bootstrapServers(), k.topics().scores())) {
      long measureFrom = System.currentTimeMillis() + WARMUP_SECONDS * 1000L;
      long sent = events.paced(input, rate, WARMUP_SECONDS + settings.latencySeconds());
      watch.await(sent, RUN_TIMEOUT, true);
      long[] measured = watch.latencies.stream().filter(l -> l[0] >= measureFrom).mapToLong(l -> l[1]).sorted().toArray();
      return new double[] {percentile(measured, 0.50), percentile(measured, 0.99)};
    } finally {
      stop(job);
    }
  }

  /**
   * Event → written and event → readable for alerts (OPEN records, against their opening event)
   * and scores, each read as its guarantee requires, while events are fed live at {@code rate}.
   */
  private List<DeliveryLatency> visibleLatency(String run, BenchEvents events, double rate, Duration interval,
      boolean changelog, OutputDelivery mode) throws Exception {
    String name = run + "-" + modeName(mode) + "-" + interval.toMillis() + (changelog ? "-changelog" : "");
    String input = "bench-live-" + name;
    KafkaSettings k = topics(name, input);
    JobClient job = start(name, k, scoring, quality, interval, changelog, mode);
    String alertIsolation = OutputDelivery.readerIsolation(mode.alerts());
    String scoreIsolation = OutputDelivery.readerIsolation(mode.scores());
    AlertTimes alertTimes = new AlertTimes();
    ScoreTimes scoreTimes = new ScoreTimes();
    try (VisibleWatch alerts = new VisibleWatch(kafka.bootstrapServers(), k.topics().alerts(), alertIsolation,
            alertTimes::openingEventTimeMillis);
        VisibleWatch scores = new VisibleWatch(kafka.bootstrapServers(), k.topics().scores(), scoreIsolation,
            scoreTimes::eventTimeMillis);
        GcPauses gc = new GcPauses()) {
      long measureFrom = System.currentTimeMillis() + WARMUP_SECONDS * 1000L;
      long sent = events.paced(input, rate, WARMUP_SECONDS + settings.latencySeconds());
      long deadline = System.nanoTime() + RUN_TIMEOUT.toNanos();
      while (scores.records() < sent && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      Thread.sleep(interval.toMillis() + 500); // the alerts of the last events: at most one checkpoint behind their scores
      long[] pauses = gc.since(measureFrom);
      return List.of(
          DeliveryLatency.of(modeName(mode), "alerts", name(mode.alerts()), alertIsolation, interval.toMillis(), changelog,
              rate, measured(alerts.stop(), measureFrom), pauses),
          DeliveryLatency.of(modeName(mode), "scores", name(mode.scores()), scoreIsolation, interval.toMillis(), changelog,
              rate, measured(scores.stop(), measureFrom), pauses));
    } finally {
      stop(job);
    }
  }

  private static List<VisibleWatch.Sample> measured(List<VisibleWatch.Sample> samples, long from) {
    return samples.stream().filter(s -> s.eventTime() >= from).toList();
  }

  private static String modeName(OutputDelivery mode) {
    return "alerts-" + name(mode.alerts());
  }

  private static String name(DeliveryGuarantee g) {
    return g.toString().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private KafkaSettings topics(String name, String input) throws Exception {
    KafkaSettings k = KafkaSettings.prefixed(kafka.bootstrapServers(), input, "bench-feedback", "bench-" + name);
    kafka.createTopics(k.topics().all(), settings.parallelism());
    return k;
  }

  private JobClient start(String name, KafkaSettings k, ScoringSettings variant) throws Exception {
    return start(name, k, variant, quality, settings.checkpointInterval(), false, OutputDelivery.defaults());
  }

  private JobClient start(String name, KafkaSettings k, ScoringSettings variant, QualitySettings q, Duration interval,
      boolean changelog, OutputDelivery delivery) throws Exception {
    RuntimeSettings runtime = new RuntimeSettings(settings.parallelism(), interval, work.resolve(name).toUri().toString(),
        null, 0, 0).withChangelog(changelog);
    StreamExecutionEnvironment env = cluster.environment(runtime);
    KafkaScoringJob.attach(env, k, variant, q, delivery);
    return env.executeAsync("bench-" + name);
  }

  /** Cancels the job and waits until it has ended, so its slots are free for the next one. */
  private static void stop(JobClient job) throws Exception {
    job.cancel().get(30, TimeUnit.SECONDS);
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!job.getJobStatus().get(30, TimeUnit.SECONDS).isGloballyTerminalState()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("job " + job.getJobID() + " did not end within 30 s of its cancellation");
      }
      Thread.sleep(50);
    }
  }

  static double percentile(long[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    return sorted[(int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  }
}
