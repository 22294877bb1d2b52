package io.vigil.schemas.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.schemas.Feedback;
import io.vigil.schemas.FeedbackIssue;
import io.vigil.schemas.FeedbackIssueReason;
import io.vigil.schemas.MetricSnapshot;
import io.vigil.schemas.Score;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

/** Records written by an earlier schema version decode into the current class, new fields at their defaults. */
class SchemaHistoryTest {

  @Test
  void scoreVersionOneDecodesWithScoredAtNull() throws Exception {
    Schema v1 = SchemaHistory.of("Score").get(0);
    GenericRecord model = new GenericData.Record(v1.getField("scores").schema().getElementType());
    model.put("model", "lstm");
    model.put("version", "1");
    model.put("score", 0.75f);
    model.put("threshold", 0.5f);
    GenericRecord old = new GenericData.Record(v1);
    old.put("eventId", "e1");
    old.put("entityId", "entity-1");
    old.put("eventTime", 1_000L);
    old.put("scores", List.of(model));
    byte[] bytes = encode(v1, old);

    Decoded<Score> decoded = new WireCodec<Score>(Score.getClassSchema(), SchemaHistory.of("Score")).decode(bytes);

    assertThat(decoded.isOk()).isTrue();
    assertThat(decoded.value().getEventId()).isEqualTo("e1");
    assertThat(decoded.value().getScores().get(0).getScore()).isEqualTo(0.75f);
    assertThat(decoded.value().getScoredAt()).isNull();
    assertThat(new WireCodec<Score>(Score.getClassSchema()).decode(bytes).failure())
        .as("without the history the writer is unknown")
        .isEqualTo(Decoded.Failure.UNKNOWN_SCHEMA);
  }

  @Test
  void metricSnapshotVersionOneDecodesAsExactWithoutBounds() throws Exception {
    Schema v1 = SchemaHistory.of("MetricSnapshot").get(0);
    assertThat(v1.getField("exact")).isNull();
    GenericRecord old = new GenericData.Record(v1);
    for (Schema.Field f : v1.getFields()) {
      old.put(f.name(), switch (f.schema().getType()) {
        case STRING -> "m";
        case ENUM -> new GenericData.EnumSymbol(f.schema(), "CUMULATIVE");
        case LONG -> 7L;
        case FLOAT -> 0.5f;
        case DOUBLE -> 0.25;
        case BOOLEAN -> false;
        case ARRAY -> List.of();
        default -> null; // windowStart: null
      });
    }

    Decoded<MetricSnapshot> decoded = new WireCodec<MetricSnapshot>(MetricSnapshot.getClassSchema(),
        SchemaHistory.of("MetricSnapshot")).decode(encode(v1, old));

    assertThat(decoded.isOk()).isTrue();
    assertThat(decoded.value().getRocAuc()).isEqualTo(0.25);
    assertThat(decoded.value().getExact()).isTrue();
    assertThat(decoded.value().getRocAucLower()).isNull();
  }

  @Test
  void feedbackVersionOneDecodesWithoutEntity() throws Exception {
    Schema v1 = SchemaHistory.of("Feedback").get(0);
    assertThat(v1.getField("entityId")).isNull();
    GenericRecord old = new GenericData.Record(v1);
    old.put("eventId", "e1");
    old.put("label", true);
    old.put("time", 2_000L);
    byte[] bytes = encode(v1, old);

    Decoded<Feedback> decoded = new WireCodec<Feedback>(Feedback.getClassSchema(), SchemaHistory.of("Feedback")).decode(bytes);

    assertThat(decoded.isOk()).isTrue();
    assertThat(decoded.value().getEventId()).isEqualTo("e1");
    assertThat(decoded.value().getEntityId()).isNull();
    assertThat(new WireCodec<Feedback>(Feedback.getClassSchema()).decode(bytes).failure())
        .isEqualTo(Decoded.Failure.UNKNOWN_SCHEMA);
  }

  @Test
  void feedbackIssueVersionOneDecodesItsFeedbackWithoutEntity() throws Exception {
    Schema v1 = SchemaHistory.of("FeedbackIssue").get(0);
    GenericRecord feedback = new GenericData.Record(v1.getField("feedback").schema());
    feedback.put("eventId", "e1");
    feedback.put("label", false);
    feedback.put("time", 2_000L);
    GenericRecord old = new GenericData.Record(v1);
    old.put("feedback", feedback);
    old.put("reason", new GenericData.EnumSymbol(v1.getField("reason").schema(), "EXPIRED"));

    Decoded<FeedbackIssue> decoded = new WireCodec<FeedbackIssue>(FeedbackIssue.getClassSchema(),
        SchemaHistory.of("FeedbackIssue")).decode(encode(v1, old));

    assertThat(decoded.isOk()).isTrue();
    assertThat(decoded.value().getReason()).isEqualTo(FeedbackIssueReason.EXPIRED);
    assertThat(decoded.value().getFeedback().getEntityId()).isNull();
  }

  private static byte[] encode(Schema schema, GenericRecord record) throws Exception {
    ByteBuffer buffer = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), schema).encode(record);
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return bytes;
  }
}
