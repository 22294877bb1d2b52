package io.vigil.operators.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.schemas.DeadLetter;
import io.vigil.schemas.DeadLetterReason;
import io.vigil.schemas.Feedback;
import io.vigil.schemas.SequenceEvent;
import io.vigil.schemas.wire.WireCodec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class DecodeEventsTest {

  private final WireCodec<SequenceEvent> codec = new WireCodec<>(SequenceEvent.getClassSchema());

  private byte[] event(String entity, Float... features) {
    return codec.encode(new SequenceEvent(entity, entity + "#0", Instant.ofEpochMilli(7), List.of(features)));
  }

  private static RawRecord raw(byte[] value, long offset) {
    return new RawRecord(value, "events", 1, offset, 0);
  }

  @Test
  void goodEventsPassAndEveryBadKindBecomesADeadLetterWithItsReason() throws Exception {
    byte[] otherSchema = new WireCodec<>(Feedback.getClassSchema())
        .encode(new Feedback("x", true, Instant.ofEpochMilli(1)));
    try (var h = new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(new DecodeEvents(3)))) {
      h.open();
      h.processElement(raw(event("a", 1f, 2f, 3f), 0), 0);
      h.processElement(raw("garbage".getBytes(StandardCharsets.UTF_8), 1), 0);
      h.processElement(raw(event("b", 1f, 2f), 2), 0);
      h.processElement(raw(event("c", 1f, Float.NaN, 3f), 3), 0);
      h.processElement(raw(event("d", 1f, 2f, Float.POSITIVE_INFINITY), 4), 0);
      h.processElement(raw(otherSchema, 5), 0);
      h.processElement(raw(event("", 1f, 2f, 3f), 6), 0);
      h.processElement(raw(null, 7), 0);

      assertThat(h.extractOutputValues()).extracting(SequenceEvent::getEntityId).containsExactly("a");
      List<DeadLetter> dead = h.getSideOutput(DecodeEvents.DEAD_LETTERS).stream().map(StreamRecord::getValue).toList();
      assertThat(dead).extracting(DeadLetter::getReason).containsExactly(
          DeadLetterReason.MALFORMED, DeadLetterReason.WRONG_FEATURE_COUNT, DeadLetterReason.NON_FINITE_FEATURE,
          DeadLetterReason.NON_FINITE_FEATURE, DeadLetterReason.UNKNOWN_SCHEMA, DeadLetterReason.MISSING_FIELD,
          DeadLetterReason.MALFORMED);
      assertThat(dead).extracting(DeadLetter::getSourceOffset).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
      assertThat(dead.get(1).getMessage()).isEqualTo("expected 3 features, got 2");
      assertThat(dead.get(2).getMessage()).isEqualTo("feature 1 is NaN");
      assertThat(dead.get(0).getRaw().array()).isEqualTo("garbage".getBytes(StandardCharsets.UTF_8));
      assertThat(dead).allSatisfy(d -> assertThat(d.getSourceTopic()).isEqualTo("events"));
    }
  }
}
