package io.vigil.pipelines.cli;

import io.vigil.pipelines.job.RuntimeSettings;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Command-line options for how Flink runs the job. */
final class RuntimeOptions {

  @Option(names = "--parallelism", defaultValue = "2", description = "Flink parallelism (default: ${DEFAULT-VALUE}).")
  int parallelism;

  @Option(names = "--checkpoint-interval-ms", defaultValue = "2000",
      description = "Checkpoint interval; exactly-once output becomes visible at each checkpoint (default: ${DEFAULT-VALUE}).")
  long checkpointIntervalMs;

  @Option(names = "--checkpoint-dir", description = "Where checkpoints go (default: a folder under the work directory).")
  Path checkpointDir;

  @Option(names = "--restore-from", paramLabel = "PATH", description = "A checkpoint or savepoint to restore the job from.")
  Path restoreFrom;

  RuntimeSettings settings(Path workDir, int webUiPort) {
    if (parallelism < 1) {
      throw new IllegalArgumentException("--parallelism must be >= 1");
    }
    Path checkpoints = checkpointDir != null ? checkpointDir : workDir.resolve("checkpoints");
    return new RuntimeSettings(parallelism, Duration.ofMillis(checkpointIntervalMs), checkpoints.toAbsolutePath(),
        restoreFrom == null ? null : restoreFrom.toAbsolutePath(), webUiPort);
  }
}
