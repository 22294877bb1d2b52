package io.vigil.pipelines.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class EmbeddedKafkaTest {

  @Test
  void transactionsWorkAndASecondBrokerStartsInTheSameJvm() throws Exception {
    // A killed earlier run may have left its folder: only this test's brokers must leave none.
    List<Path> before = kafkaDataDirs();
    long t0 = System.nanoTime();
    try (EmbeddedKafka kafka = EmbeddedKafka.start(List.of("events", "scores"), 2)) {
      System.out.printf("first broker ready in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
      assertThat(kafka.bootstrapServers()).startsWith("127.0.0.1:");

      produceCommittedAndAborted(kafka, "events");
      assertThat(read(kafka, "events", "read_committed")).containsExactly("c1", "c2", "c3", "last");
      // The aborted records are in the log: read_committed really filtered them.
      assertThat(read(kafka, "events", "read_uncommitted"))
          .containsExactly("c1", "c2", "c3", "a1", "a2", "last");

      kafka.createTopics(List.of("events", "extra"), 2);
      try (Admin admin = admin(kafka)) {
        assertThat(admin.listTopics().names().get()).contains("events", "scores", "extra");
      }
      kafka.close();
      kafka.close();
    }
    assertThat(kafkaDataDirs()).containsExactlyInAnyOrderElementsOf(before);

    t0 = System.nanoTime();
    try (EmbeddedKafka second = EmbeddedKafka.start(List.of("events"), 1)) {
      System.out.printf("second broker ready in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
      produceCommittedAndAborted(second, "events");
      assertThat(read(second, "events", "read_committed")).containsExactly("c1", "c2", "c3", "last");
    }
    assertThat(kafkaDataDirs()).containsExactlyInAnyOrderElementsOf(before);
  }

  /** c1..c3 committed, a1..a2 aborted, then "last" committed so the aborted batch lies below it. */
  private static void produceCommittedAndAborted(EmbeddedKafka kafka, String topic) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "embedded-kafka-test");
    p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) Duration.ofMinutes(10).toMillis());
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      producer.initTransactions();
      sendInTransaction(producer, topic, List.of("c1", "c2", "c3"), true);
      sendInTransaction(producer, topic, List.of("a1", "a2"), false);
      sendInTransaction(producer, topic, List.of("last"), true);
    }
  }

  private static void sendInTransaction(
      KafkaProducer<String, String> producer, String topic, List<String> values, boolean commit) {
    producer.beginTransaction();
    // One partition keeps the order checkable.
    values.forEach(v -> producer.send(new ProducerRecord<>(topic, 0, v, v)));
    if (commit) {
      producer.commitTransaction();
    } else {
      producer.flush();
      producer.abortTransaction();
    }
  }

  /** Reads partition 0 from the start until "last" arrives. */
  private static List<String> read(EmbeddedKafka kafka, String topic, String isolation) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
      TopicPartition partition = new TopicPartition(topic, 0);
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!values.contains("last") && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          values.add(r.value());
        }
      }
    }
    return values;
  }

  private static Admin admin(EmbeddedKafka kafka) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    return Admin.create(p);
  }

  private static List<Path> kafkaDataDirs() throws Exception {
    try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return files.filter(f -> f.getFileName().toString().startsWith("vigil-kafka-")).toList();
    }
  }
}
