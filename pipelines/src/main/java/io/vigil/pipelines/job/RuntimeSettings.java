package io.vigil.pipelines.job;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How Flink runs the job: parallelism, checkpoints (on, at this interval, kept on cancel so a
 * job can be restored), an optional checkpoint or savepoint to restore from, and the web UI port
 * of a local MiniCluster (0 = no web UI), and the port of a local MiniCluster's Prometheus
 * endpoint (0 = none; on a cluster the reporter is Flink configuration), and the keyed-state
 * backend, and how it recovers from faults, and whether state changes also go to Flink's state
 * changelog (see {@link #withChangelog}). Locations are URIs ({@code file:///...}, {@code s3://...}).
 */
public record RuntimeSettings(
    int parallelism,
    Duration checkpointInterval,
    String checkpointDir,
    String restoreFrom,
    int webUiPort,
    int prometheusPort,
    StateBackend stateBackend,
    RecoverySettings recovery,
    boolean changelog) {

  /** On the heap ({@link StateBackend#HASHMAP}): the demo's, the benchmark's and most tests' choice. */
  public RuntimeSettings(int parallelism, Duration checkpointInterval, String checkpointDir, String restoreFrom,
      int webUiPort, int prometheusPort) {
    this(parallelism, checkpointInterval, checkpointDir, restoreFrom, webUiPort, prometheusPort, StateBackend.HASHMAP,
        RecoverySettings.defaults(), false);
  }

  public RuntimeSettings withStateBackend(StateBackend backend) {
    return new RuntimeSettings(parallelism, checkpointInterval, checkpointDir, restoreFrom, webUiPort, prometheusPort, backend,
        recovery, changelog);
  }

  public RuntimeSettings withRecovery(RecoverySettings r) {
    return new RuntimeSettings(parallelism, checkpointInterval, checkpointDir, restoreFrom, webUiPort, prometheusPort,
        stateBackend, r, changelog);
  }

  /**
   * With the changelog, every state change is also appended to a log under the checkpoint
   * directory, and a checkpoint uploads only the log written since the last one (the state
   * itself is materialized in the background, every few minutes). Checkpoints then take about as
   * long whatever the state's size, which bounds how long exactly-once output waits to become
   * visible; the cost is the log's writes on every state change and its files.
   */
  public RuntimeSettings withChangelog(boolean on) {
    return new RuntimeSettings(parallelism, checkpointInterval, checkpointDir, restoreFrom, webUiPort, prometheusPort,
        stateBackend, recovery, on);
  }

  /**
   * A local path or a URI ({@code s3://...}, and {@code file:/...} as Flink reports checkpoint
   * locations); local paths become absolute {@code file:} URIs.
   */
  public static String location(String pathOrUri) {
    if (pathOrUri == null || pathOrUri.matches("^[a-zA-Z][a-zA-Z0-9+.-]+:.*")) {
      return pathOrUri;
    }
    return Path.of(pathOrUri).toAbsolutePath().toUri().toString();
  }
}
