package io.vigil.operators.ingest;

import io.vigil.operators.AvroTypes;
import io.vigil.schemas.DeadLetter;
import io.vigil.schemas.DeadLetterReason;
import io.vigil.schemas.wire.Decoded;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.util.OutputTag;

/**
 * Turns an input record that cannot be used into a {@link DeadLetter} (its bytes up to
 * {@code deadLetterMaxBytes}, its size, the reason, where it came from) and counts it per reason
 * ({@code deadLetters} with label {@code reason}); dead letters whose bytes were cut are counted
 * in {@code deadLettersTruncated}. A dead letter is thus at most the prefix plus ~1.5 KiB.
 */
final class Rejections {

  static final OutputTag<DeadLetter> TAG = new OutputTag<>("dead-letters", AvroTypes.of(DeadLetter.class));

  private final Map<DeadLetterReason, Counter> counters = new EnumMap<>(DeadLetterReason.class);
  private final Counter truncated;
  private final int maxBytes;

  Rejections(MetricGroup group, int deadLetterMaxBytes) {
    for (DeadLetterReason reason : DeadLetterReason.values()) {
      counters.put(reason, group.addGroup("reason", reason.name()).counter("deadLetters"));
    }
    truncated = group.counter("deadLettersTruncated");
    maxBytes = deadLetterMaxBytes;
  }

  static DeadLetterReason reasonFor(Decoded.Failure failure) {
    return switch (failure) {
      case UNKNOWN_SCHEMA -> DeadLetterReason.UNKNOWN_SCHEMA;
      case RECORD_TOO_LARGE -> DeadLetterReason.RECORD_TOO_LARGE;
      case MALFORMED -> DeadLetterReason.MALFORMED;
    };
  }

  DeadLetter reject(RawRecord raw, Invalid invalid, long nowMillis) {
    counters.get(invalid.reason()).inc();
    byte[] value = raw.value == null ? new byte[0] : raw.value;
    boolean cut = value.length > maxBytes;
    if (cut) {
      truncated.inc();
    }
    String message = invalid.message();
    return DeadLetter.newBuilder()
        .setRaw(ByteBuffer.wrap(cut ? Arrays.copyOf(value, maxBytes) : value))
        .setRawSize(value.length)
        .setTruncated(cut)
        .setReason(invalid.reason())
        .setMessage(message.length() > IngestLimits.MAX_MESSAGE_CHARS
            ? message.substring(0, IngestLimits.MAX_MESSAGE_CHARS) + "..." : message)
        .setSourceTopic(raw.topic == null ? "" : raw.topic)
        .setSourcePartition(raw.partition)
        .setSourceOffset(raw.offset)
        .setTime(Instant.ofEpochMilli(nowMillis))
        .build();
  }
}
