package io.vigil.pipelines.cli;

import io.vigil.pipelines.demo.EmbeddedDemo;
import io.vigil.pipelines.demo.EmbeddedDemo.DemoSettings;
import io.vigil.pipelines.demo.SwapPlan;
import io.vigil.pipelines.job.StateBackend;
import io.vigil.pipelines.replay.EventTime;
import io.vigil.pipelines.replay.LabelDegradation;
import io.vigil.pipelines.replay.ReplaySettings;
import io.vigil.schemas.StateMigration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vigil demo}: everything on this machine, live. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {
        "The whole system on this machine, live.",
        "Start a single-node Kafka broker on 127.0.0.1, the synthetic event generator (with delayed labels",
        "and a share of bad records) -- or, with --csv FILE --model F ..., your own data and models -- and the",
        "scoring job on a local Flink MiniCluster with its web UI, and print a live status line. With --csv",
        "the CSV's feature columns must match the models' vigil.feature_names, and the demo stops when the",
        "CSV is sent. On stop it drains, then prints one line SUMMARY key=value ...",
        "(events, scored, dead_letters, keys, alerts, labels, labelled, events_per_s, p50_ms, p99_ms,",
        "swaps, swap_rejections, comparisons, quality_alerts, <model>.precision/recall/f1/roc_auc/pr_auc, ...);",
        "exit 0 when everything sent was accounted for. --swap-at 60s swaps the recurrent model for a re-trained",
        "one while it runs; --challenger FILE=CHAMPION adds a challenger; --degrade-at flips labels later on."})
final class DemoCommand implements Callable<Integer> {

  @Option(names = "--seconds", defaultValue = "0", description = "Stop after this many seconds (0 = until Ctrl-C).")
  int seconds;

  @Option(names = "--entities", defaultValue = "1000", description = "Number of entities (keys) (default: ${DEFAULT-VALUE}).")
  int entities;

  @Option(names = "--rate", defaultValue = "5000", description = "Events per second to produce; 0 = as fast as possible (default: ${DEFAULT-VALUE}).")
  double rate;

  @Option(names = "--bad-share", description = "Share of events replaced by bad records (default: 0.002; 0 with --csv).")
  Double badShare;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of the generator and of bad records; with --csv, of the never-labelled share (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--web-port", defaultValue = "8081", description = "Flink web UI port on 127.0.0.1; 0 = no web UI (default: ${DEFAULT-VALUE}).")
  int webPort;

  @Option(names = "--dashboard-port", defaultValue = "8090",
      description = "Port of the live dashboard on 127.0.0.1; 0 = no dashboard (default: ${DEFAULT-VALUE}).")
  int dashboardPort;

  @Option(names = "--prometheus-port", defaultValue = "0",
      description = "Port of Flink's Prometheus endpoint, e.g. 9249; it listens on every interface, so 0 = none (default: ${DEFAULT-VALUE}).")
  int prometheusPort;

  @Option(names = "--status-every-ms", defaultValue = "2000", description = "Status line interval (default: ${DEFAULT-VALUE}).")
  long statusEveryMs;

  @Option(names = "--out", paramLabel = "DIR",
      description = "Also write every output topic as JSON lines: scores.jsonl, labelled.jsonl, metrics.jsonl, "
          + "dead-letters.jsonl, alerts.jsonl, feedback-issues.jsonl, model-comparisons.jsonl (Avro's JSON encoding).")
  Path out;

  @Option(names = "--swap-at", converter = DurationConverter.class, paramLabel = "DURATION",
      description = "Swap the recurrent model this long after start (e.g. 60s), without a restart; see --swap-model.")
  Duration swapAt;

  @Option(names = "--swap-model", paramLabel = "FILE", defaultValue = SwapPlan.SHIPPED_RETRAINED,
      description = "The model --swap-at activates: a path or classpath:NAME; name and version from its metadata "
          + "(default: ${DEFAULT-VALUE}, a re-trained recurrent model).")
  String swapModel;

  @Option(names = "--swap-migration", defaultValue = "warm",
      description = "How each entity's recurrent state moves to the swapped-in version: warm, reset or keep (default: ${DEFAULT-VALUE}).")
  String swapMigration;

  @Option(names = "--degrade-at", converter = DurationConverter.class,
      description = "From this long after the first label (event time, e.g. 90s), flip a share of the generator's labels, "
          + "so the models' live quality falls and QUALITY alerts open (default: never).")
  Duration degradeAt;

  @Option(names = "--degrade-share", defaultValue = "0.3",
      description = "Share of labels flipped from --degrade-at on (default: ${DEFAULT-VALUE}).")
  double degradeShare;

  @Mixin
  ReplayOptions replay;

  @Mixin
  ScoringOptions scoring;

  @Mixin
  QualityOptions quality;

  @Mixin
  RuntimeOptions runtime;

  @Mixin
  DeliveryOptions delivery;

  @Override
  public Integer call() throws Exception {
    double bad = badShare != null ? badShare : replay.csv != null ? 0 : 0.002;
    if (seconds < 0 || entities < 1 || bad < 0 || bad > 1) {
      throw new IllegalArgumentException("--seconds >= 0, --entities >= 1 and 0 <= --bad-share <= 1 are required");
    }
    if (degradeAt != null && replay.csv != null) {
      throw new IllegalArgumentException("--degrade-at flips the generator's labels: it cannot be used with --csv");
    }
    DemoSettings settings = new DemoSettings(seconds, entities, rate, bad, seed, statusEveryMs, out, dashboardPort,
        degradeAt == null ? null : new LabelDegradation(degradeAt.toMillis(), degradeShare, seed));
    ReplaySettings csv = replay.csv == null ? null : replay.settings(rate, seed, EventTime.SEND);
    Path workDir = Files.createTempDirectory("vigil-demo-");
    // The demo's keys hold a few MB of state on one machine: on the heap it runs faster than RocksDB.
    SwapPlan swap = swapAt == null ? null
        : new SwapPlan(swapAt, swapModel, StateMigration.valueOf(swapMigration.toUpperCase(Locale.ROOT)));
    return new EmbeddedDemo(settings, scoring.settings(), quality.settings(),
        runtime.settings(workDir, webPort, prometheusPort, StateBackend.HASHMAP), workDir, csv, delivery.settings())
        .withSwap(swap)
        .run(System.out);
  }
}
