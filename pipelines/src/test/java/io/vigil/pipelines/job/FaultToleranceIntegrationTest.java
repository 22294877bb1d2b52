package io.vigil.pipelines.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.schemas.Feedback;
import io.vigil.schemas.MetricScope;
import io.vigil.schemas.MetricSnapshot;
import io.vigil.schemas.Score;
import io.vigil.schemas.SequenceEvent;
import io.vigil.schemas.wire.WireCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
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
 * Faults a long-running job meets, on the real broker and a MiniCluster: TaskManagers that die
 * (spread over time, more often than the restart budget allows in a row), and an input partition
 * count below the parallelism. The job must go on, and its exactly-once output stay exact.
 */
class FaultToleranceIntegrationTest {

  static final Duration WAIT = Duration.ofSeconds(90);

  @RegisterExtension
  static final TestBroker broker = new TestBroker();
  final WireCodec<SequenceEvent> events = new WireCodec<>(SequenceEvent.getClassSchema());
  final WireCodec<Score> scores = new WireCodec<>(Score.getClassSchema());

  @TempDir
  Path work;

  void produce(String topic, List<SequenceEvent> list) {
    broker.topics().produce(topic, list.stream().map(e -> e.getEntityId().getBytes(StandardCharsets.UTF_8)).toList(),
        list.stream().map(events::encode).toList());
  }

  /**
   * Two restarts in a row fail the job, but 3 s of health resets the count: five TaskManager deaths
   * at least that far apart must leave the job RUNNING, every event scored once, as the reference.
   */
  @Test
  void fiveTaskManagerDeathsSpreadOverTimeNeitherEndTheJobNorChangeItsOutput() throws Exception {
    KafkaSettings k = KafkaSettings.prefixed(broker.kafka().bootstrapServers(), "ft-events", "ft-feedback", "ft");
    broker.kafka().createTopics(k.topics().all(), 2);
    List<SequenceEvent> all = ScoringJobIntegrationTest.synthetic(12, 21);
    RecoverySettings budget = new RecoverySettings(Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofSeconds(3), 2, 3);
    RuntimeSettings runtime = new RuntimeSettings(2, Duration.ofMillis(500), work.resolve("checkpoints").toUri().toString(),
        null, 0, 0).withRecovery(budget);
    Configuration conf = FlinkEnvironments.configuration(runtime);
    conf.set(TaskManagerOptions.NUM_TASK_SLOTS, 2);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setParallelism(2);
    KafkaScoringJob.attach(env, k, ScoringJobIntegrationTest.scoring(), QualitySettings.defaults());

    try (MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
        .setConfiguration(conf).setNumTaskManagers(1).setNumSlotsPerTaskManager(2).build())) {
      cluster.start();
      JobID job = cluster.submitJob(env.getStreamGraph().getJobGraph()).get(60, TimeUnit.SECONDS).getJobID();
      int chunks = 6;
      int chunk = all.size() / chunks;
      for (int c = 0; c < chunks; c++) {
        List<SequenceEvent> sent = all.subList(0, c == chunks - 1 ? all.size() : (c + 1) * chunk);
        produce(k.topics().events(), all.subList(c * chunk, sent.size()));
        assertThat(broker.topics().readCommitted(k.topics().scores(), scores, sent.size(), WAIT)).as("chunk " + c).hasSize(sent.size());
        if (c < chunks - 1) {
          Thread.sleep(3_500); // a healthy period longer than the reset threshold
          cluster.terminateTaskManager(c).get(30, TimeUnit.SECONDS);
          cluster.startTaskManager();
        }
      }
      List<Score> out = broker.topics().readCommitted(k.topics().scores(), scores, all.size(), Duration.ofSeconds(5));
      assertThat(cluster.getJobStatus(job).get(10, TimeUnit.SECONDS)).isEqualTo(JobStatus.RUNNING);
      ScoringJobIntegrationTest.assertScoresMatch(out, all);
      cluster.cancelJob(job).get(30, TimeUnit.SECONDS);
    }
  }

  /**
   * One partition per input and parallelism 2: one source subtask never gets a partition. Event
   * time must still advance (the idle subtask stops counting), so metric snapshots appear.
   */
  @Test
  void anInputWithFewerPartitionsThanSubtasksStillAdvancesEventTime() throws Exception {
    KafkaSettings k = KafkaSettings.prefixed(broker.kafka().bootstrapServers(), "idle-events", "idle-feedback", "idle");
    broker.kafka().createTopics(k.topics().all(), 1);
    List<SequenceEvent> sent = ScoringJobIntegrationTest.synthetic(10, 22);
    produce(k.topics().events(), sent);
    WireCodec<Feedback> labels = new WireCodec<>(Feedback.getClassSchema());
    List<byte[]> values = new ArrayList<>();
    for (int i = 0; i < sent.size(); i += 2) {
      SequenceEvent e = sent.get(i);
      values.add(labels.encode(new Feedback(e.getEventId(), i % 10 == 0, e.getEventTime().plusMillis(100), e.getEntityId())));
    }
    broker.topics().produce(k.topics().feedback(), values.stream().map(v -> (byte[]) null).toList(), values);

    QualitySettings quality = new QualitySettings(Duration.ofMinutes(1), Duration.ofSeconds(30), Duration.ofSeconds(1),
        Duration.ofSeconds(2));
    RuntimeSettings runtime = new RuntimeSettings(2, Duration.ofMillis(500), work.resolve("checkpoints").toUri().toString(),
        null, 0, 0);
    StreamExecutionEnvironment env = FlinkEnvironments.local(runtime);
    KafkaScoringJob.attach(env, k, ScoringJobIntegrationTest.scoring(), quality);
    JobClient job = env.executeAsync("idle-partition");
    try {
      List<MetricSnapshot> metrics = broker.topics().readCommitted(k.topics().metrics(), new WireCodec<>(MetricSnapshot.getClassSchema()),
          1, WAIT);
      assertThat(metrics).as("a metric snapshot needs event time to pass its slide").isNotEmpty();
      assertThat(metrics).anySatisfy(m -> {
        assertThat(m.getScope()).isEqualTo(MetricScope.CUMULATIVE);
        assertThat(m.getPositives() + m.getNegatives()).isPositive();
      });
    } finally {
      job.cancel().get(30, TimeUnit.SECONDS);
    }
  }
}
