package io.vigil.operators.ingest;

import static io.vigil.operators.ingest.DecodeEventsTest.LIMITS;
import static io.vigil.operators.ingest.DecodeEventsTest.NOW;
import static io.vigil.operators.ingest.DecodeEventsTest.raw;
import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.schemas.DeadLetter;
import io.vigil.schemas.DeadLetterReason;
import io.vigil.schemas.Feedback;
import io.vigil.schemas.wire.WireCodec;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
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
}
