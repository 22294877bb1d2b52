package io.vigil.schemas.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.schemas.Feedback;
import io.vigil.schemas.SequenceEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.api.Test;

/**
 * Runs with a 64 MiB heap (schemas/pom.xml): an input that made the decoder allocate from a
 * length prefix would end in OutOfMemoryError here, which {@link #avroAloneAllocatesWhatAPrefixClaims}
 * shows is what Avro without the checks does.
 */
class WireCodecTest {

  private final WireCodec<SequenceEvent> events = new WireCodec<>(SequenceEvent.getClassSchema());

  private static SequenceEvent event() {
    return SequenceEvent.newBuilder()
        .setEntityId("e-1").setEventId("e-1#0").setEventTime(java.time.Instant.ofEpochMilli(1_000))
        .setFeatures(List.of(1f, 2f, 3f)).build();
  }

  /** The 10-byte single-object header of SequenceEvent: magic and fingerprint. */
  private byte[] header() {
    return Arrays.copyOf(events.encode(event()), 10);
  }

  /** Avro's zig-zag varint of {@code v}, as its own encoder writes a long or a length. */
  static byte[] varint(long v) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      EncoderFactory.get().directBinaryEncoder(out, null).writeLong(v);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  /** 15 bytes: a valid header, then an entityId whose length prefix claims ~2 GB. */
  private byte[] stringClaimingTwoGigabytes() {
    byte[] bytes = concat(header(), varint(2_000_000_000L));
    assertThat(bytes).hasSize(15);
    return bytes;
  }

  /** Valid ids and time, then a features array whose block count claims 2^31 floats. */
  private byte[] arrayClaimingTwoToThe31Items() {
    return concat(header(), varint(1), "a".getBytes(), varint(1), "b".getBytes(), varint(7), varint(1L << 31));
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
    for (int length = 1; length < bytes.length; length++) {
      assertThat(events.decode(Arrays.copyOf(bytes, length)).failure()).as("first %d bytes", length)
          .isEqualTo(Decoded.Failure.MALFORMED);
    }
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
    assertThat(decoded.message()).contains("SequenceEvent");
  }

  @Test
  void aRecordAboveTheMaximumIsRefusedUnread() {
    WireCodec<SequenceEvent> small = new WireCodec<>(SequenceEvent.getClassSchema(), 40);
    byte[] fits = small.encode(event());
    assertThat(small.decode(fits).isOk()).isTrue();
    byte[] tooLarge = Arrays.copyOf(fits, 41); // the size is checked before anything else
    Decoded<SequenceEvent> decoded = small.decode(tooLarge);
    assertThat(decoded.failure()).isEqualTo(Decoded.Failure.RECORD_TOO_LARGE);
    assertThat(decoded.message()).isEqualTo("record of 41 bytes exceeds the maximum of 40");
    assertThatThrownBy(() -> new WireCodec<>(SequenceEvent.getClassSchema(), 10)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void avroAloneAllocatesWhatAPrefixClaims() {
    BinaryMessageDecoder<SequenceEvent> avro = new BinaryMessageDecoder<>(SpecificData.get(), SequenceEvent.getClassSchema());
    assertThatThrownBy(() -> avro.decode(stringClaimingTwoGigabytes())).isInstanceOf(OutOfMemoryError.class);
  }

  @Test
  void aStringLengthPrefixClaimingTwoGigabytesIsMalformed() {
    Decoded<SequenceEvent> decoded = events.decode(stringClaimingTwoGigabytes());
    assertThat(decoded.failure()).isEqualTo(Decoded.Failure.MALFORMED);
    assertThat(decoded.message()).contains("string length 2000000000 but 0 bytes remain");
  }

  @Test
  void anArrayLengthPrefixClaimingTwoToThe31ItemsIsMalformed() {
    Decoded<SequenceEvent> decoded = events.decode(arrayClaimingTwoToThe31Items());
    assertThat(decoded.failure()).isEqualTo(Decoded.Failure.MALFORMED);
    assertThat(decoded.message()).contains("more items than the record has bytes");
    // The same count as a negative block (count, then the block's byte size), as Avro also allows.
    byte[] negative = concat(header(), varint(1), "a".getBytes(), varint(1), "b".getBytes(), varint(7),
        varint(-(1L << 31)), varint(1L << 33));
    assertThat(events.decode(negative).failure()).isEqualTo(Decoded.Failure.MALFORMED);
    byte[] minCount = concat(header(), varint(1), "a".getBytes(), varint(1), "b".getBytes(), varint(7),
        varint(Long.MIN_VALUE), varint(0));
    assertThat(events.decode(minCount).failure()).isEqualTo(Decoded.Failure.MALFORMED);
  }

  @Test
  void anOverlongVarintIsMalformed() {
    byte[] eleven = new byte[11];
    Arrays.fill(eleven, (byte) 0xff);
    assertThat(events.decode(concat(header(), eleven)).message()).contains("varint longer than 10 bytes");
  }

  @Test
  void trailingBytesAfterACompleteRecordAreMalformed() {
    Decoded<SequenceEvent> decoded = events.decode(concat(events.encode(event()), new byte[] {0}));
    assertThat(decoded.failure()).isEqualTo(Decoded.Failure.MALFORMED);
    assertThat(decoded.message()).contains("1 trailing bytes after a complete SequenceEvent");
  }

  @Test
  void noMutationOfAValidRecordEscapesAsAThrowable() {
    byte[] valid = events.encode(event());
    WireCodec<Feedback> feedbackCodec = new WireCodec<>(Feedback.getClassSchema());
    byte[] label = feedbackCodec.encode(new Feedback("id", true, java.time.Instant.ofEpochMilli(3), null));
    SplittableRandom random = new SplittableRandom(7);
    List<Decoded.Failure> seen = new ArrayList<>();
    for (int i = 0; i < 200_000; i++) {
      byte[] base = i % 2 == 0 ? valid : label;
      byte[] mutated = Arrays.copyOf(base, 10 + random.nextInt(base.length + 8 - 10));
      for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
        int at = 10 + random.nextInt(mutated.length - 10 + 1);
        if (at < mutated.length) {
          mutated[at] = (byte) random.nextInt(256);
        }
      }
      Decoded<?> decoded = i % 2 == 0 ? events.decode(mutated) : feedbackCodec.decode(mutated);
      seen.add(decoded.failure());
    }
    assertThat(seen).contains(Decoded.Failure.MALFORMED).containsNull();
  }
}
