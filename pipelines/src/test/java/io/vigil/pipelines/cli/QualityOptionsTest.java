package io.vigil.pipelines.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.operators.metrics.ModelMetricsState;
import io.vigil.operators.quality.FeedbackJoinByEntity;
import io.vigil.pipelines.job.QualitySettings.LabelJoin;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class QualityOptionsTest {

  @Test
  void metricsBudgetDefaultsAndParses() {
    QualityOptions defaults = new QualityOptions();
    new CommandLine(defaults).parseArgs();
    QualityOptions small = new QualityOptions();
    new CommandLine(small).parseArgs("--metrics-max-distinct", "1000");

    assertThat(defaults.settings().metricsMaxDistinct()).isEqualTo(ModelMetricsState.DEFAULT_MAX_DISTINCT);
    assertThat(small.settings().metricsMaxDistinct()).isEqualTo(1000);
  }

  @Test
  void labelJoinIsByEntityUnlessToldOtherwise() {
    QualityOptions defaults = new QualityOptions();
    new CommandLine(defaults).parseArgs();
    QualityOptions byEvent = new QualityOptions();
    new CommandLine(byEvent).parseArgs("--label-join", "event", "--label-join-max-per-entity", "50");
    QualityOptions wrong = new QualityOptions();
    new CommandLine(wrong).parseArgs("--label-join", "key");

    assertThat(defaults.settings().labelJoin()).isEqualTo(LabelJoin.ENTITY);
    assertThat(defaults.settings().labelJoinMaxPerEntity()).isEqualTo(FeedbackJoinByEntity.DEFAULT_MAX_PER_ENTITY);
    assertThat(byEvent.settings().labelJoin()).isEqualTo(LabelJoin.EVENT);
    assertThat(byEvent.settings().labelJoinMaxPerEntity()).isEqualTo(50);
    assertThatThrownBy(wrong::settings).hasMessageContaining("--label-join must be entity or event");
  }
}
