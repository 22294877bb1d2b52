package io.vigil.pipelines.job;

import io.vigil.schemas.wire.Decoded;
import io.vigil.schemas.wire.WireCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Test-side Kafka access: write raw values, read committed Avro records back. */
final class KafkaTopics {

  private final String bootstrap;

  KafkaTopics(String bootstrap) {
    this.bootstrap = bootstrap;
  }

  /** Writes values in order, each keyed (so a key's records share a partition). */
  void produce(String topic, List<byte[]> keys, List<byte[]> values) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
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
  <T extends SpecificRecordBase> List<T> readCommitted(String topic, WireCodec<T> codec, int count, Duration timeout) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("group.id", "test-" + UUID.randomUUID());
    p.put("auto.offset.reset", "earliest");
    p.put("isolation.level", "read_committed");
    List<T> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.currentTimeMillis() + timeout.toMillis();
      long graceEnd = Long.MAX_VALUE;
      while (System.currentTimeMillis() < Math.min(deadline, graceEnd)) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          Decoded<T> d = codec.decode(r.value());
          if (!d.isOk()) {
            throw new AssertionError("undecodable record on " + topic + ": " + d.message());
          }
          out.add(d.value());
        }
        if (out.size() >= count && graceEnd == Long.MAX_VALUE) {
          graceEnd = System.currentTimeMillis() + 1500;
        }
      }
    }
    return out;
  }
}
