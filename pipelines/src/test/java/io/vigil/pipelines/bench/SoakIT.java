package io.vigil.pipelines.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.pipelines.cluster.ClusterJars;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.util.FileUtils;
import org.junit.jupiter.api.Test;

/** The short soak CI runs: on the multi-process cluster, no process's RSS may climb clearly over 90 s of live load. */
class SoakIT {

  @Test
  void ninetySecondsOfLiveLoadShowNoClearRssClimb() throws Exception {
    Path work = Path.of("target", "soak-it").toAbsolutePath();
    FileUtils.deleteDirectoryQuietly(work.toFile());
    SoakResult result = new SoakBench(new SoakBench.Settings(1.5, 500, 1000, 2, 3, Duration.ofSeconds(5), work,
        ClusterJars.fromBuild(Path.of("target"))), System.out).run();
    System.out.print(result.table());
    assertThat(result.samples()).hasSizeGreaterThanOrEqualTo(8);
    assertThat(result.samples().get(0).values().get("taskmanager-1")[1]).as("heap after GC measured").isPositive();
    assertThat(result.jobState()).isEqualTo("RUNNING");
    assertThat(result.restarts()).isZero();
    assertThat(result.clearUpwardTrend()).as(result.table()).isFalse();
  }
}
