package io.vigil.pipelines.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.operators.ingest.IngestLimits;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class IngestOptionsTest {

  private static IngestLimits parse(String... args) {
    DemoCommand demo = new DemoCommand();
    new CommandLine(demo).parseArgs(args);
    return demo.scoring.settings().ingest();
  }

  @Test
  void defaultsAreTheLimitsDefaults() {
    assertThat(parse()).isEqualTo(IngestLimits.defaults());
  }

  @Test
  void everyLimitIsAnOptionOfDemoAndRun() {
    IngestLimits l = parse("--max-record-bytes", "2048", "--max-id-length", "64", "--max-event-age", "2d",
        "--max-future-skew", "PT30S", "--dead-letter-max-bytes", "512");
    assertThat(l).isEqualTo(new IngestLimits(2048, 64, Duration.ofDays(2), Duration.ofSeconds(30), 512));
    RunCommand run = new RunCommand();
    new CommandLine(run).parseArgs("--bootstrap-servers", "x:1", "--max-event-age", "90m", "--max-future-skew", "250ms");
    assertThat(run.scoring.settings().ingest().maxEventAge()).isEqualTo(Duration.ofMinutes(90));
    assertThat(run.scoring.settings().ingest().maxFutureSkew()).isEqualTo(Duration.ofMillis(250));
  }

  @Test
  void impossibleLimitsAreRefused() {
    assertThatThrownBy(() -> parse("--max-id-length", "0")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> parse("--max-event-age", "soon")).isInstanceOf(CommandLine.ParameterException.class);
  }
}
