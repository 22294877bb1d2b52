package io.vigil.pipelines.job;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How Flink runs the job: parallelism, checkpoints (on, at this interval, kept on cancel so a
 * job can be restored), an optional checkpoint or savepoint to restore from, and the web UI port
 * of a local MiniCluster (0 = no web UI).
 */
public record RuntimeSettings(
    int parallelism,
    Duration checkpointInterval,
    Path checkpointDir,
    Path restoreFrom,
    int webUiPort) {}
