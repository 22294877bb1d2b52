package io.vigil.operators.ingest;

import io.vigil.schemas.DeadLetter;
import io.vigil.schemas.DeadLetterReason;
import io.vigil.schemas.SequenceEvent;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.flink.util.OutputTag;

/**
 * Decodes and validates raw events: ids present and not too long, event time within the accepted
 * range, exactly the models' feature count, every feature finite. Rejected input goes to
 * {@link #DEAD_LETTERS}.
 */
public final class DecodeEvents extends ValidatingDecoder<SequenceEvent> {

  /** Rejected input, shared by every decoder of the job: one dead-letter stream. */
  public static final OutputTag<DeadLetter> DEAD_LETTERS = Rejections.TAG;

  private final int features;

  /** @param features the feature count every model expects */
  public DecodeEvents(int features, IngestLimits limits) {
    super(limits);
    this.features = features;
  }

  @Override
  Schema schema() {
    return SequenceEvent.getClassSchema();
  }

  @Override
  Invalid validate(SequenceEvent event, long now) {
    Invalid invalid = limits.checkId("entityId", event.getEntityId());
    if (invalid == null) {
      invalid = limits.checkId("eventId", event.getEventId());
    }
    if (invalid == null) {
      invalid = limits.checkTime("eventTime", event.getEventTime().toEpochMilli(), now);
    }
    return invalid != null ? invalid : checkFeatures(event.getFeatures());
  }

  private Invalid checkFeatures(List<Float> values) {
    if (values.size() != features) {
      return new Invalid(DeadLetterReason.WRONG_FEATURE_COUNT, "expected " + features + " features, got " + values.size());
    }
    for (int i = 0; i < values.size(); i++) {
      if (!Float.isFinite(values.get(i))) {
        return new Invalid(DeadLetterReason.NON_FINITE_FEATURE, "feature " + i + " is " + values.get(i));
      }
    }
    return null;
  }
}
