package io.vigil.pipelines.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class BenchResultTest {

  @Test
  void deliveryLatencyIsAddedAsAListBesideTheStableFields() {
    List<VisibleWatch.Sample> samples = List.of(new VisibleWatch.Sample(1000, 1010, 1020),
        new VisibleWatch.Sample(2000, 2003, 2900));
    DeliveryLatency d = DeliveryLatency.of("alerts-exactly-once", "alerts", "exactly-once", "read_committed", 2000, true, 500.0,
        samples, new long[] {3, 40, 25});
    assertThat(d.writeMs()).containsExactly(3, 10, 10);
    assertThat(d.visibleMs()).containsExactly(20, 900, 900);
    String json = new BenchResult(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 64, 5, 2, "m", List.of(d), 1, "entity",
        new BenchResult.OtherLabelJoin("event", 1.5, 3), 0.5,
        new PairedRuns(List.of(2.0, 1.0, 4.0), List.of(1.0, 3.0, 4.0)),
        new PairedRuns(List.of(0.5, 0.25, 1.0), List.of(1.0, 3.0, 4.0))).json();
    assertThat(json).contains("\"pipeline_events_per_s\": 4.000,", "\"half_load_p99_ms\": 9.000,", "\"models\": \"m\",",
        "\"intra_op_threads\": 1,");
    assertThat(json).contains("\"delivery_latency\": [{\"mode\": \"alerts-exactly-once\", \"output\": \"alerts\", "
        + "\"delivery\": \"exactly-once\", \"reader_isolation\": \"read_committed\", \"checkpoint_interval_ms\": 2000, "
        + "\"events_per_s\": 500.000, \"samples\": 2, \"write_p50_ms\": 3.000, \"write_p99_ms\": 10.000, "
        + "\"write_p999_ms\": 10.000, \"visible_p50_ms\": 20.000, \"visible_p99_ms\": 900.000, \"visible_p999_ms\": 900.000, \"state_changelog\": true, \"gc_pauses\": 3, \"gc_pause_total_ms\": 40, \"gc_pause_max_ms\": 25}]");
    // The ratio is the median of the turns' ratios (0.5, 3, 1), not the ratio of the medians (3 / 2).
    assertThat(json).contains("\"repeats\": 3,", "\"passthrough_runs_events_per_s\": [2.000, 1.000, 4.000],",
        "\"pipeline_runs_events_per_s\": [1.000, 3.000, 4.000],", "\"naive_runs_events_per_s\": [0.500, 0.250, 1.000]");
    // Limits from (a) = 1, (a') = 2, (a1) = 0.5: 1 / (1 + 2 / 1) and (1/2 + 1/0.5) / (1/2 + 1/1).
    assertThat(json).contains("\"pipeline_over_passthrough_from_parts\": 0.333,", "\"pipeline_over_naive_from_parts\": 1.667,");
    // (c) / (b) likewise: the turns give 2, 12 and 4, so 4 (not 4 / 3 = 1.333 from the fields).
    assertThat(json).contains("\"pipeline_over_naive\": 4.000,");
    assertThat(json).contains("\"label_join\": \"entity\",", "\"pipeline_over_passthrough\": 1.000,",
        "\"ceiling_batch1_events_per_s\": 0.500,", "\"cores\": " + BenchResult.CORES + ",", "\"other_label_join\": \"event\",", "\"other_join_passthrough_events_per_s\": 1.500,",
        "\"other_join_pipeline_events_per_s\": 3.000");
  }

  @Test
  void medianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
    assertThat(PairedRuns.median(List.of(4.0, 1.0, 3.0, 2.0))).isEqualTo(2.5);
    assertThat(PairedRuns.single(2, 3).ratioMedian()).isEqualTo(1.5);
  }
}
