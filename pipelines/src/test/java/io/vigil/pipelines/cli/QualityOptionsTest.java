package io.vigil.pipelines.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.operators.metrics.ModelMetricsState;
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
}
