package io.vigil.pipelines.cli;

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

  /** {@code defaultBackend} applies when {@code --state-backend} is not given. */
  RuntimeSettings settings(Path workDir, int webUiPort, int prometheusPort, StateBackend defaultBackend) {
    if (parallelism < 1) {
      throw new IllegalArgumentException("--parallelism must be >= 1");
    }
    String checkpoints = checkpointDir != null ? checkpointDir : workDir.resolve("checkpoints").toString();
    return new RuntimeSettings(parallelism, Duration.ofMillis(checkpointIntervalMs), RuntimeSettings.location(checkpoints),
        RuntimeSettings.location(restoreFrom), webUiPort, prometheusPort, backend(defaultBackend));
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
