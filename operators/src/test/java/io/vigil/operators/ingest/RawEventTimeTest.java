package io.vigil.operators.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.schemas.Feedback;
import io.vigil.schemas.SequenceEvent;
import io.vigil.schemas.wire.WireCodec;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RawEventTimeTest {

  private static final WireCodec<SequenceEvent> EVENTS = new WireCodec<>(SequenceEvent.getClassSchema());
  private static final WireCodec<Feedback> FEEDBACK = new WireCodec<>(Feedback.getClassSchema());

  private static RawRecord raw(byte[] value) {
    return new RawRecord(value, "t", 0, 0, 0);
  }

  @Test
  void readsTheTimeThatTheDecoderWouldRead() {
    long now = System.currentTimeMillis();
    byte[] event = EVENTS.encode(new SequenceEvent("entity-ü", "e-1", Instant.ofEpochMilli(now - 1234), List.of(1f, 2f)));
    byte[] label = FEEDBACK.encode(new Feedback("e-1", true, Instant.ofEpochMilli(now - 99), null));
    assertThat(new RawEventTime(RawEventTime.Layout.EVENT, IngestLimits.defaults()).extractTimestamp(raw(event), 0))
        .isEqualTo(now - 1234);
    assertThat(new RawEventTime(RawEventTime.Layout.FEEDBACK, IngestLimits.defaults()).extractTimestamp(raw(label), 0))
        .isEqualTo(now - 99);
    assertThat(RawEventTime.peek(EVENTS.encode(new SequenceEvent("a", "b", Instant.ofEpochMilli(-5), List.of())),
        RawEventTime.Layout.EVENT)).isEqualTo(-5);
  }

  @Test
  void bytesThatDoNotParseOrTimesOutOfRangeGetNoTime() {
    RawEventTime times = new RawEventTime(RawEventTime.Layout.EVENT, IngestLimits.defaults());
    byte[] good = EVENTS.encode(new SequenceEvent("a", "b", Instant.ofEpochMilli(System.currentTimeMillis()), List.of(1f)));
    byte[] farFuture = EVENTS.encode(new SequenceEvent("a", "b", Instant.ofEpochMilli(Long.MAX_VALUE), List.of(1f)));
    byte[] hugeLength = Arrays.copyOf(good, 15);
    hugeLength[10] = (byte) 0xFE;
    hugeLength[11] = (byte) 0xFF;
    hugeLength[12] = (byte) 0xFF;
    hugeLength[13] = (byte) 0xFF;
    hugeLength[14] = (byte) 0x0F;
    for (byte[] bad : List.of(new byte[0], new byte[] {1}, "not avro at all".getBytes(), Arrays.copyOf(good, 13),
        hugeLength, farFuture, EVENTS.encode(new SequenceEvent("a", "b", Instant.EPOCH, List.of(1f))))) {
      assertThat(times.extractTimestamp(raw(bad), 42)).as(Arrays.toString(bad)).isEqualTo(Long.MIN_VALUE);
    }
    assertThat(times.extractTimestamp(new RawRecord(null, "t", 0, 0, 0), 42)).isEqualTo(Long.MIN_VALUE);
  }
}
