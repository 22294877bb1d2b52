package io.vigil.pipelines.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.schemas.Alert;
import io.vigil.schemas.Score;
import io.vigil.schemas.SequenceEvent;
import io.vigil.schemas.wire.WireCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Delivery guarantees per output on the real broker and a MiniCluster whose TaskManager dies
 * mid-stream: at-least-once alerts lose nothing an uninterrupted run raised and repeat only with
 * identical content; exactly-once outputs stay exactly-once, whichever way alerts are delivered.
 */
class DeliveryGuaranteeIntegrationTest {

  static final Duration WAIT = Duration.ofSeconds(90);
  static final int CHUNKS = 3;

  @RegisterExtension
  static final TestBroker broker = new TestBroker();
  static final List<SequenceEvent> ALL = ScoringJobIntegrationTest.synthetic(15, 31);
  static List<Alert> reference;
  final WireCodec<SequenceEvent> events = new WireCodec<>(SequenceEvent.getClassSchema());
  final WireCodec<Score> scores = new WireCodec<>(Score.getClassSchema());
  final WireCodec<Alert> alerts = new WireCodec<>(Alert.getClassSchema());

  @TempDir
  Path work;

  @Test
  void atLeastOnceAlertsLoseNothingAfterFailuresAndRepeatOnlyIdentically() throws Exception {
    List<Alert> reference = uninterrupted();
    assertThat(reference).as("the input must raise alerts for the test to mean anything").hasSizeGreaterThan(3);
    assertThat(reference).as("without a failure nothing repeats").extracting(DeliveryGuaranteeIntegrationTest::identity)
        .doesNotHaveDuplicates();

    List<Alert> out = withFailures("alo", OutputDelivery.defaults());

    assertThat(new HashSet<>(out)).as("every alert of the uninterrupted run, with the same content")
        .containsAll(reference);
    Map<String, Alert> first = new HashMap<>();
    for (Alert a : out) {
      Alert seen = first.putIfAbsent(identity(a), a);
      assertThat(seen == null || seen.equals(a)).as("a repeat of " + identity(a) + " has the content of the first").isTrue();
    }
    assertThat(first.keySet()).as("no alert the uninterrupted run did not raise")
        .containsExactlyInAnyOrderElementsOf(reference.stream().map(DeliveryGuaranteeIntegrationTest::identity).toList());
    System.out.printf("at-least-once alerts after failures: %d records, %d distinct%n", out.size(), first.size());
  }

  @Test
  void exactlyOnceAlertsStayExactlyOnceAfterFailures() throws Exception {
    List<Alert> out = withFailures("eo", OutputDelivery.exactlyOnce());
    assertThat(out).extracting(DeliveryGuaranteeIntegrationTest::identity).doesNotHaveDuplicates();
    assertThat(out).containsExactlyInAnyOrderElementsOf(uninterrupted());
  }

  /** An alert's identity: one OPEN and one CLOSED record share the alertId. */
  static String identity(Alert a) {
    return a.getAlertId() + "/" + a.getStatus();
  }

  /** The alerts of one run without failures (computed once, for both tests). */
  private synchronized List<Alert> uninterrupted() throws Exception {
    if (reference == null) {
      reference = run("reference");
    }
    return reference;
  }

  private List<Alert> run(String name) throws Exception {
    KafkaSettings k = settings(name);
    produce(k, ALL);
    RuntimeSettings runtime = new RuntimeSettings(2, Duration.ofMillis(500), work.resolve(name).toUri().toString(), null, 0, 0);
    StreamExecutionEnvironment env = FlinkEnvironments.local(runtime);
    KafkaScoringJob.attach(env, k, ScoringJobIntegrationTest.scoring(), QualitySettings.defaults(), OutputDelivery.defaults());
    JobClient job = env.executeAsync("delivery-reference");
    try {
      return drain(k);
    } finally {
      job.cancel().get(30, TimeUnit.SECONDS);
    }
  }

  /**
   * The input in chunks, the TaskManager killed shortly after each chunk is sent (while it is being
   * scored, so the restore replays records whose alerts were already written); scores exactly-once.
   */
  private List<Alert> withFailures(String name, OutputDelivery delivery) throws Exception {
    KafkaSettings k = settings(name);
    RecoverySettings budget = new RecoverySettings(Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofSeconds(3), 5, 3);
    RuntimeSettings runtime = new RuntimeSettings(2, Duration.ofMillis(500), work.resolve(name).toUri().toString(),
        null, 0, 0).withRecovery(budget);
    Configuration conf = FlinkEnvironments.configuration(runtime);
    conf.set(TaskManagerOptions.NUM_TASK_SLOTS, 2);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setParallelism(2);
    KafkaScoringJob.attach(env, k, ScoringJobIntegrationTest.scoring(), QualitySettings.defaults(), delivery);
    try (MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
        .setConfiguration(conf).setNumTaskManagers(1).setNumSlotsPerTaskManager(2).build())) {
      cluster.start();
      JobID job = cluster.submitJob(env.getStreamGraph().getJobGraph()).get(60, TimeUnit.SECONDS).getJobID();
      int chunk = ALL.size() / CHUNKS;
      for (int c = 0; c < CHUNKS; c++) {
        int end = c == CHUNKS - 1 ? ALL.size() : (c + 1) * chunk;
        long written = broker.topics().endOffsets(k.topics().scores(), false);
        produce(k, ALL.subList(c * chunk, end));
        if (c < CHUNKS - 1) {
          awaitWrites(k.topics().scores(), written + chunk / 3);
          cluster.terminateTaskManager(c).get(30, TimeUnit.SECONDS);
          cluster.startTaskManager();
        }
      }
      List<Alert> out = drain(k);
      cluster.cancelJob(job).get(30, TimeUnit.SECONDS);
      return out;
    }
  }

  /** Waits until {@code topic} holds {@code offset} records, committed or not: the job is mid-chunk. */
  private static void awaitWrites(String topic, long offset) throws InterruptedException {
    long deadline = System.currentTimeMillis() + WAIT.toMillis();
    while (broker.topics().endOffsets(topic, false) < offset) {
      assertThat(System.currentTimeMillis()).as("writes to " + topic).isLessThan(deadline);
      Thread.sleep(10);
    }
  }

  /** Every score committed exactly once (as the reference), then every alert record. */
  private List<Alert> drain(KafkaSettings k) throws Exception {
    List<Score> out = broker.topics().readCommitted(k.topics().scores(), scores, ALL.size(), WAIT);
    ScoringJobIntegrationTest.assertScoresMatch(out, ALL);
    // Alerts closed by event-time timers follow the last watermark: a few checkpoints later they are out.
    Thread.sleep(2_000);
    return broker.topics().readAll(k.topics().alerts(), alerts, WAIT);
  }

  private KafkaSettings settings(String name) throws Exception {
    KafkaSettings k = KafkaSettings.prefixed(broker.kafka().bootstrapServers(), name + "-events", name + "-feedback", name);
    broker.kafka().createTopics(k.topics().all(), 2);
    return k;
  }

  private void produce(KafkaSettings k, List<SequenceEvent> list) {
    broker.topics().produce(k.topics().events(), list.stream().map(e -> e.getEntityId().getBytes(StandardCharsets.UTF_8)).toList(),
        list.stream().map(events::encode).toList());
  }

}
