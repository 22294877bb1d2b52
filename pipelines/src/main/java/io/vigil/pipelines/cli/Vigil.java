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
    subcommands = {DemoCommand.class, RunCommand.class, BenchCommand.class, GenerateCommand.class, CommandLine.HelpCommand.class})
public final class Vigil {

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
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
