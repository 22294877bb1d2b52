package io.vigil.pipelines.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a job's committed output topic until a count is reached, noting when records arrived
 * and, per record, the event-to-score latency (Kafka write time minus the event time in the payload).
 */
final class OutputWatch implements AutoCloseable {

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final ScoreTimes times = new ScoreTimes();

  /** When the first and the last records were seen, and how many came with the first poll. */
  long firstSeenNanos;
  long lastSeenNanos;
  long firstPollCount;
  /** Per record read with latency on: {event time, latency}, both in ms. */
  final List<long[]> latencies = new ArrayList<>();

  OutputWatch(String bootstrap, String topic) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("group.id", "bench-" + UUID.randomUUID());
    p.put("auto.offset.reset", "earliest");
    p.put("isolation.level", "read_committed");
    p.put("max.poll.records", "10000");
    consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    consumer.subscribe(List.of(topic));
  }

  /** Reads until {@code count} records arrived or the timeout passed; returns the count read. */
  long await(long count, Duration timeout, boolean recordLatency) {
    long seen = 0;
    long deadline = System.nanoTime() + timeout.toNanos();
    while (seen < count && System.nanoTime() < deadline) {
      var records = consumer.poll(Duration.ofMillis(100));
      if (records.isEmpty()) {
        continue;
      }
      long now = System.nanoTime();
      if (seen == 0) {
        firstSeenNanos = now;
        firstPollCount = records.count();
      }
      lastSeenNanos = now;
      for (ConsumerRecord<byte[], byte[]> r : records) {
        seen++;
        if (recordLatency) {
          long eventTime = times.eventTimeMillis(r.value());
          latencies.add(new long[] {eventTime, r.timestamp() - eventTime});
        }
      }
    }
    return seen;
  }

  /** Records/s between the first and the last arrival (the start-up before the first is excluded). */
  double ratePerSecond(long total) {
    double seconds = (lastSeenNanos - firstSeenNanos) / 1e9;
    return seconds <= 0 ? Double.NaN : (total - firstPollCount) / seconds;
  }

  @Override
  public void close() {
    consumer.close();
  }
}
