package io.vigil.operators.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.schemas.DeadLetterReason;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class IngestLimitsTest {

  @Test
  void timeBoundsSaturateInsteadOfOverflowing() {
    IngestLimits wide = new IngestLimits(1 << 20, 8, Duration.ofMillis(Long.MAX_VALUE / 2), Duration.ofMillis(Long.MAX_VALUE / 2), 0);
    long now = Long.MAX_VALUE - 10;
    assertThat(wide.checkTime("t", Long.MAX_VALUE, now)).isNull();
    assertThat(wide.checkTime("t", Long.MIN_VALUE, Long.MIN_VALUE + 10)).isNull();
    IngestLimits narrow = IngestLimits.defaults();
    long wallClock = 1_767_225_600_000L;
    for (long t : new long[] {Long.MIN_VALUE, -1, 0, Long.MAX_VALUE, Long.MAX_VALUE - 1}) {
      assertThat(narrow.checkTime("t", t, wallClock).reason()).isEqualTo(DeadLetterReason.EVENT_TIME_OUT_OF_RANGE);
    }
    assertThat(narrow.checkTime("t", wallClock, wallClock)).isNull();
  }

  @Test
  void defaultsAndInvalidLimits() {
    IngestLimits d = IngestLimits.defaults();
    assertThat(d.maxRecordBytes()).isEqualTo(1 << 20);
    assertThat(d.maxIdLength()).isEqualTo(256);
    assertThat(d.maxEventAge()).isEqualTo(Duration.ofDays(7));
    assertThat(d.maxFutureSkew()).isEqualTo(Duration.ofMinutes(5));
    assertThat(d.deadLetterMaxBytes()).isEqualTo(64 * 1024);
    assertThat(d.checkId("id", "x".repeat(256))).isNull();
    assertThat(d.checkId("id", "x".repeat(257)).reason()).isEqualTo(DeadLetterReason.BAD_ID);
    assertThatThrownBy(() -> new IngestLimits(10, 8, Duration.ZERO, Duration.ZERO, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new IngestLimits(100, 0, Duration.ZERO, Duration.ZERO, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new IngestLimits(100, 8, Duration.ofDays(-1), Duration.ZERO, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new IngestLimits(100, 8, Duration.ofSeconds(Long.MAX_VALUE), Duration.ZERO, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
