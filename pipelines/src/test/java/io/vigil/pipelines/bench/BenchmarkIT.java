package io.vigil.pipelines.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.operators.onnx.ExecutionOptions;
import io.vigil.operators.onnx.ModelRef;
import io.vigil.operators.scoring.BatchingOptions;
import io.vigil.pipelines.job.ScoringSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The short throughput benchmark CI runs (the full one is {@code bin/vigil bench}, README
 * "Performance"): every job variant on the shared MiniCluster, in two turns, and the delivery runs
 * with and without the state changelog, each must finish with a rate or latency; the figures
 * themselves are not judged (CI machines vary).
 */
class BenchmarkIT {

  static final List<ModelRef> SHIPPED = List.of(ModelRef.of("classpath:models/recurrent.onnx"),
      ModelRef.of("classpath:models/cnn.onnx"), ModelRef.of("classpath:models/autoencoder.onnx"));

  @Test
  void everyVariantRunsOnTheSharedClusterAndReportsItsFigures() throws Exception {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    ScoringSettings scoring = new ScoringSettings(SHIPPED, ExecutionOptions.cpu(), new BatchingOptions(64, 5), Duration.ofSeconds(2));
    BenchResult result = new Benchmark(new Benchmark.Settings(6000, 1200, 200, 2, 2, 0.5, 7, Duration.ofMillis(1000), 2),
        scoring, new PrintStream(log, true, StandardCharsets.UTF_8))
        .withDeliveryChangelog(true)
        .run();
    System.out.print(log.toString(StandardCharsets.UTF_8));
    System.out.print(result.table());

    assertThat(log.toString(StandardCharsets.UTF_8)).contains("naive backlog 1200 events over 40 keys");
    Map<String, Object> f = result.fields();
    for (String rate : List.of("ceiling_events_per_s", "ceiling_batch1_events_per_s", "naive_events_per_s",
        "passthrough_events_per_s", "pipeline_events_per_s", "pipeline_over_naive", "pipeline_over_passthrough")) {
      assertThat((Double) f.get(rate)).as(rate).isPositive().isFinite();
    }
    assertThat(f.get("repeats")).isEqualTo(2);
    assertThat((List<?>) f.get("naive_runs_events_per_s")).hasSize(2);
    // One checkpoint interval, both delivery modes, changelog off and on; alerts and scores each.
    assertThat(result.deliveryLatency()).hasSize(8);
    assertThat(result.deliveryLatency()).filteredOn(d -> d.output().equals("scores"))
        .allSatisfy(d -> assertThat(d.samples()).as(d.mode() + (d.changelog() ? " changelog" : "")).isPositive());
  }
}
