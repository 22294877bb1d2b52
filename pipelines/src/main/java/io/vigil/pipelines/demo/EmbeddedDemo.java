package io.vigil.pipelines.demo;

import io.vigil.dashboard.DashboardServer;
import io.vigil.operators.onnx.FeatureColumns;
import io.vigil.operators.onnx.ModelCatalog;
import io.vigil.operators.onnx.ModelSpec;
import io.vigil.pipelines.job.FlinkEnvironments;
import io.vigil.pipelines.job.KafkaScoringJob;
import io.vigil.pipelines.job.KafkaSettings;
import io.vigil.pipelines.job.ModelUpdates;
import io.vigil.pipelines.job.OutputDelivery;
import io.vigil.pipelines.job.QualitySettings;
import io.vigil.pipelines.job.RuntimeSettings;
import io.vigil.pipelines.job.ScoringSettings;
import io.vigil.pipelines.job.TopicNames;
import io.vigil.pipelines.kafka.EmbeddedKafka;
import io.vigil.pipelines.replay.EventFeed;
import io.vigil.pipelines.replay.EventProducer;
import io.vigil.pipelines.replay.EventTime;
import io.vigil.pipelines.replay.FaultInjector;
import io.vigil.pipelines.replay.LabelDegradation;
import io.vigil.pipelines.replay.Pacing;
import io.vigil.pipelines.replay.ReplayCsv;
import io.vigil.pipelines.replay.ReplaySettings;
import io.vigil.pipelines.replay.SyntheticFeed;
import io.vigil.pipelines.synthetic.SyntheticStream;
import io.vigil.schemas.MetricSnapshot;
import io.vigil.schemas.ModelRole;
import io.vigil.schemas.ModelUpdate;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.FileUtils;

/**
 * The whole system on one machine: an embedded KRaft broker, a producer (the synthetic generator
 * with its late labels, or the user's CSV with labels sent after a delay), the job on a local
 * MiniCluster and a monitor of its committed output. A CSV run stops once the file is sent. On
 * stop it drains: the producer stops, the job scores everything sent, then stops with a draining
 * savepoint (event time jumps to the end: pending joins expire, final metric snapshots are
 * emitted and committed), and the monitor reads every topic to its end.
 */
public final class EmbeddedDemo {

  /**
   * Demo knobs; {@code seconds = 0} runs until interrupted; {@code out} may be null; dashboard port 0 = none;
   * {@code degradation} flips a share of the generator's labels after a while (null = never).
   */
  public record DemoSettings(int seconds, int entities, double rate, double badShare, long seed, long statusEveryMs,
      Path out, int dashboardPort, LabelDegradation degradation) {

    public DemoSettings(int seconds, int entities, double rate, double badShare, long seed, long statusEveryMs,
        Path out, int dashboardPort) {
      this(seconds, entities, rate, badShare, seed, statusEveryMs, out, dashboardPort, null);
    }
  }

  private static final long DRAIN_TIMEOUT_MS = 60_000;

  private final DemoSettings demo;
  private final ScoringSettings scoring;
  private final QualitySettings quality;
  private final RuntimeSettings runtime;
  private final Path workDir;
  private final ReplaySettings csv;
  private final OutputDelivery delivery;
  private SwapPlan swap;
  private final CountDownLatch interrupted = new CountDownLatch(1);
  private final CountDownLatch finished = new CountDownLatch(1);

  public EmbeddedDemo(DemoSettings demo, ScoringSettings scoring, QualitySettings quality, RuntimeSettings runtime, Path workDir) {
    this(demo, scoring, quality, runtime, workDir, null, OutputDelivery.defaults());
  }

  /**
   * @param csv the user's data to stream instead of the generator's; null = the generator
   * @param delivery the guarantee of the alerts and scores outputs
   */
  public EmbeddedDemo(DemoSettings demo, ScoringSettings scoring, QualitySettings quality, RuntimeSettings runtime, Path workDir,
      ReplaySettings csv, OutputDelivery delivery) {
    this.csv = csv;
    this.delivery = delivery;
    this.demo = demo;
    this.scoring = scoring;
    this.quality = quality;
    this.runtime = runtime;
    this.workDir = workDir;
  }

  /** Also swaps a model while the demo runs; null: none. */
  public EmbeddedDemo withSwap(SwapPlan plan) {
    this.swap = plan;
    return this;
  }

  /** Runs the demo; returns the process exit code. */
  public int run(PrintStream out) throws Exception {
    // Local: the task managers run here, so the device can be checked before anything starts.
    List<ModelSpec> specs = ModelCatalog.check(scoring.models(), scoring.execution());
    // A CSV is read (and matched to the models' feature names) before anything starts, too.
    ReplayCsv.Data data = csv == null ? null : ReplayCsv.read(csv.csv(),
        FeatureColumns.select(specs, ReplayCsv.featureColumns(csv.csv()), csv.features(), csv.csv().toString()));
    // The swap's file is checked now: a file the job would reject stops the demo before it starts.
    ModelUpdate swapUpdate = swap == null ? null : ModelUpdates.describe(swap.model(), ModelRole.CHAMPION, null, swap.migration());
    Thread hook = new Thread(() -> {
      interrupted.countDown();
      awaitQuietly(finished, 3 * DRAIN_TIMEOUT_MS);
    });
    Runtime.getRuntime().addShutdownHook(hook);
    TopicNames names = TopicNames.defaults();
    DemoView view = new DemoView();
    try (EmbeddedKafka kafka = EmbeddedKafka.start(names.all(), runtime.parallelism());
        JsonLinesArchive archive = demo.out() == null ? null : new JsonLinesArchive(demo.out())) {
      StreamExecutionEnvironment env = FlinkEnvironments.local(runtime);
      KafkaScoringJob.attach(env, KafkaSettings.defaults(kafka.bootstrapServers()), scoring, quality, delivery);
      JobClient job = env.executeAsync("vigil-demo");
      out.printf("Kafka broker: %s   Flink job: %s%s%n", kafka.bootstrapServers(), job.getJobID(),
          runtime.webUiPort() > 0 ? "   Flink web UI: http://127.0.0.1:" + runtime.webUiPort() : "");

      EventProducer producer = data == null ? syntheticProducer(kafka.bootstrapServers(), names)
          : csvProducer(kafka.bootstrapServers(), names, data, out);
      OutputMonitor monitor = new OutputMonitor(kafka.bootstrapServers(), names, archive, view);
      DashboardServer dashboard = demo.dashboardPort() > 0
          ? DashboardServer.start(DashboardServer.DEFAULT_HOST, demo.dashboardPort(), new DashboardFeed(producer, monitor, view))
          : null;
      if (dashboard != null) {
        out.println("Dashboard: " + dashboard.url());
      }
      if (runtime.prometheusPort() > 0) {
        out.println("Prometheus metrics: http://127.0.0.1:" + runtime.prometheusPort() + "/metrics");
      }
      Thread producing = new Thread(producer, "demo-producer");
      Thread monitoring = new Thread(monitor, "demo-monitor");
      long start = System.nanoTime();
      producing.start();
      monitoring.start();

      StatusLine status = new StatusLine(out, producer, monitor, view, start);
      long end = demo.seconds() > 0 ? start + TimeUnit.SECONDS.toNanos(demo.seconds()) : Long.MAX_VALUE;
      while (System.nanoTime() < end && !producer.exhausted() && !interrupted.await(Math.min(demo.statusEveryMs(),
          Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime()))), TimeUnit.MILLISECONDS)) {
        if (swapUpdate != null && System.nanoTime() - start >= swap.at().toNanos()) {
          ModelUpdate now = ModelUpdate.newBuilder(swapUpdate).setRequestedAt(Instant.now()).build();
          ModelUpdates.publish(kafka.bootstrapServers(), Map.of(), names.modelUpdates(), now);
          out.printf("Swap: published %s version %s (%s) to %s%n", now.getModel(), now.getVersion(),
              now.getMigration().name().toLowerCase(Locale.ROOT), names.modelUpdates());
          swapUpdate = null;
        }
        status.print("");
      }

      producer.stop();
      producing.join();
      boolean drained = drain(producer, monitor, status);
      long elapsed = System.nanoTime() - start;
      job.stopWithSavepoint(true, workDir.resolve("final-savepoint").toUri().toString(), SavepointFormatType.CANONICAL)
          .get(DRAIN_TIMEOUT_MS, TimeUnit.MILLISECONDS);
      drained &= monitor.finish(Duration.ofMillis(DRAIN_TIMEOUT_MS));
      monitoring.join(10_000);
      status.print("stopped");
      if (dashboard != null) {
        dashboard.close();
      }

      boolean covered = metricsCoverLabelled(view.latest(), monitor.labelledPerModel(), out);
      long processed = monitor.scored.get() + monitor.dead.get();
      out.printf(Locale.ROOT, "SUMMARY events=%d scored=%d dead_letters=%d keys=%d alerts=%d labels=%d labelled=%d "
              + "feedback_issues=%d events_per_s=%.0f p50_ms=%.0f p99_ms=%.0f seconds=%.1f drained=%s metrics_cover_labelled=%s "
              + "swaps=%d swap_rejections=%d comparisons=%d quality_alerts=%d%s%n",
          producer.sent.get(), monitor.scored.get(), monitor.dead.get(), monitor.keys(), monitor.alertsOpened.get(),
          producer.labelsSent.get(), monitor.labelledScores.get(), monitor.feedbackIssues.get(),
          processed / (elapsed / 1e9), monitor.latency.percentile(0.5), monitor.latency.percentile(0.99), elapsed / 1e9,
          drained, covered, monitor.swaps(), monitor.swapRejections(), monitor.comparisonRecords.get(),
          monitor.qualityAlertsOpened.get(), view.qualityKeyValues());
      return drained && covered ? 0 : 1;
    } finally {
      finished.countDown();
      if (interrupted.getCount() > 0) {
        Runtime.getRuntime().removeShutdownHook(hook);
      }
      FileUtils.deleteDirectoryQuietly(workDir.toFile());
    }
  }

  /**
   * The generator's producer. Event time follows the wall clock at the target rate (every entity
   * steps once per entities/rate seconds), so label delays are real seconds and latency is measurable.
   */
  private EventProducer syntheticProducer(String bootstrap, TopicNames names) {
    // Event time follows the wall clock at the target rate (every entity steps once per
    // entities/rate seconds), so label delays are real seconds and latency is measurable.
    // As fast as possible, event time outruns the wall clock: it starts half the accepted
    // event age back, so hours pass before it leaves the accepted range (then: dead letters).
    long step = demo.rate() > 0 ? Math.max(1, Math.round(demo.entities() * 1000 / demo.rate())) : 1000;
    long clockStart = System.currentTimeMillis() - (demo.rate() > 0 ? 0 : scoring.ingest().maxEventAge().toMillis() / 2);
    SyntheticStream stream = new SyntheticStream(SyntheticStream.Settings.defaults()
        .withEntities(demo.entities()).withSeed(demo.seed()).withClock(clockStart, step));
    EventFeed feed = new SyntheticFeed(stream, demo.degradation());
    return new EventProducer(EventProducer.client(bootstrap), names.events(), names.feedback(), feed,
        new FaultInjector(demo.badShare(), demo.seed()), Pacing.rate(demo.rate()), EventTime.CSV, null);
  }

  /** The user's CSV: labels after the configured delay, paced and stamped as asked. */
  private EventProducer csvProducer(String bootstrap, TopicNames names, ReplayCsv.Data data, PrintStream out) {
    out.printf("Replaying %s: %d rows, %d entities, features %s, %s; paced %s%n", data.path(), data.rows().size(),
        data.entities(), data.featureNames(), data.labelled() ? "labels after " + csv.labels().delayMillis() + " ms of event time ("
            + Math.round(csv.labels().unlabelledShare() * 100) + " % never)" : "no labels", csv.pacing());
    return new EventProducer(EventProducer.client(bootstrap), names.events(), names.feedback(), data.feed(),
        new FaultInjector(demo.badShare(), demo.seed()), csv.pacing(), csv.eventTime(), csv.labels());
  }

  /** Waits until every event sent is scored or dead-lettered, and committed. */
  private boolean drain(EventProducer producer, OutputMonitor monitor, StatusLine status) throws InterruptedException {
    long deadline = System.currentTimeMillis() + DRAIN_TIMEOUT_MS;
    long lastPrint = 0;
    while (monitor.scored.get() + monitor.dead.get() < producer.sent.get()) {
      if (System.currentTimeMillis() > deadline) {
        status.print("drain timed out");
        return false;
      }
      if (System.currentTimeMillis() - lastPrint > demo.statusEveryMs()) {
        status.print("draining");
        lastPrint = System.currentTimeMillis();
      }
      Thread.sleep(100);
    }
    status.print("drained");
    return true;
  }

  /** The last cumulative snapshot of each model version counts exactly the labelled scores it was given. */
  private static boolean metricsCoverLabelled(Map<String, MetricSnapshot> latest, Map<String, Long> labelled, PrintStream out) {
    boolean ok = latest.keySet().equals(labelled.keySet());
    for (Map.Entry<String, Long> e : labelled.entrySet()) {
      MetricSnapshot s = latest.get(e.getKey());
      long counted = s == null ? 0 : s.getPositives() + s.getNegatives();
      if (counted != e.getValue()) {
        out.printf("metrics: %s's last cumulative snapshot counts %d labelled scores, the labelled topic has %d%n",
            e.getKey(), counted, e.getValue());
        ok = false;
      }
    }
    return ok;
  }

  private static void awaitQuietly(CountDownLatch latch, long millis) {
    try {
      latch.await(millis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
