package io.vigil.pipelines.cli;

import io.vigil.operators.onnx.ModelContractException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code vigil} command line. */
@Command(
    name = "vigil",
    mixinStandardHelpOptions = true,
    version = "vigil 0.1.0",
    description = "Streaming inference on Flink: per-key recurrent state, ONNX Runtime scoring, live quality metrics.",
    subcommands = {DemoCommand.class, RunCommand.class, ReplayCommand.class, BenchCommand.class, GenerateCommand.class,
        ModelUpdateCommand.class, CommandLine.HelpCommand.class})
public final class Vigil {

  public static void main(String[] args) {
    CommandLine cli = commandLine();
    int code = cli.execute(args);
    // Under Flink's application mode, or a job jar run over REST, main() runs inside the
    // JobManager: `run` must never exit that process. A successful run returns; a failed one
    // throws (its one-line reason is already printed), which fails the submission, not the cluster.
    // Everything else exits, so no library thread keeps the JVM alive.
    boolean run = cli.getParseResult() != null && cli.getParseResult().subcommand() != null
        && cli.getParseResult().subcommand().commandSpec().userObject() instanceof RunCommand;
    if (run && code != 0) {
      throw new IllegalStateException("vigil run failed (exit code " + code + ")");
    }
    if (!run) {
      System.exit(code);
    }
  }

  /** The command line with its error handling: a bad model or setting is one clear line, exit 2. */
  static CommandLine commandLine() {
    return new CommandLine(new Vigil()).setExecutionExceptionHandler((e, cmd, parsed) -> {
      if (e instanceof ModelContractException || e instanceof IllegalArgumentException) {
        cmd.getErr().println("vigil: " + e.getMessage());
        return 2;
      }
      throw e;
    });
  }
}
