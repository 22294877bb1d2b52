package io.vigil.pipelines.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.pipelines.job.OutputDelivery;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DeliveryOptionsTest {

  @Test
  void defaultsAreAlertsAtLeastOnceAndScoresExactlyOnceOnDemoAndRun() {
    DemoCommand demo = new DemoCommand();
    new CommandLine(demo).parseArgs();
    assertThat(demo.delivery.settings()).isEqualTo(OutputDelivery.defaults());
    assertThat(OutputDelivery.defaults().alerts()).isEqualTo(DeliveryGuarantee.AT_LEAST_ONCE);
    assertThat(OutputDelivery.defaults().scores()).isEqualTo(DeliveryGuarantee.EXACTLY_ONCE);
    RunCommand run = new RunCommand();
    new CommandLine(run).parseArgs("--bootstrap-servers", "x:1");
    assertThat(run.delivery.settings()).isEqualTo(OutputDelivery.defaults());
  }

  @Test
  void eachOutputIsChosenOnItsOwn() {
    RunCommand run = new RunCommand();
    new CommandLine(run).parseArgs("--bootstrap-servers", "x:1", "--alerts-delivery", "exactly-once",
        "--scores-delivery", "AT-LEAST-ONCE");
    assertThat(run.delivery.settings())
        .isEqualTo(new OutputDelivery(DeliveryGuarantee.EXACTLY_ONCE, DeliveryGuarantee.AT_LEAST_ONCE));
  }

  @Test
  void unknownOrUnsupportedGuaranteesAreRefused() {
    DemoCommand demo = new DemoCommand();
    new CommandLine(demo).parseArgs("--alerts-delivery", "none");
    assertThatThrownBy(() -> demo.delivery.settings()).hasMessageContaining("--alerts-delivery none");
    assertThatThrownBy(() -> new OutputDelivery(DeliveryGuarantee.NONE, DeliveryGuarantee.EXACTLY_ONCE))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
