package io.vigil.operators.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vigil.operators.onnx.ExecutionOptions;
import io.vigil.operators.onnx.LoadedModel;
import io.vigil.operators.onnx.ModelRef;
import io.vigil.schemas.Score;
import io.vigil.schemas.SequenceEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The scorer through many crashes, as a job with exactly-once outputs lives them: each epoch
 * restores the last checkpoint (at a parallelism drawn anew, so key groups move between
 * subtasks), replays the input from that checkpoint's offset, takes a checkpoint at a random
 * point and crashes a random while later; what it emitted after its checkpoint is never committed.
 * The committed scores must hold every event exactly once with the score each key's uninterrupted
 * sequence gives ({@link PerKeyReference}) — a key whose state a restore lost scores from zero.
 */
class FailoverStressTest {

  private static final List<ModelRef> SHIPPED = List.of(
      ModelRef.of("../models/recurrent.onnx"), ModelRef.of("../models/cnn.onnx"), ModelRef.of("../models/autoencoder.onnx"));
  private static final int MAX_PARALLELISM = 128;
  private static final int EPOCHS = 12;

  @ParameterizedTest
  @ValueSource(longs = {7, 8})
  void everyScoreAfterRepeatedCrashesAndRescalesEqualsTheUninterruptedKeysScore(long seed) throws Exception {
    Random random = new Random(seed);
    List<SequenceEvent> events = MicroBatchScorerTest.events(random, "entity-%03d", features(), 40, 60);
    Map<String, float[]> expected = PerKeyReference.scores(SHIPPED, events);

    List<Score> committed = new ArrayList<>();
    OperatorSubtaskState checkpoint = null;
    int checkpointParallelism = 0;
    int checkpointOffset = 0;
    long checkpointId = 0;
    for (int epoch = 0; epoch <= EPOCHS; epoch++) {
      boolean last = epoch == EPOCHS;
      int parallelism = 1 + random.nextInt(3);
      List<KeyedOneInputStreamOperatorTestHarness<String, SequenceEvent, Score>> subtasks = start(parallelism, checkpoint, checkpointParallelism);
      int[] committedOutputs = new int[parallelism];
      int remaining = events.size() - checkpointOffset;
      int checkpointAt = last ? events.size() : checkpointOffset + random.nextInt(remaining + 1);
      int crashAt = last ? events.size() : checkpointAt + random.nextInt(events.size() - checkpointAt + 1);
      long now = 0;
      for (int offset = checkpointOffset; offset <= crashAt; offset++) {
        if (offset == checkpointAt && !last) {
          checkpointId++;
          List<OperatorSubtaskState> parts = new ArrayList<>();
          for (int s = 0; s < parallelism; s++) {
            var h = subtasks.get(s);
            h.prepareSnapshotPreBarrier(checkpointId);
            parts.add(h.snapshot(checkpointId, now));
            committedOutputs[s] = MicroBatchScorerTest.scores(h).size();
          }
          checkpoint = AbstractStreamOperatorTestHarness.repackageState(parts.toArray(OperatorSubtaskState[]::new));
          checkpointParallelism = parallelism;
        }
        if (offset == crashAt) {
          break;
        }
        SequenceEvent e = events.get(offset);
        subtasks.get(subtaskOf(e, parallelism)).processElement(e, e.getEventTime().toEpochMilli());
        if (random.nextInt(20) == 0) {
          now += 5; // the max-delay flush fires on some subtasks' partial batches
          for (var h : subtasks) {
            h.setProcessingTime(now);
          }
        }
      }
      for (int s = 0; s < parallelism; s++) {
        var h = subtasks.get(s);
        if (last) {
          h.endInput();
          h.close();
          committed.addAll(MicroBatchScorerTest.scores(h));
        } else {
          committed.addAll(MicroBatchScorerTest.scores(h).subList(0, committedOutputs[s]));
          h.close(); // what it emits now, after the checkpoint, is never committed
        }
      }
      if (!last) {
        checkpointOffset = checkpointAt;
      }
    }

    assertThat(checkpointId).as("the run took checkpoints").isGreaterThanOrEqualTo(EPOCHS);
    assertThat(committed).extracting(Score::getEventId).doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(events.stream().map(SequenceEvent::getEventId).toList());
    for (Score s : committed) {
      float[] want = expected.get(s.getEventId());
      for (int m = 0; m < want.length; m++) {
        Float got = s.getScores().get(m).getScore();
        if (Float.isNaN(want[m])) {
          assertThat(got).as(s.getEventId() + " " + s.getScores().get(m).getModel()).isNull();
        } else {
          assertThat(got).as(s.getEventId() + " " + s.getScores().get(m).getModel()).isCloseTo(want[m], within(1e-5f));
        }
      }
    }
  }

  private static List<KeyedOneInputStreamOperatorTestHarness<String, SequenceEvent, Score>> start(int parallelism,
      OperatorSubtaskState checkpoint, int checkpointParallelism) throws Exception {
    List<KeyedOneInputStreamOperatorTestHarness<String, SequenceEvent, Score>> subtasks = new ArrayList<>();
    for (int s = 0; s < parallelism; s++) {
      var h = new KeyedOneInputStreamOperatorTestHarness<>(
          new MicroBatchScorer(SHIPPED, ExecutionOptions.cpu(), new BatchingOptions(16, 5)), SequenceEvent::getEntityId,
          Types.STRING, MAX_PARALLELISM, parallelism, s);
      h.setup();
      if (checkpoint != null) {
        // The previous epoch may have run at another parallelism: each subtask gets its key groups' share.
        h.initializeState(AbstractStreamOperatorTestHarness.repartitionOperatorState(checkpoint, MAX_PARALLELISM,
            checkpointParallelism, parallelism, s));
      }
      h.open();
      subtasks.add(h);
    }
    return subtasks;
  }

  private static int subtaskOf(SequenceEvent e, int parallelism) {
    return KeyGroupRangeAssignment.assignKeyToParallelOperator(e.getEntityId(), MAX_PARALLELISM, parallelism);
  }

  private static int features() throws Exception {
    try (LoadedModel model = LoadedModel.load(SHIPPED.get(0), ExecutionOptions.cpu())) {
      return model.spec().features();
    }
  }
}
