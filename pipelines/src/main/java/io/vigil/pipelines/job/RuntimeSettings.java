package io.vigil.pipelines.job;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How Flink runs the job: parallelism, checkpoints (on, at this interval, kept on cancel so a
 * job can be restored), an optional checkpoint or savepoint to restore from, and the web UI port
 * of a local MiniCluster (0 = no web UI), and the port of a local MiniCluster's Prometheus
 * endpoint (0 = none; on a cluster the reporter is Flink configuration), and the keyed-state
 * backend, and how it recovers from faults. Locations are URIs ({@code file:///...}, {@code s3://...}).
 */
public record RuntimeSettings(
    int parallelism,
    Duration checkpointInterval,
    String checkpointDir,
    String restoreFrom,
    int webUiPort,
    int prometheusPort,
    StateBackend stateBackend,
    RecoverySettings recovery) {

  /** On the heap ({@link StateBackend#HASHMAP}): the demo's, the benchmark's and most tests' choice. */
  public RuntimeSettings(int parallelism, Duration checkpointInterval, String checkpointDir, String restoreFrom,
      int webUiPort, int prometheusPort) {
    this(parallelism, checkpointInterval, checkpointDir, restoreFrom, webUiPort, prometheusPort, StateBackend.HASHMAP,
        RecoverySettings.defaults());
  }

  public RuntimeSettings withStateBackend(StateBackend backend) {
    return new RuntimeSettings(parallelism, checkpointInterval, checkpointDir, restoreFrom, webUiPort, prometheusPort, backend,
        recovery);
  }

  public RuntimeSettings withRecovery(RecoverySettings r) {
    return new RuntimeSettings(parallelism, checkpointInterval, checkpointDir, restoreFrom, webUiPort, prometheusPort,
        stateBackend, r);
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
