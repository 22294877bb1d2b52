package io.vigil.operators.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vigil.operators.onnx.ExecutionOptions;
import io.vigil.operators.onnx.LoadedModel;
import io.vigil.operators.onnx.ModelRef;
import io.vigil.schemas.ModelScore;
import io.vigil.schemas.Score;
import io.vigil.schemas.SequenceEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The scorer against an independent reference: each key's sequence fed alone, in order, one
 * event per ONNX call. Batching across keys must not change any score.
 */
class MicroBatchScorerTest {

  static final ModelRef STEP = ModelRef.of("src/test/resources/contract/good-step.onnx");
  static final ModelRef WINDOW = ModelRef.of("src/test/resources/contract/good-window.onnx");

  /** 30 keys, 12 events each, shuffled so keys interleave and repeat within a batch. */
  static List<SequenceEvent> events(long seed) {
    return events(new Random(seed), "key-%d", 3, 30, 12);
  }

  /**
   * {@code keys} keys (named by {@code keyFormat} from their index) with {@code perKey} events each,
   * shuffled so keys interleave; features drawn N(0, 1); event time one second apart.
   */
  static List<SequenceEvent> events(Random random, String keyFormat, int features, int keys, int perKey) {
    List<String> draws = new ArrayList<>();
    for (int k = 0; k < keys; k++) {
      for (int i = 0; i < perKey; i++) {
        draws.add(String.format(keyFormat, k));
      }
    }
    java.util.Collections.shuffle(draws, random);
    Map<String, Integer> next = new HashMap<>();
    List<SequenceEvent> out = new ArrayList<>();
    for (String key : draws) {
      int i = next.merge(key, 1, Integer::sum) - 1;
      List<Float> f = new ArrayList<>(features);
      for (int j = 0; j < features; j++) {
        f.add((float) random.nextGaussian());
      }
      out.add(new SequenceEvent(key, key + "#" + i, Instant.ofEpochMilli(1000L * out.size()), f));
    }
    return out;
  }

  static Map<String, float[]> reference(List<SequenceEvent> events) throws Exception {
    return PerKeyReference.scores(List.of(STEP, WINDOW), events);
  }

  static KeyedOneInputStreamOperatorTestHarness<String, SequenceEvent, Score> harness(BatchingOptions batching) throws Exception {
    return new KeyedOneInputStreamOperatorTestHarness<>(
        new MicroBatchScorer(List.of(STEP, WINDOW), ExecutionOptions.cpu(), batching), SequenceEvent::getEntityId, Types.STRING);
  }

  static List<Score> scores(KeyedOneInputStreamOperatorTestHarness<String, SequenceEvent, Score> h) {
    List<Score> out = new ArrayList<>();
    for (Object o : h.getOutput()) {
      if (o instanceof StreamRecord<?> r) {
        out.add((Score) r.getValue());
      }
    }
    return out;
  }

  static void assertMatches(List<Score> actual, Map<String, float[]> expected) {
    assertThat(actual).extracting(Score::getEventId).doesNotHaveDuplicates();
    assertThat(actual).hasSize(expected.size());
    for (Score s : actual) {
      float[] want = expected.get(s.getEventId());
      ModelScore step = s.getScores().get(0);
      ModelScore window = s.getScores().get(1);
      assertThat(step.getModel()).isEqualTo("rnn");
      assertThat(step.getScore()).as(s.getEventId()).isCloseTo(want[0], within(1e-6f));
      assertThat(window.getModel()).isEqualTo("energy");
      if (Float.isNaN(want[1])) {
        assertThat(window.getScore()).as("no window score before T events: " + s.getEventId()).isNull();
      } else {
        assertThat(window.getScore()).as(s.getEventId()).isCloseTo(want[1], within(1e-6f));
      }
    }
  }

  @Test
  void batchedAcrossKeysEqualsEachKeyAloneInOrder() throws Exception {
    List<SequenceEvent> events = events(1);
    for (int maxBatch : new int[] {1, 7, 64, 1000}) {
      try (var h = harness(new BatchingOptions(maxBatch, 60_000))) {
        h.open();
        for (SequenceEvent e : events) {
          h.processElement(e, e.getEventTime().toEpochMilli());
        }
        h.endInput();
        h.close();
        assertMatches(scores(h), reference(events));
      }
    }
  }

  @Test
  void passThroughGivesEachModelAStandInBelowItsThresholdWhereTheModelWouldScore() throws Exception {
    List<SequenceEvent> events = events(5);
    Map<String, float[]> reference = reference(events);
    float stepThreshold;
    float windowThreshold;
    try (LoadedModel step = LoadedModel.load(STEP, ExecutionOptions.cpu());
        LoadedModel window = LoadedModel.load(WINDOW, ExecutionOptions.cpu())) {
      stepThreshold = step.spec().threshold();
      windowThreshold = window.spec().threshold();
    }
    try (var h = new KeyedOneInputStreamOperatorTestHarness<>(new MicroBatchScorer(List.of(STEP, WINDOW), ExecutionOptions.cpu(),
        new BatchingOptions(64, 60_000), MicroBatchScorer.DEFAULT_ENTITY_TTL, true), SequenceEvent::getEntityId, Types.STRING)) {
      h.open();
      for (SequenceEvent e : events) {
        h.processElement(e, 0);
      }
      h.endInput();
      h.close();
      List<Score> out = scores(h);
      assertThat(out).hasSize(events.size());
      Map<String, SequenceEvent> byId = new HashMap<>();
      events.forEach(e -> byId.put(e.getEventId(), e));
      for (Score s : out) {
        List<Float> x = byId.get(s.getEventId()).getFeatures();
        // Step model 0 reads feature 0, window model 0 the next one; each a distinct value under its threshold.
        assertThat(s.getScores().get(0).getScore()).isEqualTo(MicroBatchScorer.standIn(x.get(0), stepThreshold))
            .isLessThan(stepThreshold);
        Float window = s.getScores().get(1).getScore();
        if (Float.isNaN(reference.get(s.getEventId())[1])) {
          assertThat(window).as("no window score before T events, as the model").isNull();
        } else {
          assertThat(window).isEqualTo(MicroBatchScorer.standIn(x.get(1), windowThreshold)).isLessThan(windowThreshold);
        }
      }
      assertThat(out).extracting(sc -> sc.getScores().get(0).getScore()).doesNotHaveDuplicates();
    }
  }

  @Test
  void eachKeysOutputKeepsItsInputOrder() throws Exception {
    List<SequenceEvent> events = events(2);
    try (var h = harness(new BatchingOptions(50, 60_000))) {
      h.open();
      for (SequenceEvent e : events) {
        h.processElement(e, 0);
      }
      h.close();
      Map<String, Integer> last = new HashMap<>();
      for (Score s : scores(h)) {
        int index = Integer.parseInt(s.getEventId().substring(s.getEventId().indexOf('#') + 1));
        assertThat(index).isEqualTo(last.merge(s.getEntityId(), 0, (a, b) -> a + 1));
      }
    }
  }

  @Test
  void maxDelayFlushesAPartialBatch() throws Exception {
    try (var h = harness(new BatchingOptions(1000, 10))) {
      h.open();
      h.setProcessingTime(0);
      SequenceEvent e = events(3).get(0);
      h.processElement(e, 0);
      assertThat(scores(h)).isEmpty();
      h.setProcessingTime(10);
      assertThat(scores(h)).extracting(Score::getEventId).containsExactly(e.getEventId());
    }
  }

  @Test
  void bufferIsFlushedBeforeTheBarrierAndStateIsRestoredExactly() throws Exception {
    List<SequenceEvent> events = events(4);
    List<SequenceEvent> first = events.subList(0, events.size() / 2);
    List<SequenceEvent> second = events.subList(events.size() / 2, events.size());
    List<Score> all = new ArrayList<>();
    OperatorSubtaskState snapshot;
    try (var h = harness(new BatchingOptions(1000, 60_000))) {
      h.open();
      for (SequenceEvent e : first) {
        h.processElement(e, 0);
      }
      assertThat(scores(h)).as("all buffered: nothing scored yet").isEmpty();
      h.prepareSnapshotPreBarrier(1);
      assertThat(scores(h)).as("flushed before the barrier").hasSize(first.size());
      snapshot = h.snapshot(1, 1);
      all.addAll(scores(h));
    }
    try (var restored = harness(new BatchingOptions(1000, 60_000))) {
      restored.setup();
      restored.initializeState(snapshot);
      restored.open();
      for (SequenceEvent e : second) {
        restored.processElement(e, 0);
      }
      restored.endInput();
      restored.close();
      all.addAll(scores(restored));
    }
    assertMatches(all, reference(events));
  }

  @Test
  void stateRestoredForAModelOfAnotherSizeRestartsFromZero() throws Exception {
    ModelRef wide = ModelRef.of("src/test/resources/contract/good-step-wide.onnx");
    List<SequenceEvent> events = events(5);
    List<SequenceEvent> first = events.subList(0, events.size() / 2);
    List<SequenceEvent> second = events.subList(events.size() / 2, events.size());
    OperatorSubtaskState snapshot;
    try (var h = new KeyedOneInputStreamOperatorTestHarness<String, SequenceEvent, Score>(
        new MicroBatchScorer(List.of(STEP), ExecutionOptions.cpu(), new BatchingOptions(16, 60_000)),
        SequenceEvent::getEntityId, Types.STRING)) {
      h.open();
      for (SequenceEvent e : first) {
        h.processElement(e, 0);
      }
      h.prepareSnapshotPreBarrier(1);
      snapshot = h.snapshot(1, 1);
    }
    try (var restored = new KeyedOneInputStreamOperatorTestHarness<String, SequenceEvent, Score>(
        new MicroBatchScorer(List.of(wide), ExecutionOptions.cpu(), new BatchingOptions(16, 60_000)),
        SequenceEvent::getEntityId, Types.STRING)) {
      restored.setup();
      restored.initializeState(snapshot);
      restored.open();
      for (SequenceEvent e : second) {
        restored.processElement(e, 0);
      }
      restored.close(); // finish() flushes the last partial batch
      Map<String, float[]> fromZero = PerKeyReference.scores(List.of(wide), second);
      List<Score> out = scores(restored);
      assertThat(out).hasSize(second.size());
      for (Score s : out) {
        assertThat(s.getScores().get(0).getScore()).as(s.getEventId()).isCloseTo(fromZero.get(s.getEventId())[0], within(1e-6f));
      }
    }
  }
}
