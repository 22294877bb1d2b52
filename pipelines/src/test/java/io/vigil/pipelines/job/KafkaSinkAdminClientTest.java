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
import java.util.function.Function;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.TransactionNamingStrategy;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/**
 * Each start of an exactly-once Kafka writer with POOLING transaction names (Vigil's sinks) makes
 * the connector open an admin client that it never closes; {@link AdminClosingKafkaSink} closes
 * it. Jobs are run to the end three times each way and the live admin client threads counted: the
 * connector's own sink leaves one per writer per start (if this control ever fails, the connector
 * fixed its leak and the wrapper can go), Vigil's leaves none.
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
