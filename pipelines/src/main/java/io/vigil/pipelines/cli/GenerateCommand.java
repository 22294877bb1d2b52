package io.vigil.pipelines.cli;

import io.vigil.pipelines.synthetic.SyntheticStream;
import io.vigil.pipelines.synthetic.TrainingCsv;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Writes the synthetic sequences as a training CSV: the one source of truth for the models. */
@Command(name = "generate", mixinStandardHelpOptions = true,
    description = "Write synthetic labelled sequences (the demo's data) as CSV for training.")
final class GenerateCommand implements Callable<Integer> {

  @Option(names = "--out", required = true, description = "CSV file to write.")
  Path out;

  @Option(names = "--entities", defaultValue = "200", description = "Number of entities (default: ${DEFAULT-VALUE}).")
  int entities;

  @Option(names = "--steps", defaultValue = "400", description = "Events per entity (default: ${DEFAULT-VALUE}).")
  int steps;

  @Option(names = "--seed", defaultValue = "42", description = "Generator seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--features", defaultValue = "8", description = "Features per event (default: ${DEFAULT-VALUE}).")
  int features;

  @Option(names = "--profile", defaultValue = "DEFAULT",
      description = "DEFAULT (the demo's data) or MULTI_SCALE (entity scales 0.1 to 10^5, varied periods and noise).")
  SyntheticStream.Profile profile;

  @Override
  public Integer call() throws Exception {
    SyntheticStream stream = new SyntheticStream(SyntheticStream.Settings.defaults()
        .withEntities(entities).withSeed(seed).withFeatures(features).withProfile(profile));
    long rows = TrainingCsv.write(stream, steps, out);
    System.out.printf("wrote %d rows (%d entities x %d steps, seed %d) to %s%n", rows, entities, steps, seed, out);
    return 0;
  }
}
