package io.vigil.operators.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.schemas.DeadLetter;
import io.vigil.schemas.DeadLetterReason;
import io.vigil.schemas.Feedback;
import io.vigil.schemas.SequenceEvent;
import io.vigil.schemas.wire.WireCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class DecodeEventsTest {

  static final long NOW = 1_767_225_600_000L;
  static final IngestLimits LIMITS = new IngestLimits(4096, 16, Duration.ofHours(1), Duration.ofMinutes(1), 100);

  private final WireCodec<SequenceEvent> codec = new WireCodec<>(SequenceEvent.getClassSchema());

  private byte[] event(String entity, long time, Float... features) {
    return codec.encode(new SequenceEvent(entity, entity + "#0", Instant.ofEpochMilli(time), List.of(features)));
  }

  private byte[] event(String entity, Float... features) {
    return event(entity, NOW - 1000, features);
  }

  static RawRecord raw(byte[] value, long offset) {
    return new RawRecord(value, "events", 1, offset, 0);
  }

  /** Runs {@code values} through DecodeEvents(3 features, LIMITS) at processing time NOW. */
  private Result run(byte[]... values) throws Exception {
    try (var h = new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(new DecodeEvents(3, LIMITS)))) {
      h.open();
      h.setProcessingTime(NOW);
      for (int i = 0; i < values.length; i++) {
        h.processElement(raw(values[i], i), 0);
      }
      return new Result(h.extractOutputValues(),
          h.getSideOutput(DecodeEvents.DEAD_LETTERS).stream().map(StreamRecord::getValue).toList());
    }
  }

  record Result(List<SequenceEvent> good, List<DeadLetter> dead) {}

  @Test
  void goodEventsPassAndEveryBadKindBecomesADeadLetterWithItsReason() throws Exception {
    byte[] otherSchema = new WireCodec<>(Feedback.getClassSchema())
        .encode(new Feedback("x", true, Instant.ofEpochMilli(1), null));
    Result r = run(
        event("a", 1f, 2f, 3f),
        "garbage".getBytes(StandardCharsets.UTF_8),
        event("b", 1f, 2f),
        event("c", 1f, Float.NaN, 3f),
        event("d", 1f, 2f, Float.POSITIVE_INFINITY),
        otherSchema,
        event("", 1f, 2f, 3f),
        null,
        new byte[5000],
        event("x".repeat(17), 1f, 2f, 3f),
        event("e", 0L, 1f, 2f, 3f),
        event("f", Long.MAX_VALUE, 1f, 2f, 3f),
        event("g", Long.MIN_VALUE, 1f, 2f, 3f),
        event("h", NOW + Duration.ofDays(365).toMillis(), 1f, 2f, 3f),
        event("i", 1f, Float.NEGATIVE_INFINITY, 3f),
        event("j", 1e38f, -1e38f, Float.MAX_VALUE));

    assertThat(r.good()).extracting(SequenceEvent::getEntityId).containsExactly("a", "j");
    assertThat(r.dead()).extracting(DeadLetter::getReason).containsExactly(
        DeadLetterReason.MALFORMED, DeadLetterReason.WRONG_FEATURE_COUNT, DeadLetterReason.NON_FINITE_FEATURE,
        DeadLetterReason.NON_FINITE_FEATURE, DeadLetterReason.UNKNOWN_SCHEMA, DeadLetterReason.BAD_ID,
        DeadLetterReason.MALFORMED, DeadLetterReason.RECORD_TOO_LARGE, DeadLetterReason.BAD_ID,
        DeadLetterReason.EVENT_TIME_OUT_OF_RANGE, DeadLetterReason.EVENT_TIME_OUT_OF_RANGE,
        DeadLetterReason.EVENT_TIME_OUT_OF_RANGE, DeadLetterReason.EVENT_TIME_OUT_OF_RANGE,
        DeadLetterReason.NON_FINITE_FEATURE);
    assertThat(r.dead()).extracting(DeadLetter::getSourceOffset)
        .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L, 14L);
    assertThat(r.dead().get(1).getMessage()).isEqualTo("expected 3 features, got 2");
    assertThat(r.dead().get(2).getMessage()).isEqualTo("feature 1 is NaN");
    assertThat(r.dead().get(5).getMessage()).isEqualTo("entityId is empty");
    assertThat(r.dead().get(7).getMessage()).isEqualTo("record of 5000 bytes exceeds the maximum of 4096");
    assertThat(r.dead().get(8).getMessage()).isEqualTo("entityId has 17 chars, more than 16");
    assertThat(r.dead().get(9).getMessage()).startsWith("eventTime 0 is outside [now - PT1H, now + PT1M]");
    assertThat(r.dead().get(0).getRaw().array()).isEqualTo("garbage".getBytes(StandardCharsets.UTF_8));
    assertThat(r.dead()).allSatisfy(d -> assertThat(d.getSourceTopic()).isEqualTo("events"));
    assertThat(r.dead()).allSatisfy(d -> assertThat(d.getTime()).isEqualTo(Instant.ofEpochMilli(NOW)));
  }

  @Test
  void theTimeRangeIsInclusiveAtBothEnds() throws Exception {
    long oldest = NOW - Duration.ofHours(1).toMillis();
    long newest = NOW + Duration.ofMinutes(1).toMillis();
    Result r = run(event("a", oldest, 1f, 2f, 3f), event("b", newest, 1f, 2f, 3f),
        event("c", oldest - 1, 1f, 2f, 3f), event("d", newest + 1, 1f, 2f, 3f));
    assertThat(r.good()).extracting(SequenceEvent::getEntityId).containsExactly("a", "b");
    assertThat(r.dead()).extracting(DeadLetter::getReason).containsOnly(DeadLetterReason.EVENT_TIME_OUT_OF_RANGE).hasSize(2);
  }

  @Test
  void deadLettersKeepAtMostThePrefixAndTheOriginalSize() throws Exception {
    byte[] large = new byte[5000];
    Arrays.fill(large, (byte) 'z');
    byte[] small = "tiny".getBytes(StandardCharsets.UTF_8);
    Result r = run(large, small, null);
    DeadLetter cut = r.dead().get(0);
    assertThat(cut.getRaw().remaining()).isEqualTo(100);
    assertThat(cut.getRawSize()).isEqualTo(5000);
    assertThat(cut.getTruncated()).isTrue();
    assertThat(r.dead().get(1).getRaw().array()).isEqualTo(small);
    assertThat(r.dead().get(1).getRawSize()).isEqualTo(4);
    assertThat(r.dead().get(1).getTruncated()).isFalse();
    assertThat(r.dead().get(2).getRawSize()).isZero();
  }

  @Test
  void aHostileBodyIsADeadLetterAndTheOperatorKeepsGoing() throws Exception {
    byte[] header = Arrays.copyOf(event("a", 1f, 2f, 3f), 10);
    byte[] twoGigabyteString = Arrays.copyOf(header, 15);
    System.arraycopy(new byte[] {(byte) 0x80, (byte) 0xd0, (byte) 0xac, (byte) 0xf3, 0x0e}, 0, twoGigabyteString, 10, 5);
    byte[] good = event("b", 1f, 2f, 3f);
    byte[] trailing = Arrays.copyOf(good, good.length + 3);
    Result r = run(twoGigabyteString, trailing, good);
    assertThat(r.good()).extracting(SequenceEvent::getEntityId).containsExactly("b");
    assertThat(r.dead()).extracting(DeadLetter::getReason).containsOnly(DeadLetterReason.MALFORMED).hasSize(2);
    assertThat(r.dead().get(0).getMessage()).contains("string length 2000000000");
    assertThat(r.dead().get(1).getMessage()).contains("3 trailing bytes");
  }
}
