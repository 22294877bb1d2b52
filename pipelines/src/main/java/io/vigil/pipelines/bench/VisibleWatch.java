package io.vigil.pipelines.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.ToLongFunction;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A reader of one output topic, with the isolation level its delivery guarantee requires, polling
 * on its own thread while the job runs: per record, the event time it answers, when the job wrote
 * it (its Kafka timestamp, set by the job's producer) and when this reader received it. Written
 * minus event time is the write latency; received minus event time the latency a reader sees.
 */
final class VisibleWatch implements AutoCloseable {

  /** Times in epoch ms. */
  record Sample(long eventTime, long written, long received) {}

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final ToLongFunction<byte[]> eventTime;
  private final List<Sample> samples = new ArrayList<>();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile long records;

  /** {@code eventTime} returns -1 for a record that answers no single event (it is counted, not timed). */
  VisibleWatch(String bootstrap, String topic, String isolation, ToLongFunction<byte[]> eventTime) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("isolation.level", isolation);
    p.put("enable.auto.commit", "false");
    // A fetch waits on the broker for new records; this bounds the wait should a wake-up be missed.
    p.put("fetch.max.wait.ms", "50");
    consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    // Assigned, not subscribed: no group join delays the first records.
    List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
        .map(i -> new TopicPartition(topic, i.partition())).toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    this.eventTime = eventTime;
    thread = new Thread(this::poll, "visible-watch-" + topic);
    thread.setDaemon(true);
    thread.start();
  }

  private void poll() {
    while (running) {
      ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(50));
      long received = System.currentTimeMillis();
      for (ConsumerRecord<byte[], byte[]> r : batch) {
        long t = eventTime.applyAsLong(r.value());
        if (t >= 0) {
          samples.add(new Sample(t, r.timestamp(), received));
        }
      }
      records += batch.count();
    }
    consumer.close();
  }

  /** Records received so far (timed or not). */
  long records() {
    return records;
  }

  /** Stops the reader; returns its samples. */
  List<Sample> stop() throws InterruptedException {
    close();
    return samples;
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.join();
  }
}
