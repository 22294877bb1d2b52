package io.vigil.pipelines.cli;

import io.vigil.pipelines.job.OutputDelivery;
import picocli.CommandLine.Option;

/** Command-line options for the delivery guarantee of the alerts and scores outputs. */
final class DeliveryOptions {

  @Option(names = "--alerts-delivery", defaultValue = "at-least-once", paramLabel = "at-least-once|exactly-once",
      description = "Alerts: at-least-once is readable within milliseconds, may repeat after a failure (same alertId and "
          + "content: upsert by it); exactly-once is readable (read_committed) only at each checkpoint (default: ${DEFAULT-VALUE}).")
  String alerts;

  @Option(names = "--scores-delivery", defaultValue = "exactly-once", paramLabel = "at-least-once|exactly-once",
      description = "Scores: exactly-once is readable (read_committed) at each checkpoint, each event once; at-least-once "
          + "is readable at once, may repeat after a failure (dedupe by eventId) (default: ${DEFAULT-VALUE}).")
  String scores;

  OutputDelivery settings() {
    return new OutputDelivery(OutputDelivery.parse(alerts, "--alerts-delivery"), OutputDelivery.parse(scores, "--scores-delivery"));
  }
}
