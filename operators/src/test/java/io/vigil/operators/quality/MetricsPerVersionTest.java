package io.vigil.operators.quality;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.operators.metrics.ModelMetricsState;
import io.vigil.schemas.MetricScope;
import io.vigil.schemas.MetricSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * Two versions of one model, labelled on interleaved events (as around a swap): keyed by model and
 * version, each version's metrics count only its own scores, and both name the model.
 */
class MetricsPerVersionTest {

  @Test
  void twoVersionsOfOneModelNeverMix() throws Exception {
    try (var h = new KeyedOneInputStreamOperatorTestHarness<>(
        new KeyedProcessOperator<>(new StreamingBinaryMetrics(Duration.ofSeconds(10), Duration.ofSeconds(5),
            ModelMetricsState.DEFAULT_MAX_DISTINCT)),
        LabelledModelScore::modelVersion, Types.STRING)) {
      h.open();
      for (int i = 0; i < 20; i++) {
        boolean label = i % 2 == 0;
        float score = (i % 10) / 10f;
        // v1 ranks perfectly (positives score high), v2 exactly backwards.
        h.processElement(new StreamRecord<>(new LabelledModelScore("rnn", "v1", label ? 0.9f + score / 100 : score / 10, 0.5f, label, i * 100L)));
        h.processElement(new StreamRecord<>(new LabelledModelScore("rnn", "v2", label ? score / 10 : 0.9f + score / 100, 0.5f, label, i * 100L)));
      }
      h.processWatermark(new Watermark(4_999));
      List<MetricSnapshot> out = new ArrayList<>();
      h.extractOutputValues().forEach(out::add);
      List<MetricSnapshot> cumulative = out.stream().filter(m -> m.getScope() == MetricScope.CUMULATIVE).toList();
      assertThat(cumulative).extracting(MetricSnapshot::getModel).containsOnly("rnn");
      assertThat(cumulative).extracting(MetricSnapshot::getVersion).containsExactlyInAnyOrder("v1", "v2");
      for (MetricSnapshot m : cumulative) {
        assertThat(m.getPositives() + m.getNegatives()).as(m.getVersion()).isEqualTo(20);
        assertThat(m.getRocAuc()).as(m.getVersion()).isEqualTo(m.getVersion().equals("v1") ? 1.0 : 0.0);
      }
    }
  }

  @Test
  void aKeyOfAPlainModelNameIsThatName() {
    assertThat(LabelledModelScore.modelOf("my@model@2", "2")).isEqualTo("my@model");
    assertThat(LabelledModelScore.modelOf("legacy", "2")).isEqualTo("legacy");
  }
}
