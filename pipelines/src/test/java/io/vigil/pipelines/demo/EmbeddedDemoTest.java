package io.vigil.pipelines.demo;

import io.vigil.operators.onnx.ExecutionOptions;
import io.vigil.operators.scoring.BatchingOptions;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.operators.onnx.ModelRef;
import io.vigil.pipelines.job.QualitySettings;
import io.vigil.pipelines.job.RuntimeSettings;
import io.vigil.pipelines.job.ScoringSettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import io.vigil.schemas.StateMigration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo end to end, as a user runs it: while it runs, Flink's Prometheus endpoint serves the
 * throughput and quality metrics and the dashboard's charts fill up in headless Chromium (the
 * screenshot is kept as a build artifact); after it drains, the JSON-lines output is complete and
 * each model's last cumulative snapshot counts exactly the labelled records written.
 */
class EmbeddedDemoTest {

  /** The version in the metadata of models/recurrent-retrained.onnx. */
  static final String RETRAINED_VERSION = "1.0.0+e69c26f7";
  static final Path SCREENSHOT = Path.of("target/demo-dashboard.png").toAbsolutePath();

  @TempDir
  Path work;

  @Test
  void demoServesMetricsAndDashboardAndItsOutputIsConsistent() throws Exception {
    int dashboardPort = freePort();
    int prometheusPort = freePort();
    Path out = work.resolve("out");
    EmbeddedDemo.DemoSettings demo = new EmbeddedDemo.DemoSettings(50, 300, 2000, 0.01, 3, 5000, out, dashboardPort);
    ScoringSettings scoring = new ScoringSettings(
        List.of(ModelRef.of("classpath:models/recurrent.onnx")), io.vigil.operators.onnx.ExecutionOptions.cpu(),
        new io.vigil.operators.scoring.BatchingOptions(64, 5), Duration.ofSeconds(2));
    QualitySettings quality = new QualitySettings(Duration.ofSeconds(60), Duration.ofSeconds(20), Duration.ofSeconds(2),
        Duration.ofSeconds(5));
    RuntimeSettings runtime = new RuntimeSettings(2, Duration.ofSeconds(2), work.resolve("chk").toUri().toString(), null,
        0, prometheusPort);
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> {
      try {
        return new EmbeddedDemo(demo, scoring, quality, runtime, work.resolve("demo"))
            .withSwap(new SwapPlan(Duration.ofSeconds(20), SwapPlan.SHIPPED_RETRAINED, StateMigration.WARM))
            .run(new PrintStream(console, true, StandardCharsets.UTF_8));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });

    String metrics = awaitPrometheus(prometheusPort, List.of("eventsScored", "model_scope_f1", "model_scope_roc_auc",
        "reason_deadLetters", "openAlerts"), Duration.ofSeconds(45));
    assertThat(metrics).contains("model=\"recurrent\"");
    Process browser = new ProcessBuilder("node", "test/screenshot.mjs", "http://127.0.0.1:" + dashboardPort + "/",
        SCREENSHOT.toString(), "40")
        .directory(Path.of("../dashboard/web").toFile()).redirectErrorStream(true).start();
    String browserLog = new String(browser.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(browser.waitFor(90, TimeUnit.SECONDS)).isTrue();
    assertThat(browser.exitValue()).as("every dashboard chart drew data:\n" + browserLog).isZero();
    assertThat(Files.size(SCREENSHOT)).isGreaterThan(20_000);

    int exit = run.get(4, TimeUnit.MINUTES);
    String printed = console.toString(StandardCharsets.UTF_8);
    assertThat(exit).as(printed).isZero();
    String summary = printed.lines().filter(l -> l.startsWith("SUMMARY ")).findFirst().orElseThrow();
    Map<String, String> kv = new HashMap<>();
    for (String pair : summary.substring("SUMMARY ".length()).split(" ")) {
      kv.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
    }
    assertThat(Long.parseLong(kv.get("scored")) + Long.parseLong(kv.get("dead_letters"))).isEqualTo(Long.parseLong(kv.get("events")));
    assertThat(kv).containsKeys("alerts", "events_per_s", "recurrent.f1", "recurrent.roc_auc", "recurrent.pr_auc");
    assertThat(kv).containsEntry("swaps", "1").containsEntry("swap_rejections", "0");
    assertThat(printed).contains("Swap: published recurrent version " + RETRAINED_VERSION + " (warm)");
    assertThat(Files.readAllLines(out.resolve("model-events.jsonl"))).as("one activation per scorer subtask").hasSize(2)
        .allSatisfy(l -> assertThat(l).contains("ACTIVATED").contains(RETRAINED_VERSION));

    assertThat(lines(out.resolve("scores.jsonl"))).isEqualTo(Long.parseLong(kv.get("scored")));
    assertThat(lines(out.resolve("dead-letters.jsonl"))).isEqualTo(Long.parseLong(kv.get("dead_letters")));
    assertThat(out.resolve("alerts.jsonl")).exists();
    assertLastCumulativeSnapshotCoversLabelled(out);
  }

  /**
   * Independent of the demo's own check: re-read both files. Each version of the swapped model has
   * its own metrics, counting exactly its own labelled scores.
   */
  private static void assertLastCumulativeSnapshotCoversLabelled(Path out) throws IOException {
    ObjectMapper json = new ObjectMapper();
    Map<String, Long> labelled = new HashMap<>();
    try (Stream<String> l = Files.lines(out.resolve("labelled.jsonl"))) {
      for (String line : (Iterable<String>) l::iterator) {
        for (JsonNode s : json.readTree(line).get("scores")) {
          if (s.get("model").asText().equals("recurrent") && !s.get("score").isNull()) {
            labelled.merge(s.get("version").asText(), 1L, Long::sum);
          }
        }
      }
    }
    Map<String, JsonNode> last = new HashMap<>();
    try (Stream<String> l = Files.lines(out.resolve("metrics.jsonl"))) {
      for (String line : (Iterable<String>) l::iterator) {
        JsonNode m = json.readTree(line);
        if (m.get("model").asText().equals("recurrent") && m.get("scope").asText().equals("CUMULATIVE")) {
          last.put(m.get("version").asText(), m);
        }
      }
    }
    assertThat(labelled).as("both versions were judged").containsKey(RETRAINED_VERSION).hasSize(2);
    assertThat(last.keySet()).isEqualTo(labelled.keySet());
    labelled.forEach((version, count) -> assertThat(last.get(version).get("positives").asLong()
        + last.get(version).get("negatives").asLong()).as(version).isEqualTo(count));
  }

  private static String awaitPrometheus(int port, List<String> names, Duration timeout) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + timeout.toNanos();
    String body = "";
    while (System.nanoTime() < deadline) {
      try {
        body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
            HttpResponse.BodyHandlers.ofString()).body();
        String current = body;
        if (names.stream().allMatch(n -> current.contains("_" + n + "{"))) {
          return body;
        }
      } catch (IOException e) {
        // not up yet
      }
      Thread.sleep(1000);
    }
    throw new AssertionError("Prometheus endpoint lacks some of " + names + ":\n" + body.lines().limit(40).toList());
  }

  private static long lines(Path file) throws IOException {
    try (Stream<String> l = Files.lines(file)) {
      return l.count();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
