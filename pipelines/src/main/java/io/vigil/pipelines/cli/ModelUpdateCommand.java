package io.vigil.pipelines.cli;

import io.vigil.pipelines.job.ModelUpdates;
import io.vigil.schemas.ModelRole;
import io.vigil.schemas.ModelUpdate;
import io.vigil.schemas.StateMigration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vigil model-update}: tells a running job to score with another model file, without a restart. */
@Command(name = "model-update", mixinStandardHelpOptions = true,
    description = {
        "Publish a model update to a running job's control topic: the job loads the file on every scorer,",
        "checks its sha256 (computed here) and contract, and swaps at a batch boundary; what became of it",
        "is written to the model-events topic. Name and version come from the file's metadata."})
final class ModelUpdateCommand implements Callable<Integer> {

  @Mixin
  KafkaClientOptions kafkaClient;

  @Option(names = "--file", required = true, paramLabel = "URI",
      description = "The .onnx file: a path or a Flink file system URI that every task manager can read.")
  String file;

  @Option(names = "--role", defaultValue = "champion", description = "champion or challenger (default: ${DEFAULT-VALUE}).")
  String role;

  @Option(names = "--challenges", paramLabel = "MODEL", description = "For a challenger: the champion it is compared with.")
  String challenges;

  @Option(names = "--migration", defaultValue = "warm",
      description = "How each entity's recurrent state moves to this version: warm, reset or keep (default: ${DEFAULT-VALUE}).")
  String migration;

  @Option(names = "--topic", defaultValue = "model-updates", description = "The job's model-updates topic (default: ${DEFAULT-VALUE}).")
  String topic;

  @Override
  public Integer call() throws Exception {
    ModelUpdate update = ModelUpdates.describe(file, ModelRole.valueOf(role.toUpperCase(Locale.ROOT)), challenges,
        StateMigration.valueOf(migration.toUpperCase(Locale.ROOT)));
    ModelUpdates.publish(kafkaClient.bootstrapServers, kafkaClient.clientProperties(), topic, update);
    System.out.printf("vigil model-update: published %s version %s (sha256 %s, %s, %s) to %s%n", update.getModel(),
        update.getVersion(), update.getSha256(), update.getRole(), update.getMigration(), topic);
    return 0;
  }
}
