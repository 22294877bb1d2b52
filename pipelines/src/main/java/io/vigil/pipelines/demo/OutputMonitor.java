package io.vigil.pipelines.demo;

import io.vigil.schemas.Alert;
import io.vigil.schemas.AlertStatus;
import io.vigil.schemas.DeadLetter;
import io.vigil.schemas.Score;
import io.vigil.schemas.wire.Decoded;
import io.vigil.schemas.wire.WireCodec;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the job's committed output (read_committed, as any downstream reader of an exactly-once
 * job should) and keeps the counts the status line shows.
 */
final class OutputMonitor implements Runnable {

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final String scoresTopic;
  private final String alertsTopic;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final WireCodec<Score> scores = new WireCodec<>(Score.getClassSchema());
  private final WireCodec<DeadLetter> deadLetters = new WireCodec<>(DeadLetter.getClassSchema());
  private final WireCodec<Alert> alerts = new WireCodec<>(Alert.getClassSchema());
  private final Set<String> keys = new HashSet<>();

  final AtomicLong scored = new AtomicLong();
  final AtomicLong dead = new AtomicLong();
  final AtomicLong alertsOpened = new AtomicLong();
  final AtomicLong alertsOpen = new AtomicLong();
  final AtomicLong undecodable = new AtomicLong();
  /** Kafka write time of each score minus its event time. */
  final LatencyWindow latency = new LatencyWindow(20_000);

  OutputMonitor(String bootstrap, String scoresTopic, String deadLettersTopic, String alertsTopic) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("group.id", "vigil-demo-monitor");
    p.put("auto.offset.reset", "earliest");
    p.put("isolation.level", "read_committed");
    p.put("enable.auto.commit", "false");
    consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    consumer.subscribe(List.of(scoresTopic, deadLettersTopic, alertsTopic));
    this.scoresTopic = scoresTopic;
    this.alertsTopic = alertsTopic;
  }

  void stop() {
    running.set(false);
    consumer.wakeup();
  }

  synchronized int keys() {
    return keys.size();
  }

  private void countAlert(Decoded<Alert> alert) {
    if (!alert.isOk()) {
      undecodable.incrementAndGet();
    } else if (alert.value().getStatus() == AlertStatus.OPEN) {
      alertsOpened.incrementAndGet();
      alertsOpen.incrementAndGet();
    } else {
      alertsOpen.decrementAndGet();
    }
  }

  @Override
  public void run() {
    try {
      while (running.get()) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.topic().equals(scoresTopic)) {
            Decoded<Score> s = scores.decode(r.value());
            if (s.isOk()) {
              synchronized (this) {
                keys.add(s.value().getEntityId());
              }
              latency.add(r.timestamp() - s.value().getEventTime().toEpochMilli());
              scored.incrementAndGet();
            } else {
              undecodable.incrementAndGet();
            }
          } else if (r.topic().equals(alertsTopic)) {
            countAlert(alerts.decode(r.value()));
          } else if (deadLetters.decode(r.value()).isOk()) {
            dead.incrementAndGet();
          } else {
            undecodable.incrementAndGet();
          }
        }
      }
    } catch (org.apache.kafka.common.errors.WakeupException e) {
      // stop() was called
    } finally {
      consumer.close();
    }
  }
}
