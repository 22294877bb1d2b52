package io.vigil.operators.quality;

import io.vigil.schemas.Feedback;
import io.vigil.schemas.LabelledScore;
import io.vigil.schemas.ModelRole;
import io.vigil.schemas.ModelScore;
import io.vigil.schemas.Score;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;

/**
 * A FeedbackJoin snapshot with scores waiting for their labels, written with the Score schema of the
 * day: the fixture that proves pending scores survive a later compatible change of Score
 * (pending-scores-v1.snapshot was written with Score version 1, history/Score-1.avsc, before
 * {@code scoredAt} was added). When a change adds history/Score-N.avsc, write one with the
 * schema before the change as pending-scores-vN.snapshot and add it to FeedbackJoinEvolutionTest:
 *
 * <pre>mvn -B -o -q -pl schemas,operators test-compile dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt
 * java -cp "$(cat operators/target/test-classpath.txt):operators/target/classes:operators/target/test-classes" \
 *   io.vigil.operators.quality.FeedbackJoinSnapshotFixture operators/src/test/resources/feedback-join/pending-scores-vN.snapshot</pre>
 */
public final class FeedbackJoinSnapshotFixture {

  /** The join's TTL in the fixture. */
  public static final Duration TTL = Duration.ofSeconds(10);
  /** Events e0..e(COUNT-1) were scored at time 1000 + i and are waiting for their labels. */
  public static final int COUNT = 5;

  private FeedbackJoinSnapshotFixture() {}

  /** Built field by field, so that fields added to Score later keep their defaults. */
  public static Score score(int i) {
    return Score.newBuilder().setEventId("e" + i).setEntityId("entity-" + i)
        .setEventTime(Instant.ofEpochMilli(1_000 + i)).setScores(modelScores(i)).build();
  }

  /** What the join must emit for event i labelled {@code label} at {@code labelTime}. */
  public static LabelledScore labelled(int i, boolean label, long labelTime) {
    return new LabelledScore("e" + i, "entity-" + i, Instant.ofEpochMilli(1_000 + i),
        Instant.ofEpochMilli(labelTime), label, modelScores(i));
  }

  private static List<ModelScore> modelScores(int i) {
    return List.of(new ModelScore("lstm", "1", 0.1f * i, 0.5f, ModelRole.CHAMPION, null), new ModelScore("cnn", "2", null, 0.3f, ModelRole.CHAMPION, null));
  }

  static KeyedTwoInputStreamOperatorTestHarness<String, Score, Feedback, LabelledScore> harness() throws Exception {
    return new KeyedTwoInputStreamOperatorTestHarness<>(
        new KeyedCoProcessOperator<>(new FeedbackJoin(TTL)), Score::getEventId, Feedback::getEventId, Types.STRING);
  }

  public static void main(String[] args) throws Exception {
    try (var h = harness()) {
      h.setup();
      h.initializeEmptyState();
      h.open();
      for (int i = 0; i < COUNT; i++) {
        h.processElement1(score(i), 1_000 + i);
      }
      OperatorSubtaskState snapshot = h.snapshot(1, 1);
      Path out = Path.of(args[0]);
      Files.createDirectories(out.toAbsolutePath().getParent());
      OperatorSnapshotUtil.writeStateHandle(snapshot, out.toString());
      System.out.println("wrote " + out + " with " + COUNT + " pending scores");
    }
  }
}
