package io.vigil.schemas.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.schemas.Feedback;
import io.vigil.schemas.SequenceEvent;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class WireCodecTest {

  private final WireCodec<SequenceEvent> events = new WireCodec<>(SequenceEvent.getClassSchema());

  private static SequenceEvent event() {
    return SequenceEvent.newBuilder()
        .setEntityId("e-1").setEventId("e-1#0").setEventTime(java.time.Instant.ofEpochMilli(1_000))
        .setFeatures(List.of(1f, 2f, 3f)).build();
  }

  @Test
  void roundTripsWithSchemaFingerprintHeader() {
    byte[] bytes = events.encode(event());
    assertThat(bytes[0]).isEqualTo((byte) 0xC3);
    assertThat(bytes[1]).isEqualTo((byte) 0x01);
    Decoded<SequenceEvent> decoded = events.decode(bytes);
    assertThat(decoded.isOk()).isTrue();
    assertThat(decoded.value()).isEqualTo(event());
  }

  @Test
  void garbageIsMalformedNotAnException() {
    Decoded<SequenceEvent> decoded = events.decode("hello, world".getBytes());
    assertThat(decoded.isOk()).isFalse();
    assertThat(decoded.failure()).isEqualTo(Decoded.Failure.MALFORMED);
  }

  @Test
  void truncatedBodyIsMalformed() {
    byte[] bytes = events.encode(event());
    Decoded<SequenceEvent> decoded = events.decode(Arrays.copyOf(bytes, 14));
    assertThat(decoded.failure()).isEqualTo(Decoded.Failure.MALFORMED);
  }

  @Test
  void emptyAndNullAreMalformed() {
    assertThat(events.decode(new byte[0]).failure()).isEqualTo(Decoded.Failure.MALFORMED);
    assertThat(events.decode(null).failure()).isEqualTo(Decoded.Failure.MALFORMED);
  }

  @Test
  void anotherRecordTypeIsAnUnknownSchema() {
    WireCodec<Feedback> feedback = new WireCodec<>(Feedback.getClassSchema());
    byte[] bytes = feedback.encode(Feedback.newBuilder().setEventId("x").setLabel(true)
        .setTime(java.time.Instant.ofEpochMilli(5)).build());
    Decoded<SequenceEvent> decoded = events.decode(bytes);
    assertThat(decoded.failure()).isEqualTo(Decoded.Failure.UNKNOWN_SCHEMA);
    assertThat(decoded.message()).isNotBlank();
  }
}
