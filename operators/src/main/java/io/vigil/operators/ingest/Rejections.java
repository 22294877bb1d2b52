package io.vigil.operators.ingest;

import io.vigil.operators.AvroTypes;

import io.vigil.schemas.DeadLetter;
import io.vigil.schemas.DeadLetterReason;
import io.vigil.schemas.wire.Decoded;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.util.OutputTag;

/**
 * Turns an input record that cannot be used into a {@link DeadLetter} (bytes kept as read, reason,
 * where it came from) and counts it per reason ({@code deadLetters} with label {@code reason}).
 */
final class Rejections {

  static final OutputTag<DeadLetter> TAG = new OutputTag<>("dead-letters", AvroTypes.of(DeadLetter.class));

  private final Map<DeadLetterReason, Counter> counters = new EnumMap<>(DeadLetterReason.class);

  Rejections(MetricGroup group) {
    for (DeadLetterReason reason : DeadLetterReason.values()) {
      counters.put(reason, group.addGroup("reason", reason.name()).counter("deadLetters"));
    }
  }

  static DeadLetterReason reasonFor(Decoded.Failure failure) {
    return failure == Decoded.Failure.UNKNOWN_SCHEMA ? DeadLetterReason.UNKNOWN_SCHEMA : DeadLetterReason.MALFORMED;
  }

  DeadLetter reject(RawRecord raw, DeadLetterReason reason, String message, long nowMillis) {
    counters.get(reason).inc();
    return DeadLetter.newBuilder()
        .setRaw(ByteBuffer.wrap(raw.value == null ? new byte[0] : raw.value))
        .setReason(reason)
        .setMessage(message)
        .setSourceTopic(raw.topic == null ? "" : raw.topic)
        .setSourcePartition(raw.partition)
        .setSourceOffset(raw.offset)
        .setTime(Instant.ofEpochMilli(nowMillis))
        .build();
  }
}
