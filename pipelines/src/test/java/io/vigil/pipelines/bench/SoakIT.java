package io.vigil.pipelines.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.pipelines.cluster.ClusterJars;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.util.FileUtils;
import org.junit.jupiter.api.Test;

/**
 * The short soak CI runs: the job on the multi-process cluster fed live for 3 minutes, the first 2
 * unjudged (RSS climbs ~1 MB/s for ~100 s while caches and arenas fill, then stays flat: the
 * 30-minute soak in the README; judged after 90 s, a run still climbed 2 % of its RSS in the
 * judged minute), the last minute judged by {@link SoakResult#clearUpwardTrend()}.
 * The 30-minute run is the bench mode (README, "Long runs").
 */
class SoakIT {

  @Test
  void aMinuteOfLiveLoadShowsNoClearMemoryClimbAfterTheWarmUp() throws Exception {
    Path work = Path.of("target", "soak-it").toAbsolutePath();
    FileUtils.deleteDirectoryQuietly(work.toFile());
    SoakResult result = new SoakBench(new SoakBench.Settings(3, 2000, 1000, 2, 3, Duration.ofSeconds(5),
        Duration.ofSeconds(120), work, ClusterJars.fromBuild(Path.of("target"))), System.out).run();
    System.out.print(result.table());
    assertThat(result.samples()).hasSizeGreaterThanOrEqualTo(16);
    assertThat(result.fields()).containsKey("taskmanager-1_heap_after_gc_warm_mb");
    assertThat(result.jobState()).isEqualTo("RUNNING");
    assertThat(result.restarts()).isZero();
    assertThat(result.clearUpwardTrend()).as(result.table()).isFalse();
  }
}
