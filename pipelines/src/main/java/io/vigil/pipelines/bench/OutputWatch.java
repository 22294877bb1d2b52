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
 * Reads a job's committed output topic until a count is reached. Kafka timestamps of the output
 * are the times the job wrote each record (not when its transaction committed), so they give the
 * job's throughput and, against the event time in the payload, its event-to-score latency.
 */
final class OutputWatch implements AutoCloseable {

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final ScoreTimes times = new ScoreTimes();

  private long firstWrite = Long.MAX_VALUE;
  private long lastWrite = Long.MIN_VALUE;
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
      for (ConsumerRecord<byte[], byte[]> r : records) {
        seen++;
        firstWrite = Math.min(firstWrite, r.timestamp());
        lastWrite = Math.max(lastWrite, r.timestamp());
        if (recordLatency) {
          long eventTime = times.eventTimeMillis(r.value());
          latencies.add(new long[] {eventTime, r.timestamp() - eventTime});
        }
      }
    }
    return seen;
  }

  /** Records/s between the first and the last write (job start-up before the first is excluded). */
  double ratePerSecond(long total) {
    double seconds = (lastWrite - firstWrite) / 1e3;
    return seconds <= 0 ? Double.NaN : (total - 1) / seconds;
  }

  @Override
  public void close() {
    consumer.close();
  }
}
