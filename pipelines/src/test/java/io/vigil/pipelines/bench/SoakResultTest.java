package io.vigil.pipelines.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SoakResultTest {

  static final long MB = 1024 * 1024;

  /** 120 samples 5 s apart: RSS = 500 MB + growth per hour, plus +-noise MB. */
  static SoakResult soak(double growthMbPerHour, double noiseMb) {
    Random random = new Random(1);
    List<SoakResult.Sample> samples = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      double t = i * 5.0;
      long rss = (long) ((500 + growthMbPerHour * t / 3600 + noiseMb * (2 * random.nextDouble() - 1)) * MB);
      samples.add(new SoakResult.Sample(t, Map.of("taskmanager-1", new long[] {rss, 100 * MB, 50 * MB})));
    }
    return new SoakResult(10, 500, 1000, "RUNNING", 0, 150, samples);
  }

  /**
   * The CI soak's shape: 180 s sampled every 5 s; RSS climbs 100 MB while caches fill (time
   * constant 25 s, as in the 30-minute soak), then follows {@code growthMbPerHour}; heap after GC
   * measured at 0, at the first sample after {@code warmup} and at the end.
   */
  static SoakResult warmingUp(double warmup, double growthMbPerHour, long heapGrowthMb) {
    Random random = new Random(2);
    List<SoakResult.Sample> samples = new ArrayList<>();
    boolean warmMeasured = false;
    for (int i = 0; i <= 36; i++) {
      double t = i * 5.0;
      long rss = (long) ((700 + 100 * (1 - Math.exp(-t / 25)) + growthMbPerHour * t / 3600 + 3 * (2 * random.nextDouble() - 1)) * MB);
      boolean details = i == 0 || i == 36 || (!warmMeasured && t >= warmup);
      warmMeasured |= t >= warmup;
      long heap = !details ? -1 : (i == 36 ? 40 + heapGrowthMb : 40) * MB;
      samples.add(new SoakResult.Sample(t, Map.of("taskmanager-1", new long[] {rss, heap, details ? 80 * MB : -1})));
    }
    return new SoakResult(3, 2000, 360_000, "RUNNING", 0, warmup, samples);
  }

  @Test
  void aSteadyClimbIsALeakAndItsSlopeIsMeasured() {
    SoakResult leaking = soak(600, 2);
    assertThat(leaking.slope("taskmanager-1")[0]).isCloseTo(600, within(30.0));
    assertThat(leaking.clearUpwardTrend()).isTrue();
  }

  @Test
  void noiseAroundAFlatLineIsNot() {
    SoakResult flat = soak(0, 20);
    assertThat(flat.clearUpwardTrend()).isFalse();
    assertThat(soak(20, 2).clearUpwardTrend()).as("a slow climb well under a quarter of RSS per hour").isFalse();
  }

  @Test
  void theWarmUpIsNotJudgedButALeakAfterItIs() {
    assertThat(warmingUp(100, 0, 0).clearUpwardTrend()).as("judged after it, flat").isFalse();
    assertThat(warmingUp(100, 2000, 0).clearUpwardTrend()).as("a native leak after the warm-up").isTrue();
    SoakResult heapLeak = warmingUp(100, 0, SoakResult.HEAP_GROWTH_MB + 20);
    assertThat(heapLeak.clearUpwardTrend()).as("a heap leak inside the pre-touched heap: RSS flat").isTrue();
    assertThat(heapLeak.fields()).containsEntry("taskmanager-1_heap_after_gc_warm_mb", 40.0)
        .containsEntry("taskmanager-1_heap_after_gc_end_mb", 40.0 + SoakResult.HEAP_GROWTH_MB + 20).containsEntry("warmup_s", 100.0);
  }
}
