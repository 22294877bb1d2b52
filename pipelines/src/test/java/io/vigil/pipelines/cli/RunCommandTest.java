package io.vigil.pipelines.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.pipelines.job.TopicNames;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class RunCommandTest {

  /** What cluster tests and benches submit ({@link TopicNames#runArguments()}) is what {@code vigil run} reads back. */
  @Test
  void topicArgumentsRoundTrip() {
    TopicNames t = TopicNames.prefixed("in", "labels", "x");
    assertThat(parse(t).topics()).isEqualTo(t);
    assertThat(parse(t.withoutLabels()).topics()).isEqualTo(t.withoutLabels());
  }

  private static RunCommand parse(TopicNames t) {
    RunCommand run = new RunCommand();
    List<String> args = new ArrayList<>(t.runArguments());
    args.addAll(List.of("--bootstrap-servers", "127.0.0.1:9092"));
    new CommandLine(run).parseArgs(args.toArray(String[]::new));
    return run;
  }
}
