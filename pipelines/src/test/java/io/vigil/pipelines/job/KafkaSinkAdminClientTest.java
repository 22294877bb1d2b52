package io.vigil.pipelines.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.operators.AvroTypes;
import io.vigil.operators.kafka.AdminClosingKafkaSink;
import io.vigil.operators.kafka.AvroRecordSerializer;
import io.vigil.pipelines.kafka.EmbeddedKafka;
import io.vigil.schemas.SequenceEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.nio.file.Path;
import java.util.function.Function;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.TransactionNamingStrategy;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each start of an exactly-once Kafka writer with POOLING transaction names (Vigil's sinks) makes
 * the connector open an admin client that it never closes; {@link AdminClosingKafkaSink} closes
 * it. Jobs are run to the end three times each way and the live admin client threads counted: the
 * connector's own sink leaves one per writer per start (if this control ever fails, the connector
 * fixed its leak and the wrapper can go), Vigil's leaves none. And a savepoint of the plain sink
 * restores into the wrapped one, so a running deployment can upgrade.
 */
class KafkaSinkAdminClientTest {

  private static final String TOPIC = "admin-leak";
  private static final int PARALLELISM = 2;
  private static final int RUNS = 3;

  @Test
  void theConnectorsExactlyOnceWriterLeaksAnAdminClientPerStartAndVigilsSinkClosesIt() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start(List.of(TOPIC), PARALLELISM)) {
      int before = adminThreads();
      int leakedByConnector = leakedOver(kafka, sink -> sink, before);
      assertThat(leakedByConnector).as("the connector's own sink: one admin client per writer per start")
          .isEqualTo(RUNS * PARALLELISM);

      int baseline = adminThreads();
      assertThat(leakedOver(kafka, AdminClosingKafkaSink::new, baseline)).as("Vigil's sink").isZero();
    }
  }

  /**
   * A deployment upgrading to the wrapped sink restores its savepoint: the wrapper keeps the
   * sink's operators, uids and state serializers, so nothing in the savepoint is left unmapped.
   */
  @Test
  void aSavepointOfThePlainSinkRestoresIntoTheWrappedSink(@TempDir Path dir) throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start(List.of(TOPIC), PARALLELISM)) {
      JobClient plain = endless(kafka, sink -> sink, new Configuration()).executeAsync("plain-sink");
      awaitRunning(plain);
      Thread.sleep(3_000); // a few checkpoints, with transactions committed and pending
      String savepoint = plain.stopWithSavepoint(false, dir.toUri().toString(), SavepointFormatType.CANONICAL)
          .get(60, TimeUnit.SECONDS);

      Configuration restore = new Configuration();
      restore.setString("execution.state-recovery.path", savepoint);
      JobClient wrapped = endless(kafka, AdminClosingKafkaSink::new, restore).executeAsync("wrapped-sink");
      awaitRunning(wrapped);
      Thread.sleep(3_000);
      assertThat(wrapped.getJobStatus().get(10, TimeUnit.SECONDS)).isEqualTo(JobStatus.RUNNING);
      // A savepoint of the restored job completes: its writers and committers run on the restored state.
      assertThat(wrapped.stopWithSavepoint(false, dir.toUri().toString(), SavepointFormatType.CANONICAL)
          .get(60, TimeUnit.SECONDS)).isNotBlank();
    }
  }

  /** A job writing events until stopped, at ~100/s, through the sink {@code wrap} gives (uid as Vigil's sinks). */
  private static StreamExecutionEnvironment endless(EmbeddedKafka kafka, Function<KafkaSink<SequenceEvent>, Sink<SequenceEvent>> wrap,
      Configuration conf) {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(PARALLELISM, conf);
    env.enableCheckpointing(500);
    env.fromSequence(0, Long.MAX_VALUE).uid("sequence")
        .map(i -> {
          Thread.sleep(10);
          return new SequenceEvent("entity-" + i % 4, "e" + i, Instant.ofEpochMilli(i), List.of(1f, 2f, 3f));
        }, AvroTypes.of(SequenceEvent.class)).uid("events")
        .sinkTo(wrap.apply(sink(kafka, 9))).name("Score-sink").uid("Score-sink");
    return env;
  }

  private static void awaitRunning(JobClient job) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (job.getJobStatus().get(10, TimeUnit.SECONDS) != JobStatus.RUNNING) {
      assertThat(System.nanoTime()).as("job running within 60 s").isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  /** Admin client threads left, {@code from} a count taken before, after {@link #RUNS} jobs with the sink {@code wrap} gives. */
  private static int leakedOver(EmbeddedKafka kafka, Function<KafkaSink<SequenceEvent>, Sink<SequenceEvent>> wrap, int from)
      throws Exception {
    for (int run = 0; run < RUNS; run++) {
      StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(PARALLELISM);
      env.enableCheckpointing(500);
      env.fromData(events(), AvroTypes.of(SequenceEvent.class)).sinkTo(wrap.apply(sink(kafka, run)));
      env.execute("admin-leak-" + run);
    }
    // A closed admin client's thread ends shortly after close: wait for the count to settle.
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    int leaked = adminThreads() - from;
    while (System.nanoTime() < deadline) {
      Thread.sleep(200);
      leaked = adminThreads() - from;
    }
    return leaked;
  }

  private static KafkaSink<SequenceEvent> sink(EmbeddedKafka kafka, int run) {
    Properties client = new Properties();
    client.setProperty("transaction.timeout.ms", "60000");
    return KafkaSink.<SequenceEvent>builder()
        .setBootstrapServers(kafka.bootstrapServers())
        .setRecordSerializer(new AvroRecordSerializer<>(TOPIC, SequenceEvent.class, SequenceEvent::getEntityId))
        .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
        .setTransactionalIdPrefix("admin-leak-" + run)
        .setTransactionNamingStrategy(TransactionNamingStrategy.POOLING)
        .setKafkaProducerConfig(client)
        .build();
  }

  private static List<SequenceEvent> events() {
    List<SequenceEvent> out = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      out.add(new SequenceEvent("entity-" + i % 4, "e" + i, Instant.ofEpochMilli(1000L * i), List.of(1f, 2f, 3f)));
    }
    return out;
  }

  /** Live threads of Kafka admin clients with a default client id (the connector's; Vigil names none so). */
  private static int adminThreads() {
    return (int) Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("kafka-admin-client-thread | adminclient-"))
        .count();
  }
}
