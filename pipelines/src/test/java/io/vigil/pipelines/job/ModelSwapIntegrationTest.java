package io.vigil.pipelines.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vigil.operators.onnx.ExecutionOptions;
import io.vigil.operators.onnx.ModelDigest;
import io.vigil.operators.onnx.ModelRef;
import io.vigil.operators.scoring.BatchingOptions;
import io.vigil.operators.scoring.SwapReference;
import io.vigil.schemas.ModelEvent;
import io.vigil.schemas.ModelEventOutcome;
import io.vigil.schemas.ModelRole;
import io.vigil.schemas.ModelScore;
import io.vigil.schemas.ModelUpdate;
import io.vigil.schemas.Score;
import io.vigil.schemas.SequenceEvent;
import io.vigil.schemas.StateMigration;
import io.vigil.schemas.wire.WireCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A recurrent model swapped while the Kafka job runs (real KRaft broker, MiniCluster, parallelism
 * 2): bad updates are rejected with reasons and the old version goes on; a re-trained version of
 * the same state shape takes over (WARM) with no restart; a checkpoint taken after the swap restores
 * with the new version; then a version of another state shape takes over (RESET). Every score
 * equals its key's reference on its side of each swap.
 */
class ModelSwapIntegrationTest {

  static final String DIR = "../operators/src/test/resources/contract/";
  static final Map<String, ModelRef> VERSIONS = Map.of("v1", ModelRef.of(DIR + "rnn-v1-f8.onnx"),
      "v2", ModelRef.of(DIR + "rnn-v2-f8.onnx"), "v3", ModelRef.of(DIR + "rnn-v3-f8.onnx"));
  /** Fewer than a key's events before the swap: the warm-up must use only the most recent ones. */
  static final int WARM_UP = 3;
  static final Duration WAIT = Duration.ofSeconds(180);

  @RegisterExtension
  static final TestBroker broker = new TestBroker();
  final WireCodec<Score> scores = new WireCodec<>(Score.getClassSchema());
  final WireCodec<ModelEvent> modelEvents = new WireCodec<>(ModelEvent.getClassSchema());
  final WireCodec<ModelUpdate> updates = new WireCodec<>(ModelUpdate.getClassSchema());
  final WireCodec<SequenceEvent> events = new WireCodec<>(SequenceEvent.getClassSchema());

  @TempDir
  Path work;

  /**
   * Cancels and waits until the job has terminated: a cancel is only acknowledged at once, and a
   * job still checkpointing into {@code work} would race its next start and the folder's removal.
   */
  private static void cancelAndAwait(JobClient job) throws Exception {
    job.cancel().get(30, TimeUnit.SECONDS);
    job.getJobExecutionResult().handle((result, failure) -> null).get(60, TimeUnit.SECONDS);
  }

  JobClient start(KafkaSettings k, Path restoreFrom, int webPort) throws Exception {
    StreamExecutionEnvironment env = FlinkEnvironments.local(new RuntimeSettings(2, Duration.ofMillis(500),
        work.resolve("checkpoints").toUri().toString(), restoreFrom == null ? null : restoreFrom.toUri().toString(), webPort, 0));
    ScoringSettings scoring = new ScoringSettings(List.of(VERSIONS.get("v1")), ExecutionOptions.cpu(), new BatchingOptions(64, 5),
        Duration.ofSeconds(2)).withWarmUp(WARM_UP);
    KafkaScoringJob.attach(env, k, scoring, QualitySettings.defaults());
    return env.executeAsync("swap-it");
  }

  static ModelUpdate update(String version, String uri, String sha256, StateMigration migration) {
    return new ModelUpdate("rnn", version, uri, sha256, ModelRole.CHAMPION, null, migration, Instant.now());
  }

  static String sha256(String file) throws Exception {
    return ModelDigest.sha256(Files.readAllBytes(Path.of(file)));
  }

  void publish(KafkaSettings k, ModelUpdate u) {
    broker.topics().produce(k.topics().modelUpdates(), List.of(u.getModel().getBytes(StandardCharsets.UTF_8)), List.of(updates.encode(u)));
  }

  void produce(KafkaSettings k, List<SequenceEvent> list) {
    broker.topics().produce(k.topics().events(), list.stream().map(e -> e.getEntityId().getBytes(StandardCharsets.UTF_8)).toList(),
        list.stream().map(events::encode).toList());
  }

  List<ModelEvent> awaitModelEvents(KafkaSettings k, int count) {
    List<ModelEvent> out = broker.topics().readCommitted(k.topics().modelEvents(), modelEvents, count, WAIT);
    assertThat(out).hasSize(count);
    return out;
  }

  @Test
  void swapsMidStreamWithoutRestartRejectsBadFilesAndRestoresWithTheNewVersion() throws Exception {
    KafkaSettings k = KafkaSettings.prefixed(broker.kafka().bootstrapServers(), "swap-events", "swap-feedback", "swap");
    broker.kafka().createTopics(k.topics().all(), 2);
    List<SequenceEvent> all = ScoringJobIntegrationTest.synthetic(16, 21);
    int q = all.size() / 4;
    Map<String, String> versionOf = new HashMap<>();
    String[] phaseVersion = {"v1", "v2", "v2", "v3"};
    for (int i = 0; i < all.size(); i++) {
      versionOf.put(all.get(i).getEventId(), phaseVersion[i / q]);
    }
    int webPort = HostileProducerTest.freePort();

    produce(k, all.subList(0, q));
    JobClient job = start(k, null, webPort);
    assertThat(broker.topics().readCommitted(k.topics().scores(), scores, q, WAIT)).hasSize(q);

    Path corrupt = work.resolve("corrupt.onnx");
    byte[] bytes = Files.readAllBytes(Path.of(VERSIONS.get("v2").location()));
    Files.write(corrupt, Arrays.copyOf(bytes, bytes.length / 2));
    publish(k, update("v2", corrupt.toString(), sha256(corrupt.toString()), StateMigration.WARM));
    publish(k, update("v2", VERSIONS.get("v2").location(), sha256(VERSIONS.get("v3").location()), StateMigration.WARM));
    List<ModelEvent> rejected = awaitModelEvents(k, 2);
    assertThat(rejected).allSatisfy(e -> {
      assertThat(e.getOutcome()).isEqualTo(ModelEventOutcome.REJECTED);
      assertThat(e.getSubtask()).as("decided once, before the scorers").isNull();
    });
    assertThat(rejected).extracting(ModelEvent::getReason).anySatisfy(r -> assertThat(r).contains("ONNX Runtime cannot load it"))
        .anySatisfy(r -> assertThat(r).startsWith("sha256 mismatch"));

    publish(k, update("v2", VERSIONS.get("v2").location(), sha256(VERSIONS.get("v2").location()), StateMigration.WARM));
    assertThat(awaitModelEvents(k, 4).subList(2, 4)).allSatisfy(e -> {
      assertThat(e.getOutcome()).isEqualTo(ModelEventOutcome.ACTIVATED);
      assertThat(e.getVersion()).isEqualTo("v2");
    }).extracting(ModelEvent::getSubtask).containsExactlyInAnyOrder(0, 1);
    produce(k, all.subList(q, 2 * q));
    assertThat(broker.topics().readCommitted(k.topics().scores(), scores, 2 * q, WAIT)).hasSize(2 * q);
    assertThat(HostileProducerTest.numRestarts(webPort, job)).as("numRestarts").isZero();
    cancelAndAwait(job);

    // The latest checkpoint holds the second phase's scores, so it was taken after the swap.
    Path checkpoint = RetainedCheckpoints.latest(work.resolve("checkpoints")).orElseThrow();
    produce(k, all.subList(2 * q, 3 * q));
    JobClient restored = start(k, checkpoint, HostileProducerTest.freePort());
    assertThat(broker.topics().readCommitted(k.topics().scores(), scores, 3 * q, WAIT)).hasSize(3 * q);
    publish(k, update("v3", VERSIONS.get("v3").location(), sha256(VERSIONS.get("v3").location()), StateMigration.RESET));
    assertThat(awaitModelEvents(k, 6).subList(4, 6)).allSatisfy(e -> assertThat(e.getOutcome()).isEqualTo(ModelEventOutcome.ACTIVATED));
    produce(k, all.subList(3 * q, all.size()));
    List<Score> out = broker.topics().readCommitted(k.topics().scores(), scores, all.size(), WAIT);
    cancelAndAwait(restored);

    Map<String, Float> expected = SwapReference.scores(VERSIONS, all, e -> versionOf.get(e.getEventId()),
        Map.of("v2", StateMigration.WARM, "v3", StateMigration.RESET), WARM_UP);
    assertThat(out).extracting(Score::getEventId).doesNotHaveDuplicates();
    assertThat(out).hasSize(all.size());
    for (Score s : out) {
      ModelScore rnn = s.getScores().get(0);
      assertThat(rnn.getVersion()).as(s.getEventId()).isEqualTo(versionOf.get(s.getEventId()));
      assertThat(rnn.getScore()).as(s.getEventId() + " " + rnn.getVersion()).isCloseTo(expected.get(s.getEventId()), within(1e-5f));
    }
  }
}
