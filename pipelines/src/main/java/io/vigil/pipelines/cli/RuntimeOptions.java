package io.vigil.pipelines.cli;

import io.vigil.pipelines.job.RecoverySettings;
import io.vigil.pipelines.job.RuntimeSettings;
import io.vigil.pipelines.job.StateBackend;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.Option;

/** Command-line options for how Flink runs the job. */
final class RuntimeOptions {

  @Option(names = "--parallelism", defaultValue = "2", description = "Flink parallelism (default: ${DEFAULT-VALUE}).")
  int parallelism;

  @Option(names = "--checkpoint-interval-ms", defaultValue = "2000",
      description = "Checkpoint interval; exactly-once output becomes visible at each checkpoint (default: ${DEFAULT-VALUE}).")
  long checkpointIntervalMs;

  @Option(names = "--checkpoint-dir", paramLabel = "PATH|URI",
      description = "Where checkpoints go: a path or a URI such as s3://bucket/vigil (default: a folder under the work directory).")
  String checkpointDir;

  @Option(names = "--restore-from", paramLabel = "PATH|URI", description = "A retained checkpoint (chk-N folder) or savepoint to restore the job from.")
  String restoreFrom;

  @Option(names = "--state-backend", paramLabel = "hashmap|rocksdb",
      description = "Keyed state: hashmap (on the heap, fastest while it fits) or rocksdb (on local disk, incremental "
          + "checkpoints; for state larger than memory). Default: rocksdb for run, hashmap for demo.")
  String stateBackend;

  @Option(names = "--restart-max-attempts", defaultValue = "10",
      description = "Restarts in a row (no healthy --restart-reset-after between them) before the job fails (default: ${DEFAULT-VALUE}).")
  int restartMaxAttempts;

  @Option(names = "--restart-reset-after", defaultValue = "10min", converter = DurationConverter.class,
      description = "Running this long without a failure resets the restart back-off and count (default: ${DEFAULT-VALUE}).")
  Duration restartResetAfter;

  @Option(names = "--restart-max-backoff", defaultValue = "1min", converter = DurationConverter.class,
      description = "Longest wait between restarts; waits double from 1 s up to it (default: ${DEFAULT-VALUE}).")
  Duration restartMaxBackoff;

  @Option(names = "--tolerable-failed-checkpoints", defaultValue = "3",
      description = "Checkpoints that may fail in a row (e.g. a full disk) before the job restarts (default: ${DEFAULT-VALUE}).")
  int tolerableFailedCheckpoints;

  @Option(names = "--changelog",
      description = "Also log every state change (Flink's state changelog, under the checkpoint directory): checkpoints then "
          + "upload only what changed since the last one, so exactly-once outputs become readable sooner after each checkpoint; "
          + "costs a write per state change and the log's files (README, Performance).")
  boolean changelog;

  /** {@code defaultBackend} applies when {@code --state-backend} is not given. */
  RuntimeSettings settings(Path workDir, int webUiPort, int prometheusPort, StateBackend defaultBackend) {
    if (parallelism < 1) {
      throw new IllegalArgumentException("--parallelism must be >= 1");
    }
    String checkpoints = checkpointDir != null ? checkpointDir : workDir.resolve("checkpoints").toString();
    return new RuntimeSettings(parallelism, Duration.ofMillis(checkpointIntervalMs), RuntimeSettings.location(checkpoints),
        RuntimeSettings.location(restoreFrom), webUiPort, prometheusPort, backend(defaultBackend),
        new RecoverySettings(Duration.ofSeconds(1), restartMaxBackoff, restartResetAfter, restartMaxAttempts,
            tolerableFailedCheckpoints), changelog);
  }

  private StateBackend backend(StateBackend defaultBackend) {
    if (stateBackend == null) {
      return defaultBackend;
    }
    try {
      return StateBackend.valueOf(stateBackend.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--state-backend " + stateBackend + " is not known: use hashmap or rocksdb");
    }
  }
}
