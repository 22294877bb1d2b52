package io.vigil.pipelines.cli;

import io.vigil.pipelines.demo.EmbeddedDemo;
import io.vigil.pipelines.demo.EmbeddedDemo.DemoSettings;
import io.vigil.pipelines.job.StateBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vigil demo}: everything on this machine, live. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {
        "The whole system on this machine, live.",
        "Start a single-node Kafka broker on 127.0.0.1, the synthetic event generator (with delayed labels",
        "and a share of bad records) and the scoring job on a local Flink MiniCluster with its web UI,",
        "and print a live status line. On stop it drains, then prints one line SUMMARY key=value ...",
        "(events, scored, dead_letters, keys, alerts, labels, labelled, events_per_s, p50_ms, p99_ms,",
        "<model>.precision/recall/f1/roc_auc/pr_auc, ...); exit 0 when everything sent was accounted for."})
final class DemoCommand implements Callable<Integer> {

  @Option(names = "--seconds", defaultValue = "0", description = "Stop after this many seconds (0 = until Ctrl-C).")
  int seconds;

  @Option(names = "--entities", defaultValue = "1000", description = "Number of entities (keys) (default: ${DEFAULT-VALUE}).")
  int entities;

  @Option(names = "--rate", defaultValue = "5000", description = "Events per second to produce; 0 = as fast as possible (default: ${DEFAULT-VALUE}).")
  double rate;

  @Option(names = "--bad-share", defaultValue = "0.002", description = "Share of events replaced by bad records (default: ${DEFAULT-VALUE}).")
  double badShare;

  @Option(names = "--seed", defaultValue = "42", description = "Generator seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--web-port", defaultValue = "8081", description = "Flink web UI port on 127.0.0.1; 0 = no web UI (default: ${DEFAULT-VALUE}).")
  int webPort;

  @Option(names = "--dashboard-port", defaultValue = "8090",
      description = "Port of the live dashboard on 127.0.0.1; 0 = no dashboard (default: ${DEFAULT-VALUE}).")
  int dashboardPort;

  @Option(names = "--prometheus-port", defaultValue = "9249",
      description = "Port of Flink's Prometheus endpoint; 0 = none (default: ${DEFAULT-VALUE}).")
  int prometheusPort;

  @Option(names = "--status-every-ms", defaultValue = "2000", description = "Status line interval (default: ${DEFAULT-VALUE}).")
  long statusEveryMs;

  @Option(names = "--out", paramLabel = "DIR",
      description = "Also write every output topic as JSON lines: scores.jsonl, labelled.jsonl, metrics.jsonl, "
          + "dead-letters.jsonl, alerts.jsonl, feedback-issues.jsonl (Avro's JSON encoding).")
  Path out;

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
    if (seconds < 0 || entities < 1 || badShare < 0 || badShare > 1) {
      throw new IllegalArgumentException("--seconds >= 0, --entities >= 1 and 0 <= --bad-share <= 1 are required");
    }
    DemoSettings settings = new DemoSettings(seconds, entities, rate, badShare, seed, statusEveryMs, out, dashboardPort);
    Path workDir = Files.createTempDirectory("vigil-demo-");
    // The demo's keys hold a few MB of state on one machine: on the heap it runs faster than RocksDB.
    return new EmbeddedDemo(settings, scoring.settings(), quality.settings(), runtime.settings(workDir, webPort, prometheusPort, StateBackend.HASHMAP), workDir,
        delivery.settings()).run(System.out);
  }
}
