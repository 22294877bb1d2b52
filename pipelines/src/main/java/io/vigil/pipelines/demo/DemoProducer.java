package io.vigil.pipelines.demo;

import io.vigil.pipelines.synthetic.SyntheticEvent;
import io.vigil.pipelines.synthetic.SyntheticLabel;
import io.vigil.pipelines.synthetic.SyntheticStream;
import io.vigil.schemas.Feedback;
import io.vigil.schemas.SequenceEvent;
import io.vigil.schemas.wire.WireCodec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Feeds the synthetic stream into Kafka at a target rate: events (a share corrupted by the
 * {@link FaultInjector}) to the events topic, keyed by entity, and due labels to the feedback topic.
 */
final class DemoProducer implements Runnable {

  private final SyntheticStream stream;
  private final FaultInjector faults;
  private final KafkaProducer<byte[], byte[]> producer;
  private final String eventsTopic;
  private final String feedbackTopic;
  private final double eventsPerSecond;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final WireCodec<SequenceEvent> events = new WireCodec<>(SequenceEvent.getClassSchema());
  private final WireCodec<Feedback> labels = new WireCodec<>(Feedback.getClassSchema());

  final AtomicLong sent = new AtomicLong();
  final AtomicLong corrupted = new AtomicLong();
  final AtomicLong labelsSent = new AtomicLong();

  DemoProducer(String bootstrap, String eventsTopic, String feedbackTopic, SyntheticStream stream,
      FaultInjector faults, double eventsPerSecond) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("acks", "all");
    p.put("enable.idempotence", "true");
    // One batch in flight: a batch retried while a fresh topic's leader settles cannot land behind
    // a later one, which the broker would reject as out of sequence.
    p.put("max.in.flight.requests.per.connection", "1");
    p.put("linger.ms", "5");
    p.put("batch.size", "131072");
    this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    this.stream = stream;
    this.faults = faults;
    this.eventsTopic = eventsTopic;
    this.feedbackTopic = feedbackTopic;
    this.eventsPerSecond = eventsPerSecond;
  }

  void stop() {
    running.set(false);
  }

  @Override
  public void run() {
    long start = System.nanoTime();
    try {
      while (running.get()) {
        SyntheticStream.Item item = stream.next();
        if (item.label() != null) {
          sendLabel(item.label());
          continue;
        }
        sendEvent(item.event());
        pace(start);
      }
    } finally {
      producer.flush();
      producer.close();
    }
  }

  private void sendEvent(SyntheticEvent e) {
    List<Float> features = new ArrayList<>(e.features().length);
    for (float f : e.features()) {
      features.add(f);
    }
    SequenceEvent event = new SequenceEvent(e.entityId(), e.eventId(), Instant.ofEpochMilli(e.eventTimeMillis()), features);
    byte[] bad = faults.maybeCorrupt(event);
    if (bad != null) {
      corrupted.incrementAndGet();
    }
    producer.send(new ProducerRecord<>(eventsTopic, null, e.eventTimeMillis(),
        e.entityId().getBytes(StandardCharsets.UTF_8), bad != null ? bad : events.encode(event)));
    sent.incrementAndGet();
  }

  private void sendLabel(SyntheticLabel l) {
    Feedback feedback = new Feedback(l.eventId(), l.anomalous(), Instant.ofEpochMilli(l.timeMillis()));
    producer.send(new ProducerRecord<>(feedbackTopic, null, l.timeMillis(),
        l.eventId().getBytes(StandardCharsets.UTF_8), labels.encode(feedback)));
    labelsSent.incrementAndGet();
  }

  /** Sleeps while ahead of the target rate (0 = as fast as possible). */
  private void pace(long start) {
    if (eventsPerSecond <= 0) {
      return;
    }
    long due = start + (long) (sent.get() * 1e9 / eventsPerSecond);
    long ahead = due - System.nanoTime();
    if (ahead > 1_000_000) {
      LockSupport.parkNanos(ahead);
    }
  }
}
