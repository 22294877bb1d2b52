package io.vigil.operators.ingest;

import io.vigil.schemas.DeadLetterReason;
import io.vigil.schemas.Feedback;
import io.vigil.schemas.wire.SchemaHistory;
import java.util.List;
import org.apache.avro.Schema;

/**
 * Decodes labels from the feedback topic within the same limits as events; bad ones become dead
 * letters. Labels written before Feedback had an entityId still decode. When the join is keyed by
 * entity ({@code requireEntity}), a label without entityId cannot be joined: it becomes a
 * MISSING_FIELD dead letter that says how to fix it.
 */
public final class DecodeFeedback extends ValidatingDecoder<Feedback> {

  private final boolean requireEntity;

  public DecodeFeedback(IngestLimits limits) {
    this(limits, false);
  }

  public DecodeFeedback(IngestLimits limits, boolean requireEntity) {
    super(limits);
    this.requireEntity = requireEntity;
  }

  @Override
  Schema schema() {
    return Feedback.getClassSchema();
  }

  @Override
  List<Schema> earlierSchemas() {
    return SchemaHistory.of("Feedback");
  }

  @Override
  Invalid validate(Feedback feedback, long now) {
    Invalid invalid = limits.checkId("eventId", feedback.getEventId());
    if (invalid == null) {
      invalid = limits.checkTime("time", feedback.getTime().toEpochMilli(), now);
    }
    if (invalid == null && feedback.getEntityId() != null) {
      invalid = limits.checkId("entityId", feedback.getEntityId());
    }
    if (invalid == null && requireEntity && feedback.getEntityId() == null) {
      invalid = new Invalid(DeadLetterReason.MISSING_FIELD,
          "feedback has no entityId, and labels are joined by entity: send entityId, or run with --label-join event");
    }
    return invalid;
  }
}
