package io.vigil.pipelines.job;

import java.util.HashMap;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** Builds execution environments from {@link RuntimeSettings}, through Flink's configuration keys. */
public final class FlinkEnvironments {

  private FlinkEnvironments() {}

  /** A local MiniCluster (with Flink's web UI when a port is set): the demo and the tests. */
  public static StreamExecutionEnvironment local(RuntimeSettings settings) {
    Configuration conf = configuration(settings);
    conf.set(org.apache.flink.configuration.TaskManagerOptions.NUM_TASK_SLOTS, settings.parallelism());
    if (settings.prometheusPort() > 0) {
      conf.setString("metrics.reporter.prom.factory.class", "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
      conf.setString("metrics.reporter.prom.port", Integer.toString(settings.prometheusPort()));
    }
    StreamExecutionEnvironment env;
    if (settings.webUiPort() > 0) {
      conf.set(org.apache.flink.configuration.RestOptions.PORT, settings.webUiPort());
      env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(conf);
    } else {
      env = StreamExecutionEnvironment.createLocalEnvironment(settings.parallelism(), conf);
    }
    env.setParallelism(settings.parallelism());
    return env;
  }

  /** Whatever environment the caller runs in: {@code flink run} on a cluster, or local. */
  public static StreamExecutionEnvironment current(RuntimeSettings settings) {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(configuration(settings));
    env.setParallelism(settings.parallelism());
    return env;
  }

  /** The settings as Flink configuration keys, for an environment built elsewhere (the benchmark's shared MiniCluster). */
  public static Configuration configuration(RuntimeSettings settings) {
    Map<String, String> keys = new HashMap<>();
    keys.put("execution.checkpointing.interval", settings.checkpointInterval().toMillis() + " ms");
    keys.put("execution.checkpointing.dir", settings.checkpointDir());
    keys.put("execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION");
    keys.put("state.backend.type", settings.stateBackend().flinkName());
    keys.put("execution.checkpointing.incremental", Boolean.toString(settings.stateBackend().incrementalCheckpoints()));
    if (settings.changelog()) {
      keys.put("state.changelog.enabled", "true");
      keys.put("state.changelog.storage", "filesystem");
      keys.put("state.changelog.dstl.dfs.base-path", settings.checkpointDir() + "/changelog");
    }
    // Flink ships network buffers every 100 ms by default: far above Vigil's latency budget.
    keys.put("execution.buffer-timeout.interval", "10 ms");
    // Without object reuse, every hop between chained operators deep-copies the Avro record.
    // Safe here: no Vigil operator mutates its input or emits an object it later changes, and the
    // scorer's buffered events come from the network input, which deserializes fresh objects.
    keys.put("pipeline.object-reuse", "true");
    // With checkpoints on, Flink's default restart strategy retries forever: a broken job would hang.
    settings.recovery().addTo(keys);
    // A local MiniCluster's REST endpoint (web UI) listens on loopback only; a cluster's is its own config.
    keys.put("rest.bind-address", "127.0.0.1");
    keys.put("rest.address", "127.0.0.1");
    if (settings.restoreFrom() != null) {
      keys.put("execution.state-recovery.path", settings.restoreFrom());
      if (settings.changelog()) {
        // The changelog cannot take the full snapshot that the default NO_CLAIM restore forces
        // (every task would fail its first checkpoint): the restored job owns the checkpoint instead.
        keys.put("execution.state-recovery.claim-mode", "CLAIM");
      }
    }
    return Configuration.fromMap(keys);
  }
}
