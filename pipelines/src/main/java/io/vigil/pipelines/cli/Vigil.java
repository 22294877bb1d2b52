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
    subcommands = {DemoCommand.class, RunCommand.class, ReplayCommand.class, BenchCommand.class, GenerateCommand.class, CommandLine.HelpCommand.class})
public final class Vigil {

  public static void main(String[] args) {
    CommandLine cli = commandLine();
    int code = cli.execute(args);
    // Under Flink's application mode main() runs inside the JobManager: a successful `run` must
    // return, not exit the process. Everything else exits, so no library thread keeps it alive.
    boolean run = cli.getParseResult() != null && cli.getParseResult().subcommand() != null
        && cli.getParseResult().subcommand().commandSpec().userObject() instanceof RunCommand;
    if (code != 0 || !run) {
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
