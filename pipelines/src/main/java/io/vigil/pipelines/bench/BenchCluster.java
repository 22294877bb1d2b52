package io.vigil.pipelines.bench;

import io.vigil.pipelines.job.FlinkEnvironments;
import io.vigil.pipelines.job.RuntimeSettings;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.client.deployment.executors.PipelineExecutorUtils;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.PipelineExecutor;
import org.apache.flink.core.execution.PipelineExecutorFactory;
import org.apache.flink.core.execution.PipelineExecutorServiceLoader;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.runtime.minicluster.MiniClusterJobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * One Flink MiniCluster for every job of a benchmark, as a cluster in production runs its jobs. A
 * local environment per job started a MiniCluster per job: its start-up lengthened every turn (the
 * three turns of a {@code --large-models} run took 39, 28 and 24 s with a cluster per job, 25, 20
 * and 19 s with this one), and each loaded Flink's RPC system (Pekko, ~1 900 classes) into a class
 * loader of its own, compiled anew and left in the metaspace. Job-level settings (checkpoint
 * interval and storage, state backend, changelog, restart strategy) still come from each job's
 * {@link RuntimeSettings}.
 */
final class BenchCluster implements AutoCloseable {

  private static final String TARGET = "vigil-bench-cluster";

  private final MiniCluster cluster;

  private BenchCluster(MiniCluster cluster) {
    this.cluster = cluster;
  }

  /** {@code slots} task slots in one TaskManager; the state changelog (when a job enables it) writes under {@code work}. */
  static BenchCluster start(int slots, Path work) throws Exception {
    Configuration conf = new Configuration();
    conf.setString("state.changelog.storage", "filesystem");
    conf.setString("state.changelog.dstl.dfs.base-path", work.resolve("changelog").toUri().toString());
    conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
    conf.set(RestOptions.ADDRESS, "127.0.0.1");
    conf.set(RestOptions.PORT, 0);
    MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder().setConfiguration(conf)
        .setNumTaskManagers(1).setNumSlotsPerTaskManager(slots).build());
    cluster.start();
    return new BenchCluster(cluster);
  }

  /** An environment whose jobs run on this cluster, configured as {@link FlinkEnvironments#local} configures its own. */
  StreamExecutionEnvironment environment(RuntimeSettings settings) {
    Configuration conf = FlinkEnvironments.configuration(settings);
    conf.set(DeploymentOptions.TARGET, TARGET);
    StreamExecutionEnvironment env = new StreamExecutionEnvironment(new Executors(), conf,
        Thread.currentThread().getContextClassLoader());
    env.setParallelism(settings.parallelism());
    return env;
  }

  @Override
  public void close() throws Exception {
    cluster.close();
  }

  /** The one executor, submitting to this cluster. */
  private final class Executors implements PipelineExecutorServiceLoader, PipelineExecutorFactory, PipelineExecutor {

    @Override
    public PipelineExecutorFactory getExecutorFactory(Configuration configuration) {
      return this;
    }

    @Override
    public Stream<String> getExecutorNames() {
      return Stream.of(TARGET);
    }

    @Override
    public String getName() {
      return TARGET;
    }

    @Override
    public boolean isCompatibleWith(Configuration configuration) {
      return TARGET.equals(configuration.get(DeploymentOptions.TARGET));
    }

    @Override
    public PipelineExecutor getExecutor(Configuration configuration) {
      return this;
    }

    @Override
    public CompletableFuture<JobClient> execute(org.apache.flink.api.dag.Pipeline pipeline, Configuration configuration,
        ClassLoader userCodeClassloader) throws Exception {
      JobID id = cluster.submitJob(PipelineExecutorUtils.getStreamGraph(pipeline, configuration)).get().getJobID();
      return CompletableFuture.completedFuture(
          new MiniClusterJobClient(id, cluster, userCodeClassloader, MiniClusterJobClient.JobFinalizationBehavior.NOTHING));
    }
  }
}
