package io.vigil.pipelines.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vigil.operators.scoring.BatchingOptions;
import io.vigil.operators.scoring.PerKeyReference;
import io.vigil.operators.onnx.ExecutionOptions;
import io.vigil.operators.onnx.ModelRef;
import io.vigil.pipelines.synthetic.SyntheticEvent;
import io.vigil.pipelines.synthetic.SyntheticStream;
import io.vigil.schemas.DeadLetter;
import io.vigil.schemas.DeadLetterReason;
import io.vigil.schemas.Feedback;
import io.vigil.schemas.Score;
import io.vigil.schemas.SequenceEvent;
import io.vigil.schemas.wire.WireCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Kafka scoring job end to end on a real KRaft broker and a Flink MiniCluster, with the
 * shipped models: scores against the per-key reference, dead letters, and restore from a
 * retained checkpoint.
 */
class ScoringJobIntegrationTest {

  static final List<ModelRef> MODELS = List.of(
      ModelRef.of("../models/recurrent.onnx"), ModelRef.of("../models/cnn.onnx"), ModelRef.of("../models/autoencoder.onnx"));
  static final Duration WAIT = Duration.ofSeconds(90);

  @RegisterExtension
  static final TestBroker broker = new TestBroker();
  final WireCodec<SequenceEvent> events = new WireCodec<>(SequenceEvent.getClassSchema());
  final WireCodec<Score> scores = new WireCodec<>(Score.getClassSchema());
  final WireCodec<DeadLetter> deadLetters = new WireCodec<>(DeadLetter.getClassSchema());

  @TempDir
  Path work;

  /** Fresh topics per test, so tests cannot see each other's records. */
  KafkaSettings kafkaSettings(String name) throws Exception {
    KafkaSettings k = KafkaSettings.prefixed(broker.kafka().bootstrapServers(), name + "-events", name + "-feedback", name);
    broker.kafka().createTopics(k.topics().all(), 2);
    return k;
  }

  static ScoringSettings scoring() {
    return new ScoringSettings(MODELS, ExecutionOptions.cpu(), new BatchingOptions(64, 5), Duration.ofSeconds(2));
  }

  RuntimeSettings runtime(Path restoreFrom, StateBackend backend, boolean changelog) {
    return new RuntimeSettings(2, Duration.ofMillis(500), work.resolve("checkpoints").toUri().toString(),
        restoreFrom == null ? null : restoreFrom.toUri().toString(), 0, 0).withStateBackend(backend).withChangelog(changelog);
  }

  JobClient start(KafkaSettings k, Path restoreFrom) throws Exception {
    return start(k, restoreFrom, StateBackend.HASHMAP, false);
  }

  JobClient start(KafkaSettings k, Path restoreFrom, StateBackend backend, boolean changelog) throws Exception {
    StreamExecutionEnvironment env = FlinkEnvironments.local(runtime(restoreFrom, backend, changelog));
    KafkaScoringJob.attach(env, k, scoring(), QualitySettings.defaults());
    return env.executeAsync("scoring-it");
  }

  /** 120 interleaved entities of the synthetic stream, {@code steps} events each, event times of the last hour. */
  static List<SequenceEvent> synthetic(int steps, long seed) {
    SyntheticStream stream = new SyntheticStream(SyntheticStream.Settings.defaults().withEntities(120).withSeed(seed)
        .withClock(System.currentTimeMillis() - Duration.ofHours(1).toMillis(), 1000));
    List<SequenceEvent> out = new ArrayList<>();
    for (int i = 0; i < 120 * steps; i++) {
      SyntheticEvent e = stream.nextEvent();
      List<Float> f = new ArrayList<>();
      for (float v : e.features()) {
        f.add(v);
      }
      out.add(new SequenceEvent(e.entityId(), e.eventId(), Instant.ofEpochMilli(e.eventTimeMillis()), f));
    }
    return out;
  }

  void produceEvents(KafkaSettings k, List<SequenceEvent> list) {
    broker.topics().produce(k.topics().events(),
        list.stream().map(e -> e.getEntityId().getBytes(StandardCharsets.UTF_8)).toList(),
        list.stream().map(events::encode).toList());
  }

  static void assertScoresMatch(List<Score> actual, List<SequenceEvent> sent) throws Exception {
    Map<String, float[]> expected = PerKeyReference.scores(MODELS, sent);
    assertThat(actual).extracting(Score::getEventId).doesNotHaveDuplicates();
    assertThat(actual).hasSize(sent.size());
    for (Score s : actual) {
      float[] want = expected.get(s.getEventId());
      assertThat(want).as("scored an event that was not sent: " + s.getEventId()).isNotNull();
      for (int m = 0; m < want.length; m++) {
        Float got = s.getScores().get(m).getScore();
        if (Float.isNaN(want[m])) {
          assertThat(got).isNull();
        } else {
          assertThat(got).as(s.getEventId() + " model " + s.getScores().get(m).getModel()).isCloseTo(want[m], within(1e-5f));
        }
      }
    }
  }

  @Test
  void everyScoreEqualsTheReferenceOfItsKeyAlone() throws Exception {
    KafkaSettings k = kafkaSettings("reference");
    List<SequenceEvent> sent = synthetic(15, 11);
    assertThat(sent.stream().map(SequenceEvent::getEntityId).distinct().count()).isGreaterThanOrEqualTo(100);
    produceEvents(k, sent);
    JobClient job = start(k, null);
    List<Score> out = broker.topics().readCommitted(k.topics().scores(), scores, sent.size(), WAIT);
    job.cancel().get(30, TimeUnit.SECONDS);
    assertScoresMatch(out, sent);
  }

  @Test
  void badRecordsLandInDeadLettersWithReasonsWhileGoodOnesAreAllScored() throws Exception {
    KafkaSettings k = kafkaSettings("dead");
    List<SequenceEvent> good = synthetic(3, 12);
    SequenceEvent template = good.get(0);
    List<byte[]> values = new ArrayList<>(good.stream().map(events::encode).toList());
    values.add(5, "definitely not avro".getBytes(StandardCharsets.UTF_8));
    values.add(50, events.encode(SequenceEvent.newBuilder(template).setEventId("short")
        .setFeatures(template.getFeatures().subList(0, 5)).build()));
    List<Float> nan = new ArrayList<>(template.getFeatures());
    nan.set(2, Float.NaN);
    values.add(100, events.encode(SequenceEvent.newBuilder(template).setEventId("nan").setFeatures(nan).build()));
    values.add(150, new WireCodec<>(Feedback.getClassSchema()).encode(new Feedback("x", true, Instant.EPOCH, null)));
    broker.topics().produce(k.topics().events(), values.stream().map(v -> "k".getBytes(StandardCharsets.UTF_8)).toList(), values);

    JobClient job = start(k, null);
    List<Score> out = broker.topics().readCommitted(k.topics().scores(), scores, good.size(), WAIT);
    List<DeadLetter> dead = broker.topics().readCommitted(k.topics().deadLetters(), deadLetters, 4, Duration.ofSeconds(20));
    job.cancel().get(30, TimeUnit.SECONDS);

    assertThat(out).extracting(Score::getEventId).containsExactlyInAnyOrderElementsOf(
        good.stream().map(SequenceEvent::getEventId).toList());
    assertThat(dead).extracting(DeadLetter::getReason).containsExactlyInAnyOrder(
        DeadLetterReason.MALFORMED, DeadLetterReason.WRONG_FEATURE_COUNT,
        DeadLetterReason.NON_FINITE_FEATURE, DeadLetterReason.UNKNOWN_SCHEMA);
    assertThat(dead).filteredOn(d -> d.getReason() == DeadLetterReason.WRONG_FEATURE_COUNT)
        .extracting(DeadLetter::getMessage).containsExactly("expected 8 features, got 5");
    assertThat(dead).filteredOn(d -> d.getReason() == DeadLetterReason.MALFORMED)
        .allSatisfy(d -> assertThat(new String(d.getRaw().array(), StandardCharsets.UTF_8)).isEqualTo("definitely not avro"));
    assertThat(dead).allSatisfy(d -> assertThat(d.getSourceTopic()).isEqualTo(k.topics().events()));
  }

  @ParameterizedTest
  @CsvSource({"HASHMAP, false", "ROCKSDB, false", "HASHMAP, true"})
  void restoredFromARetainedCheckpointTheJobFinishesWithIdenticalScores(StateBackend backend, boolean changelog) throws Exception {
    KafkaSettings k = kafkaSettings("restore-" + backend.flinkName() + (changelog ? "-changelog" : ""));
    // 36 events per key on each side of the restore: past every warm-up (the forecaster's
    // normaliser 8 events, its error scale 16 more; the window models' 32), so the restored
    // per-key state (cell, normaliser, error and change scales, windows) decides real scores.
    List<SequenceEvent> all = synthetic(72, 13);
    List<SequenceEvent> first = all.subList(0, all.size() / 2);
    List<SequenceEvent> second = all.subList(all.size() / 2, all.size());

    produceEvents(k, first);
    JobClient job = start(k, null, backend, changelog);
    // Scores are visible only once the checkpoint holding them has completed.
    assertThat(broker.topics().readCommitted(k.topics().scores(), scores, first.size(), WAIT)).hasSize(first.size());
    job.cancel().get(30, TimeUnit.SECONDS);
    Path checkpoint = RetainedCheckpoints.latest(work.resolve("checkpoints")).orElseThrow();
    // Incremental checkpoints keep RocksDB's files in the job's shared folder; the heap backend writes none there.
    try (var shared = java.nio.file.Files.list(checkpoint.resolveSibling("shared"))) {
      assertThat(shared.count() > 0).as(backend + " files in shared/").isEqualTo(backend.incrementalCheckpoints());
    }
    // With the changelog, the checkpoint is the state's changes, logged beside the checkpoints.
    assertThat(java.nio.file.Files.isDirectory(work.resolve("checkpoints").resolve("changelog"))).as("changelog folder")
        .isEqualTo(changelog);

    produceEvents(k, second);
    JobClient restored = start(k, checkpoint, backend, changelog);
    List<Score> out = broker.topics().readCommitted(k.topics().scores(), scores, all.size(), WAIT);
    restored.cancel().get(30, TimeUnit.SECONDS);

    Set<String> keysInBoth = new HashSet<>(first.stream().map(SequenceEvent::getEntityId).toList());
    keysInBoth.retainAll(second.stream().map(SequenceEvent::getEntityId).toList());
    assertThat(keysInBoth).as("the restore must carry state for keys seen before it").hasSizeGreaterThan(100);
    assertScoresMatch(out, all);
    Set<String> afterRestore = new HashSet<>(second.stream().map(SequenceEvent::getEventId).toList());
    assertThat(out).filteredOn(s -> afterRestore.contains(s.getEventId())).hasSize(second.size()).allSatisfy(s ->
        assertThat(s.getScores().subList(0, MODELS.size())).as(s.getEventId() + ": every model warm after the restore")
            .allSatisfy(m -> assertThat(m.getScore()).isNotNull().isPositive()));
  }
}
