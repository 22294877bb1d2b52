package io.vigil.operators.ingest;

import io.vigil.schemas.Feedback;
import org.apache.avro.Schema;

/** Decodes labels from the feedback topic within the same limits as events; bad ones become dead letters. */
public final class DecodeFeedback extends ValidatingDecoder<Feedback> {

  public DecodeFeedback(IngestLimits limits) {
    super(limits);
  }

  @Override
  Schema schema() {
    return Feedback.getClassSchema();
  }

  @Override
  Invalid validate(Feedback feedback, long now) {
    Invalid invalid = limits.checkId("eventId", feedback.getEventId());
    return invalid != null ? invalid : limits.checkTime("time", feedback.getTime().toEpochMilli(), now);
  }
}
