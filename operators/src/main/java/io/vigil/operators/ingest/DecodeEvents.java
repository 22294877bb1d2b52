package io.vigil.operators.ingest;

import io.vigil.schemas.DeadLetter;
import io.vigil.schemas.DeadLetterReason;
import io.vigil.schemas.SequenceEvent;
import io.vigil.schemas.wire.Decoded;
import io.vigil.schemas.wire.WireCodec;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Decodes and validates raw input: good events go on, everything else becomes a
 * {@link DeadLetter} on a side output with its reason, and is counted per reason. Nothing thrown,
 * nothing dropped.
 */
public final class DecodeEvents extends ProcessFunction<RawRecord, SequenceEvent> {

  /** Rejected input, shared by every decoder of the job: one dead-letter stream. */
  public static final OutputTag<DeadLetter> DEAD_LETTERS = Rejections.TAG;

  private final int features;
  private transient WireCodec<SequenceEvent> codec;
  private transient Rejections rejections;

  /** @param features the feature count every model expects */
  public DecodeEvents(int features) {
    this.features = features;
  }

  @Override
  public void open(OpenContext context) {
    codec = new WireCodec<>(SequenceEvent.getClassSchema());
    rejections = new Rejections(getRuntimeContext().getMetricGroup());
  }

  @Override
  public void processElement(RawRecord raw, Context ctx, Collector<SequenceEvent> out) {
    Decoded<SequenceEvent> decoded = codec.decode(raw.value);
    if (!decoded.isOk()) {
      reject(raw, Rejections.reasonFor(decoded.failure()), decoded.message(), ctx);
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
    ctx.output(DEAD_LETTERS, rejections.reject(raw, reason, message, ctx.timerService().currentProcessingTime()));
  }
}
