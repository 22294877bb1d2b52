package io.vigil.operators.scoring;

import io.vigil.operators.AvroTypes;
import io.vigil.schemas.DeadLetter;
import io.vigil.schemas.DeadLetterReason;
import io.vigil.schemas.SequenceEvent;
import io.vigil.schemas.wire.WireCodec;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.util.OutputTag;

/**
 * Events the scorer could not score (a model failed on them or answered with a non-finite value)
 * become dead letters holding the event in wire format, counted per reason like the decoder's
 * ({@code deadLetters} with label {@code reason}). The event passed the decoder's checks (a fixed
 * feature count, ids of at most the id length), so its encoding stays small. The source topic is
 * empty and partition / offset -1: the record's Kafka coordinates are not carried past decoding;
 * the message names the event and entity ids.
 */
final class ScoringRejections {

  static final OutputTag<DeadLetter> TAG = new OutputTag<>("scoring-rejections", AvroTypes.of(DeadLetter.class));

  private static final DeadLetterReason[] REASONS = {DeadLetterReason.NON_FINITE_OUTPUT, DeadLetterReason.MODEL_ERROR};

  private final WireCodec<SequenceEvent> codec = new WireCodec<>(SequenceEvent.getClassSchema());
  private final Map<DeadLetterReason, Counter> counters = new EnumMap<>(DeadLetterReason.class);

  ScoringRejections(MetricGroup group) {
    for (DeadLetterReason reason : REASONS) {
      counters.put(reason, group.addGroup("reason", reason.name()).counter("deadLetters"));
    }
  }

  DeadLetter reject(SequenceEvent event, DeadLetterReason reason, String message, long nowMillis) {
    counters.get(reason).inc();
    byte[] raw = codec.encode(event);
    return DeadLetter.newBuilder()
        .setRaw(ByteBuffer.wrap(raw))
        .setRawSize(raw.length)
        .setReason(reason)
        .setMessage("event " + event.getEventId() + " of " + event.getEntityId() + ": " + message)
        .setSourceTopic("")
        .setSourcePartition(-1)
        .setSourceOffset(-1)
        .setTime(Instant.ofEpochMilli(nowMillis))
        .build();
  }
}
