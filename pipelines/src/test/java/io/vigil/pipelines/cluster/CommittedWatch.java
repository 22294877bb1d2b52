package io.vigil.pipelines.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * Follows a job's committed (read_committed) output: how many records, and when each became
 * visible here against when the job wrote it (its Kafka timestamp). A record written after a
 * fault was written by the recovered job: the first one to become visible ends the recovery.
 */
final class CommittedWatch implements AutoCloseable {

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Thread thread;
  /** {visible at, written at} per record, in ms. */
  private final List<long[]> seen = new ArrayList<>();

  CommittedWatch(KafkaConsumer<byte[], byte[]> consumer, String topic) {
    this.consumer = consumer;
    consumer.subscribe(List.of(topic));
    thread = new Thread(this::follow, "committed-watch-" + topic);
    thread.setDaemon(true);
    thread.start();
  }

  private void follow() {
    while (running.get()) {
      var records = consumer.poll(Duration.ofMillis(100));
      long now = System.currentTimeMillis();
      synchronized (this) {
        for (ConsumerRecord<byte[], byte[]> r : records) {
          seen.add(new long[] {now, r.timestamp()});
        }
      }
    }
    consumer.close();
  }

  synchronized int count() {
    return seen.size();
  }

  /** When the first record written after {@code writtenAfter} became visible; -1 if none yet. */
  synchronized long firstVisibleWrittenAfter(long writtenAfter) {
    return seen.stream().filter(s -> s[1] > writtenAfter).mapToLong(s -> s[0]).min().orElse(-1);
  }

  /** Waits until {@code count} records are visible; false on timeout. */
  boolean awaitCount(int count, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (count() < count) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(100);
    }
    return true;
  }

  /** Waits for the first record written after {@code t}; returns ms from {@code t} until it was visible. */
  long awaitRecovery(long t, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (firstVisibleWrittenAfter(t) < 0) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no committed output written after the fault within " + timeout);
      }
      Thread.sleep(50);
    }
    return firstVisibleWrittenAfter(t) - t;
  }

  @Override
  public void close() throws InterruptedException {
    running.set(false);
    thread.join();
  }
}
