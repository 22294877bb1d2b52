package io.vigil.pipelines.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code vigil} command line. */
@Command(
    name = "vigil",
    mixinStandardHelpOptions = true,
    version = "vigil 0.1.0",
    description = "Streaming inference on Flink: per-key recurrent state, ONNX Runtime scoring, live quality metrics.",
    subcommands = {DemoCommand.class, GenerateCommand.class, CommandLine.HelpCommand.class})
public final class Vigil {

  public static void main(String[] args) {
    System.exit(new CommandLine(new Vigil()).execute(args));
  }
}
