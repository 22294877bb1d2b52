package io.vigil.operators.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vigil.operators.onnx.ExecutionOptions;
import io.vigil.operators.onnx.ModelRef;
import io.vigil.schemas.DeadLetter;
import io.vigil.schemas.DeadLetterReason;
import io.vigil.schemas.Score;
import io.vigil.schemas.SequenceEvent;
import io.vigil.schemas.wire.WireCodec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * One event that breaks a model must cost that event only, and a silent key must give its state
 * back. The fixture model {@code fragile-step.onnx} fails the whole ONNX call when a row has
 * x0 = 666 and answers NaN (score and state) when x0 < -1000.
 */
class ScorerIsolationTest {

  static final ModelRef FRAGILE = ModelRef.of("src/test/resources/contract/fragile-step.onnx");

  static KeyedOneInputStreamOperatorTestHarness<String, SequenceEvent, Score> harness(List<ModelRef> models, Duration ttl)
      throws Exception {
    return new KeyedOneInputStreamOperatorTestHarness<>(
        new MicroBatchScorer(models, ExecutionOptions.cpu(), new BatchingOptions(64, 60_000), ttl, false),
        SequenceEvent::getEntityId, Types.STRING);
  }

  static SequenceEvent event(String key, int i, float x0) {
    return new SequenceEvent(key, key + "#" + i, Instant.ofEpochSecond(i), List.of(x0, 0.5f, -0.5f));
  }

  static List<DeadLetter> deadLetters(KeyedOneInputStreamOperatorTestHarness<String, SequenceEvent, Score> h) {
    List<DeadLetter> out = new ArrayList<>();
    if (h.getSideOutput(MicroBatchScorer.REJECTED) != null) {
      for (StreamRecord<DeadLetter> r : h.getSideOutput(MicroBatchScorer.REJECTED)) {
        out.add(r.getValue());
      }
    }
    return out;
  }

  @Test
  void aFailingOrNonFiniteEventIsDeadLetteredAndItsKeyKeepsItsState() throws Exception {
    List<SequenceEvent> good = new ArrayList<>();
    List<SequenceEvent> all = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      for (int k = 0; k < 20; k++) {
        SequenceEvent e = event("key-" + k, i, k + i);
        good.add(e);
        all.add(e);
      }
      if (i == 2) {
        all.add(event("key-3", 100, 666f));     // ONNX Runtime fails the call
        all.add(event("key-5", 101, -2000f));   // NaN score and state
      }
    }
    try (var h = harness(List.of(FRAGILE, MicroBatchScorerTest.WINDOW), MicroBatchScorer.DEFAULT_ENTITY_TTL)) {
      h.open();
      for (SequenceEvent e : all) {
        h.processElement(e, e.getEventTime().toEpochMilli());
      }
      h.endInput();
      h.close(); // finish() flushes the last partial batch
      List<Score> scores = MicroBatchScorerTest.scores(h);
      List<DeadLetter> dead = deadLetters(h);

      assertThat(dead).extracting(DeadLetter::getReason)
          .containsExactlyInAnyOrder(DeadLetterReason.MODEL_ERROR, DeadLetterReason.NON_FINITE_OUTPUT);
      WireCodec<SequenceEvent> codec = new WireCodec<>(SequenceEvent.getClassSchema());
      assertThat(dead).extracting(d -> codec.decode(d.getRaw().array()).value().getEventId())
          .containsExactlyInAnyOrder("key-3#100", "key-5#101");
      assertThat(dead).filteredOn(d -> d.getReason() == DeadLetterReason.NON_FINITE_OUTPUT)
          .allSatisfy(d -> assertThat(d.getMessage()).contains("fragile.score", "fragile.state_out_0"));

      // Every other event scored, each as if the rejected ones never came: state intact.
      Map<String, float[]> expected = PerKeyReference.scores(List.of(FRAGILE, MicroBatchScorerTest.WINDOW), good);
      assertThat(scores).hasSize(good.size());
      for (Score s : scores) {
        assertThat(s.getScores().get(0).getScore()).as(s.getEventId()).isFinite()
            .isCloseTo(expected.get(s.getEventId())[0], within(1e-4f));
      }
    }
  }

  @Test
  void aKeySilentForTheTtlLosesItsStateAndStartsAgainFromZero() throws Exception {
    Duration ttl = Duration.ofSeconds(60);
    try (var h = harness(List.of(FRAGILE), ttl)) {
      h.open();
      MicroBatchScorer scorer = (MicroBatchScorer) h.getOneInputOperator();
      for (int i = 0; i < 5; i++) {
        h.processElement(event("quiet", i, 1f), i * 1000L);
        h.processElement(event("busy", i, 1f), i * 1000L);
      }
      h.processWatermark(new Watermark(4_000));
      assertThat(scorer.liveKeys()).isEqualTo(2);
      for (int i = 5; i < 70; i++) {
        h.processElement(event("busy", i, 1f), i * 1000L);
      }
      h.processWatermark(new Watermark(69_000));
      assertThat(scorer.liveKeys()).as("quiet silent since 4 s, TTL 60 s").isEqualTo(1);
      assertThat(h.numEventTimeTimers()).as("one pending expiry timer per live key").isEqualTo(1);

      h.processElement(event("quiet", 70, 1f), 70_000L);
      h.endInput();
      h.close(); // finish() flushes the last partial batch
      Score fresh = MicroBatchScorerTest.scores(h).stream().filter(s -> s.getEventId().equals("quiet#70")).findFirst().orElseThrow();
      Score first = MicroBatchScorerTest.scores(h).stream().filter(s -> s.getEventId().equals("quiet#0")).findFirst().orElseThrow();
      assertThat(fresh.getScores().get(0).getScore()).as("zero state again, as on its first event")
          .isEqualTo(first.getScores().get(0).getScore());
      assertThat(scorer.liveKeys()).isEqualTo(2);
    }
  }

  @Test
  void anEventTimeNearTheEndOfTimeDoesNotOverflowTheExpiry() throws Exception {
    try (var h = harness(List.of(FRAGILE), Duration.ofHours(24))) {
      h.open();
      SequenceEvent late = new SequenceEvent("k", "k#0", Instant.ofEpochMilli(Long.MAX_VALUE - 5), List.of(1f, 0f, 0f));
      h.processElement(late, Long.MAX_VALUE - 5);
      h.processWatermark(new Watermark(Long.MAX_VALUE - 1));
      h.endInput();
      h.close(); // finish() flushes the last partial batch
      assertThat(MicroBatchScorerTest.scores(h)).hasSize(1);
      assertThat(((MicroBatchScorer) h.getOneInputOperator()).liveKeys()).as("not expired before its time").isEqualTo(1);
    }
  }
}
