package io.vigil.operators.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vigil.operators.onnx.ExecutionOptions;
import io.vigil.operators.onnx.ModelDigest;
import io.vigil.operators.onnx.ModelRef;
import io.vigil.operators.lifecycle.ValidateModelUpdates;
import io.vigil.schemas.ModelEvent;
import io.vigil.schemas.ModelEventOutcome;
import io.vigil.schemas.ModelRole;
import io.vigil.schemas.ModelScore;
import io.vigil.schemas.ModelUpdate;
import io.vigil.schemas.Score;
import io.vigil.schemas.SequenceEvent;
import io.vigil.schemas.StateMigration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A step model swapped inside the scorer, in Flink's operator test harness: scores before the swap
 * are the old version's, after it the new version's with each key's state migrated as asked, a
 * snapshot taken after the swap restores with the new version, and an update that does not fit is
 * rejected with its reason while the old version goes on.
 */
class ModelSwapTest {

  static final String DIR = "src/test/resources/contract/";
  static final Map<String, ModelRef> VERSIONS = Map.of(
      "v1", ModelRef.of(DIR + "rnn-v1.onnx"), "v2", ModelRef.of(DIR + "rnn-v2.onnx"), "v3", ModelRef.of(DIR + "rnn-v3.onnx"));
  /** Shorter than a key's history at the swap, so the warm-up really drops older events. */
  static final int WARM_UP = 4;

  @TempDir
  Path work;

  static ModelUpdate update(String version, StateMigration migration) throws Exception {
    String uri = VERSIONS.get(version).location();
    return new ModelUpdate("rnn", version, uri, ModelDigest.sha256(Files.readAllBytes(Path.of(uri))), ModelRole.CHAMPION, null,
        migration, Instant.EPOCH);
  }

  static KeyedTwoInputStreamOperatorTestHarness<String, SequenceEvent, ModelUpdate, Score> harness() throws Exception {
    MicroBatchScorer scorer = new MicroBatchScorer(List.of(VERSIONS.get("v1")), ExecutionOptions.cpu(),
        new BatchingOptions(16, 60_000), MicroBatchScorer.DEFAULT_ENTITY_TTL, false, WARM_UP);
    return new KeyedTwoInputStreamOperatorTestHarness<>(scorer, SequenceEvent::getEntityId, u -> u.getModel(), Types.STRING);
  }

  static void feed(KeyedTwoInputStreamOperatorTestHarness<String, SequenceEvent, ModelUpdate, Score> h, List<SequenceEvent> events)
      throws Exception {
    for (SequenceEvent e : events) {
      h.processElement1(new StreamRecord<>(e, e.getEventTime().toEpochMilli()));
    }
    h.processWatermark1(new Watermark(events.get(events.size() - 1).getEventTime().toEpochMilli()));
  }

  static List<Score> scores(KeyedTwoInputStreamOperatorTestHarness<String, SequenceEvent, ModelUpdate, Score> h) {
    List<Score> out = new ArrayList<>();
    for (Object o : h.getOutput()) {
      if (o instanceof StreamRecord<?> r) {
        out.add((Score) r.getValue());
      }
    }
    return out;
  }

  static List<ModelEvent> modelEvents(KeyedTwoInputStreamOperatorTestHarness<String, SequenceEvent, ModelUpdate, Score> h) {
    List<ModelEvent> out = new ArrayList<>();
    if (h.getSideOutput(MicroBatchScorer.MODEL_EVENTS) != null) {
      h.getSideOutput(MicroBatchScorer.MODEL_EVENTS).forEach(r -> out.add(r.getValue()));
    }
    return out;
  }

  /** Every score's version is the expected side of the swap and its value that side's reference. */
  static void assertSwapped(List<Score> actual, List<SequenceEvent> before, List<SequenceEvent> all, String newVersion,
      StateMigration migration) throws Exception {
    List<String> beforeIds = before.stream().map(SequenceEvent::getEventId).toList();
    Map<String, Float> expected = SwapReference.scores(VERSIONS, all,
        e -> beforeIds.contains(e.getEventId()) ? "v1" : newVersion, Map.of(newVersion, migration), WARM_UP);
    assertThat(actual).hasSize(all.size());
    for (Score s : actual) {
      ModelScore rnn = s.getScores().get(0);
      assertThat(rnn.getVersion()).as(s.getEventId()).isEqualTo(beforeIds.contains(s.getEventId()) ? "v1" : newVersion);
      assertThat(rnn.getScore()).as(s.getEventId()).isCloseTo(expected.get(s.getEventId()), within(1e-5f));
    }
  }

  void swapMidStream(String version, StateMigration migration) throws Exception {
    List<SequenceEvent> all = MicroBatchScorerTest.events(3);
    List<SequenceEvent> before = all.subList(0, all.size() / 2);
    try (var h = harness()) {
      h.open();
      feed(h, before);
      h.processElement2(new StreamRecord<>(update(version, migration)));
      feed(h, all.subList(before.size(), all.size()));
      assertThat(modelEvents(h)).singleElement().satisfies(e -> {
        assertThat(e.getOutcome()).isEqualTo(ModelEventOutcome.ACTIVATED);
        assertThat(e.getVersion()).isEqualTo(version);
        assertThat(e.getSubtask()).isEqualTo(0);
      });
      assertSwapped(scores(h), before, all, version, migration);
    }
  }

  @Test
  void warmRebuildsEachKeysStateFromItsRetainedEvents() throws Exception {
    swapMidStream("v2", StateMigration.WARM);
  }

  @Test
  void warmWorksAcrossStateShapes() throws Exception {
    swapMidStream("v3", StateMigration.WARM);
  }

  @Test
  void resetStartsEachKeyFromZeroState() throws Exception {
    swapMidStream("v3", StateMigration.RESET);
  }

  @Test
  void keepReusesTheOldStateWhenShapesMatch() throws Exception {
    swapMidStream("v2", StateMigration.KEEP);
  }

  @Test
  void keepWithOtherStateShapesIsRejectedAndTheOldVersionGoesOn() throws Exception {
    List<SequenceEvent> all = MicroBatchScorerTest.events(4);
    try (var h = harness()) {
      h.open();
      feed(h, all.subList(0, 100));
      h.processElement2(new StreamRecord<>(update("v3", StateMigration.KEEP)));
      h.processElement2(new StreamRecord<>(update("v1", StateMigration.WARM)));
      feed(h, all.subList(100, all.size()));
      assertThat(modelEvents(h)).extracting(ModelEvent::getOutcome).containsExactly(ModelEventOutcome.REJECTED, ModelEventOutcome.REJECTED);
      assertThat(modelEvents(h).get(0).getReason()).contains("KEEP needs equal state shapes").contains("[4]").contains("[6]");
      assertThat(modelEvents(h).get(1).getReason()).contains("already active");
      assertSwapped(scores(h), all, all, "v1", StateMigration.WARM);
    }
  }

  @Test
  void anUpdateOfAnotherNameAddsAModelThatScoresFromTheRetainedEvents() throws Exception {
    List<SequenceEvent> all = MicroBatchScorerTest.events(6);
    String window = DIR + "good-window.onnx";
    ModelUpdate energy = new ModelUpdate("energy", "test", window, ModelDigest.sha256(Files.readAllBytes(Path.of(window))),
        ModelRole.CHALLENGER, "nobody", StateMigration.WARM, Instant.EPOCH);
    try (var h = harness()) {
      h.open();
      feed(h, all.subList(0, 150));
      h.processElement2(new StreamRecord<>(energy));
      h.processElement2(new StreamRecord<>(ModelUpdate.newBuilder(energy).setChallenges("rnn").build()));
      feed(h, all.subList(150, all.size()));
      assertThat(modelEvents(h)).extracting(ModelEvent::getOutcome).containsExactly(ModelEventOutcome.REJECTED, ModelEventOutcome.ACTIVATED);
      assertThat(modelEvents(h).get(0).getReason()).contains("CHALLENGER must name another active model");
      Map<String, float[]> reference = PerKeyReference.scores(List.of(VERSIONS.get("v1"), ModelRef.of(window)), all);
      List<Score> after = scores(h).subList(150, all.size());
      assertThat(after).allSatisfy(s -> {
        assertThat(s.getScores()).extracting(ModelScore::getModel).containsExactly("rnn", "energy");
        ModelScore added = s.getScores().get(1);
        assertThat(added.getRole()).isEqualTo(ModelRole.CHALLENGER);
        assertThat(added.getChallenges()).isEqualTo("rnn");
        float want = reference.get(s.getEventId())[1];
        if (Float.isNaN(want)) {
          assertThat(added.getScore()).as(s.getEventId()).isNull();
        } else {
          assertThat(added.getScore()).as(s.getEventId()).isCloseTo(want, within(1e-6f));
        }
      });
      assertThat(after).as("keys seen before the add score at once from their retained events")
          .anySatisfy(s -> assertThat(s.getScores().get(1).getScore()).isNotNull());
    }
  }

  @Test
  void aSnapshotTakenAfterTheSwapRestoresWithTheNewVersion() throws Exception {
    List<SequenceEvent> all = MicroBatchScorerTest.events(5);
    List<SequenceEvent> before = all.subList(0, 120);
    List<SequenceEvent> middle = all.subList(120, 240);
    OperatorSubtaskState snapshot;
    List<Score> out = new ArrayList<>();
    try (var h = harness()) {
      h.open();
      feed(h, before);
      h.processElement2(new StreamRecord<>(update("v2", StateMigration.WARM)));
      feed(h, middle);
      snapshot = h.snapshot(1, 1);
      out.addAll(scores(h));
    }
    try (var restored = harness()) {
      restored.initializeState(snapshot);
      restored.open();
      feed(restored, all.subList(240, all.size()));
      assertThat(modelEvents(restored)).as("nothing re-decided on restore").isEmpty();
      out.addAll(scores(restored));
    }
    assertSwapped(out, before, all, "v2", StateMigration.WARM);
  }

  @Test
  void theValidatorRejectsWhatCannotBeUsedWithAReason() throws Exception {
    ModelUpdate good = update("v2", StateMigration.WARM);
    assertThat(ValidateModelUpdates.problem(good)).isNull();

    ModelUpdate wrongSum = ModelUpdate.newBuilder(good).setSha256("00" + good.getSha256().substring(2)).build();
    assertThat(ValidateModelUpdates.problem(wrongSum)).startsWith("sha256 mismatch");

    Path corrupt = work.resolve("corrupt.onnx");
    byte[] bytes = Files.readAllBytes(Path.of(good.getUri()));
    Files.write(corrupt, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    ModelUpdate truncated = ModelUpdate.newBuilder(good).setUri(corrupt.toString())
        .setSha256(ModelDigest.sha256(Files.readAllBytes(corrupt))).build();
    assertThat(ValidateModelUpdates.problem(truncated)).contains("ONNX Runtime cannot load it");

    ModelUpdate missing = ModelUpdate.newBuilder(good).setUri(work.resolve("nowhere.onnx").toUri().toString()).build();
    assertThat(ValidateModelUpdates.problem(missing)).contains("cannot read it");

    ModelUpdate broken = ModelUpdate.newBuilder(good).setUri(DIR + "missing-score.onnx")
        .setSha256(ModelDigest.sha256(Files.readAllBytes(Path.of(DIR + "missing-score.onnx")))).build();
    assertThat(ValidateModelUpdates.problem(broken)).contains("breaks the model contract");

    assertThat(ValidateModelUpdates.problem(ModelUpdate.newBuilder(good).setVersion("v9").build()))
        .contains("metadata says model rnn version v2");
    assertThat(ValidateModelUpdates.problem(ModelUpdate.newBuilder(good).setModel("alert").build())).contains("pseudo-model");
  }
}
