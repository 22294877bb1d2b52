package io.vigil.pipelines.job;

import io.vigil.schemas.wire.Decoded;
import io.vigil.schemas.wire.WireCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Test-side Kafka access: write raw values, read committed Avro records back. */
public final class KafkaTopics {

  private final String bootstrap;
  private final Map<String, String> clientProperties;

  KafkaTopics(String bootstrap) {
    this(bootstrap, Map.of());
  }

  /** {@code clientProperties}: e.g. SASL/SSL settings of a secured broker, passed to every client. */
  public KafkaTopics(String bootstrap, Map<String, String> clientProperties) {
    this.bootstrap = bootstrap;
    this.clientProperties = clientProperties;
  }

  /** Writes values in order, each keyed (so a key's records share a partition). */
  public void produce(String topic, List<byte[]> keys, List<byte[]> values) {
    Properties p = properties();
    p.put("acks", "all");
    // One batch in flight: a batch retried after a fresh topic's leader moved cannot land behind a
    // later one (the broker would reject it as out of sequence and the records would be lost).
    p.put("max.in.flight.requests.per.connection", "1");
    List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < values.size(); i++) {
        sent.add(producer.send(new ProducerRecord<>(topic, keys.get(i), values.get(i))));
      }
      producer.flush();
      for (java.util.concurrent.Future<?> f : sent) {
        f.get(); // a lost record must fail the test here, not show up as a missing score
      }
    } catch (Exception e) {
      throw new AssertionError("producing to " + topic + " failed", e);
    }
  }

  /** Reads committed records until {@code count} arrived (then a short grace for extras) or the timeout. */
  public <T extends SpecificRecordBase> List<T> readCommitted(String topic, WireCodec<T> codec, int count, Duration timeout) {
    List<T> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
      consumer.subscribe(List.of(topic));
      long deadline = System.currentTimeMillis() + timeout.toMillis();
      long graceEnd = Long.MAX_VALUE;
      while (System.currentTimeMillis() < Math.min(deadline, graceEnd)) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          out.add(decode(codec, r));
        }
        if (out.size() >= count && graceEnd == Long.MAX_VALUE) {
          graceEnd = System.currentTimeMillis() + 1500;
        }
      }
    }
    return out;
  }

  /** Every committed record of {@code topic} up to its end as of now (its last stable offset). */
  public <T extends SpecificRecordBase> List<T> readAll(String topic, WireCodec<T> codec, Duration timeout) {
    List<T> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(i -> new TopicPartition(topic, i.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      long deadline = System.currentTimeMillis() + timeout.toMillis();
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
        if (System.currentTimeMillis() > deadline) {
          throw new AssertionError("could not read " + topic + " to its end " + ends + " within " + timeout);
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          out.add(decode(codec, r));
        }
      }
    }
    return out;
  }

  /**
   * Records in {@code topic} (all partitions): committed ones only, or everything written,
   * open transactions and their markers included.
   */
  public long endOffsets(String topic, boolean committed) {
    try (KafkaConsumer<byte[], byte[]> consumer = consumer(committed)) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(i -> new TopicPartition(topic, i.partition())).toList();
      return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /** A read_committed consumer with the client settings (no group offsets committed). */
  public KafkaConsumer<byte[], byte[]> consumer() {
    return consumer(true);
  }

  private KafkaConsumer<byte[], byte[]> consumer(boolean committed) {
    Properties p = properties();
    p.put("group.id", "test-" + UUID.randomUUID());
    p.put("auto.offset.reset", "earliest");
    p.put("enable.auto.commit", "false");
    p.put("isolation.level", committed ? "read_committed" : "read_uncommitted");
    return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /** The bootstrap servers and client settings every client of this broker needs. */
  public Properties properties() {
    Properties p = new Properties();
    p.putAll(clientProperties);
    p.put("bootstrap.servers", bootstrap);
    return p;
  }

  private static <T extends SpecificRecordBase> T decode(WireCodec<T> codec, ConsumerRecord<byte[], byte[]> r) {
    Decoded<T> d = codec.decode(r.value());
    if (!d.isOk()) {
      throw new AssertionError("undecodable record on " + r.topic() + ": " + d.message());
    }
    return d.value();
  }
}
