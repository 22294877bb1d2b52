package io.vigil.pipelines.demo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProcessingRateTest {

  private static final long T0 = 1_800_000_000_000L;

  @Test
  void aBurstOfRecordsWrittenSteadilyReadsAsTheSteadyRate() {
    ProcessingRate rate = new ProcessingRate();
    // 100 records per second for 10 s, all received at once (one exactly-once commit).
    for (int ms = 0; ms < 10_000; ms += 10) {
      rate.add(T0 + ms);
    }
    assertThat(rate.perSecond(T0 + 10_500)).isEqualTo(100.0);
  }

  @Test
  void theNewestSecondStillFillingIsNotAveraged() {
    ProcessingRate rate = new ProcessingRate();
    for (int ms = 0; ms < 3_000; ms += 10) {
      rate.add(T0 + ms);
    }
    rate.add(T0 + 3_000);
    assertThat(rate.perSecond(T0 + 3_100)).isEqualTo(100.0);
  }

  @Test
  void secondsWithoutRecordsCountAsZero() {
    ProcessingRate rate = new ProcessingRate();
    rate.add(T0);
    rate.add(T0 + 4_000);
    assertThat(rate.perSecond(T0 + 4_000)).isEqualTo(0.0);
  }

  @Test
  void recordsOlderThanTheWindowAreNotCountedAndDoNotOverwriteNewerSeconds() {
    ProcessingRate rate = new ProcessingRate();
    for (int ms = 0; ms < 3_000; ms += 100) {
      rate.add(T0 + 100_000 + ms);
    }
    rate.add(T0 + 100_000 + 3_000);
    rate.add(T0 + 100_000 - ProcessingRate.SECONDS * 1000L);
    assertThat(rate.perSecond(T0 + 103_000)).isEqualTo(10.0);
  }

  @Test
  void aJobThatStoppedWritingReadsZero() {
    ProcessingRate rate = new ProcessingRate();
    for (int ms = 0; ms < 4_000; ms += 10) {
      rate.add(T0 + ms);
    }
    assertThat(rate.perSecond(T0 + 4_000 + ProcessingRate.STALE_MILLIS + 1_000)).isZero();
    assertThat(new ProcessingRate().perSecond(T0)).isZero();
  }
}
