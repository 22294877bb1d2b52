package io.vigil.operators;

import io.vigil.schemas.DeadLetter;
import io.vigil.schemas.DeadLetterReason;
import io.vigil.schemas.SequenceEvent;
import io.vigil.schemas.wire.Decoded;
import io.vigil.schemas.wire.WireCodec;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Decodes and validates raw input: good events go on, everything else becomes a
 * {@link DeadLetter} on a side output with its reason, and is counted per reason. Nothing thrown,
 * nothing dropped.
 */
public final class DecodeEvents extends ProcessFunction<RawRecord, SequenceEvent> {

  public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters", AvroTypes.of(DeadLetter.class));

  private final int features;
  private transient WireCodec<SequenceEvent> codec;
  private transient Map<DeadLetterReason, Counter> rejected;

  /** @param features the feature count every model expects */
  public DecodeEvents(int features) {
    this.features = features;
  }

  @Override
  public void open(OpenContext context) {
    codec = new WireCodec<>(SequenceEvent.getClassSchema());
    rejected = new EnumMap<>(DeadLetterReason.class);
    for (DeadLetterReason reason : DeadLetterReason.values()) {
      rejected.put(reason, getRuntimeContext().getMetricGroup().addGroup("reason", reason.name()).counter("deadLetters"));
    }
  }

  @Override
  public void processElement(RawRecord raw, Context ctx, Collector<SequenceEvent> out) {
    Decoded<SequenceEvent> decoded = codec.decode(raw.value);
    if (!decoded.isOk()) {
      DeadLetterReason reason = decoded.failure() == Decoded.Failure.UNKNOWN_SCHEMA
          ? DeadLetterReason.UNKNOWN_SCHEMA : DeadLetterReason.MALFORMED;
      reject(raw, reason, decoded.message(), ctx);
      return;
    }
    SequenceEvent event = decoded.value();
    String problem = validate(event);
    if (problem != null) {
      DeadLetterReason reason = event.getFeatures().size() != features ? DeadLetterReason.WRONG_FEATURE_COUNT
          : problem.startsWith("feature") ? DeadLetterReason.NON_FINITE_FEATURE : DeadLetterReason.MISSING_FIELD;
      reject(raw, reason, problem, ctx);
      return;
    }
    out.collect(event);
  }

  /** Null when the event can be scored, else what is wrong with it. */
  private String validate(SequenceEvent event) {
    if (event.getEntityId().isEmpty() || event.getEventId().isEmpty()) {
      return "entityId and eventId must not be empty";
    }
    List<Float> values = event.getFeatures();
    if (values.size() != features) {
      return "expected " + features + " features, got " + values.size();
    }
    for (int i = 0; i < values.size(); i++) {
      if (!Float.isFinite(values.get(i))) {
        return "feature " + i + " is " + values.get(i);
      }
    }
    return null;
  }

  private void reject(RawRecord raw, DeadLetterReason reason, String message, Context ctx) {
    rejected.get(reason).inc();
    ctx.output(DEAD_LETTERS, DeadLetter.newBuilder()
        .setRaw(ByteBuffer.wrap(raw.value == null ? new byte[0] : raw.value))
        .setReason(reason)
        .setMessage(message)
        .setSourceTopic(raw.topic == null ? "" : raw.topic)
        .setSourcePartition(raw.partition)
        .setSourceOffset(raw.offset)
        .setTime(Instant.ofEpochMilli(ctx.timerService().currentProcessingTime()))
        .build());
  }
}
