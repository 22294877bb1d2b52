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
    return new SoakResult(10, 500, 1000, "RUNNING", 0, samples);
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
}
