package io.vigil.pipelines.cli;

import io.vigil.pipelines.replay.EventTime;
import io.vigil.pipelines.replay.LabelPlan;
import io.vigil.pipelines.replay.Pacing;
import io.vigil.pipelines.replay.ReplaySettings;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** How a CSV is streamed; shared by {@code vigil replay} and {@code vigil demo --csv}. */
final class ReplayOptions {

  @Option(names = "--csv", paramLabel = "FILE",
      description = "CSV to stream, the shape models/train.py reads: entity_id, time (epoch ms or ISO-8601), feature columns, "
          + "optional label (0/1) and event_id; rows are sent in time order.")
  Path csv;

  @Option(names = "--features", split = ",", paramLabel = "COL[,COL...]",
      description = "Feature columns to send, in this order (default: every column but entity_id, event_id, time, label, kind; "
          + "in the demo: the models' vigil.feature_names).")
  List<String> features;

  @Option(names = "--speedup", defaultValue = "0", paramLabel = "FACTOR",
      description = "Pace by the CSV's own time, this many times faster than real time (1 = real time); replaces --rate.")
  double speedup;

  @Option(names = "--label-delay-ms", defaultValue = "30000",
      description = "Labels (from the label column) are sent this much event time after their event (default: ${DEFAULT-VALUE}).")
  long labelDelayMs;

  @Option(names = "--unlabelled-share", defaultValue = "0",
      description = "Share of events never labelled, chosen by --seed and the event id (default: ${DEFAULT-VALUE}).")
  double unlabelledShare;

  @Option(names = "--event-time", paramLabel = "csv|send",
      description = "Time the events carry: csv = the time column; send = when they are sent (live latency). "
          + "Default: csv for replay, send for the demo.")
  String eventTime;

  /** The settings, with the command's own rate, seed and default event time. */
  ReplaySettings settings(double rate, long seed, EventTime defaultEventTime) {
    Pacing pacing = speedup > 0 ? Pacing.speedup(speedup) : Pacing.rate(rate);
    return new ReplaySettings(csv, features, pacing, eventTime == null ? defaultEventTime : parse(eventTime),
        new LabelPlan(labelDelayMs, unlabelledShare, seed));
  }

  private static EventTime parse(String value) {
    return switch (value) {
      case "csv" -> EventTime.CSV;
      case "send" -> EventTime.SEND;
      default -> throw new IllegalArgumentException("--event-time must be csv or send, is '" + value + "'");
    };
  }
}
