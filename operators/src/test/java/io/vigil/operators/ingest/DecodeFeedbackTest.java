package io.vigil.operators.ingest;

import static io.vigil.operators.ingest.DecodeEventsTest.LIMITS;
import static io.vigil.operators.ingest.DecodeEventsTest.NOW;
import static io.vigil.operators.ingest.DecodeEventsTest.raw;
import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.schemas.DeadLetter;
import io.vigil.schemas.DeadLetterReason;
import io.vigil.schemas.Feedback;
import io.vigil.schemas.wire.SchemaHistory;
import io.vigil.schemas.wire.WireCodec;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class DecodeFeedbackTest {

  private final WireCodec<Feedback> codec = new WireCodec<>(Feedback.getClassSchema());

  private byte[] label(String eventId, long time) {
    return codec.encode(new Feedback(eventId, true, Instant.ofEpochMilli(time), null));
  }

  @Test
  void labelsGetTheSameSizeIdAndTimeChecksAsEvents() throws Exception {
    byte[] good = label("e#1", NOW);
    List<byte[]> values = Arrays.asList(good, label("", NOW), label("y".repeat(17), NOW), label("e#2", 0),
        label("e#3", Long.MAX_VALUE), new byte[5000], Arrays.copyOf(good, good.length + 1), null);
    try (var h = new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(new DecodeFeedback(LIMITS)))) {
      h.open();
      h.setProcessingTime(NOW);
      for (int i = 0; i < values.size(); i++) {
        h.processElement(raw(values.get(i), i), 0);
      }
      assertThat(h.extractOutputValues()).extracting(Feedback::getEventId).containsExactly("e#1");
      List<DeadLetter> dead = h.getSideOutput(DecodeEvents.DEAD_LETTERS).stream().map(StreamRecord::getValue).toList();
      assertThat(dead).extracting(DeadLetter::getReason).containsExactly(
          DeadLetterReason.BAD_ID, DeadLetterReason.BAD_ID, DeadLetterReason.EVENT_TIME_OUT_OF_RANGE,
          DeadLetterReason.EVENT_TIME_OUT_OF_RANGE, DeadLetterReason.RECORD_TOO_LARGE, DeadLetterReason.MALFORMED,
          DeadLetterReason.MALFORMED);
      assertThat(dead.get(2).getMessage()).startsWith("time 0 is outside");
      assertThat(dead.get(4).getTruncated()).isTrue();
    }
  }

  @Test
  void joinedByEntityALabelWithoutEntityIsADeadLetterThatSaysWhatToDo() throws Exception {
    byte[] withEntity = codec.encode(new Feedback("e#1", true, Instant.ofEpochMilli(NOW), "entity-1"));
    byte[] badEntity = codec.encode(new Feedback("e#2", true, Instant.ofEpochMilli(NOW), ""));
    Schema v1 = SchemaHistory.of("Feedback").get(0);
    GenericRecord old = new GenericData.Record(v1);
    old.put("eventId", "e#3");
    old.put("label", true);
    old.put("time", NOW);
    ByteBuffer buffer = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old);
    byte[] versionOne = Arrays.copyOfRange(buffer.array(), buffer.arrayOffset(), buffer.arrayOffset() + buffer.remaining());
    for (boolean byEntity : new boolean[] {true, false}) {
      try (var h = new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(new DecodeFeedback(LIMITS, byEntity)))) {
        h.open();
        h.setProcessingTime(NOW);
        h.processElement(raw(withEntity, 0), 0);
        h.processElement(raw(badEntity, 1), 0);
        h.processElement(raw(versionOne, 2), 0);
        List<DeadLetter> dead = h.getSideOutput(DecodeEvents.DEAD_LETTERS).stream().map(StreamRecord::getValue).toList();
        if (byEntity) {
          assertThat(h.extractOutputValues()).extracting(Feedback::getEventId).containsExactly("e#1");
          assertThat(dead).extracting(DeadLetter::getReason)
              .containsExactly(DeadLetterReason.BAD_ID, DeadLetterReason.MISSING_FIELD);
          assertThat(dead.get(1).getMessage()).contains("send entityId, or run with --label-join event");
        } else {
          assertThat(h.extractOutputValues()).extracting(Feedback::getEventId).containsExactly("e#1", "e#3");
          assertThat(dead).extracting(DeadLetter::getReason).containsExactly(DeadLetterReason.BAD_ID);
        }
      }
    }
  }
}
