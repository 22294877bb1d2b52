package io.vigil.pipelines.cluster;

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
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The synthetic stream fed live (event time = wall clock) at a fixed rate: events keyed by
 * entity, labels when due. It keeps every event sent, in order, for the per-key reference, and
 * its producer rides out a broker restart (idempotent, long delivery timeout) without losing or
 * reordering a record; {@link #close()} fails if any send failed.
 */
final class LiveFeed implements Runnable, AutoCloseable {

  private final SyntheticStream stream;
  private final KafkaProducer<byte[], byte[]> producer;
  private final String eventsTopic;
  private final String feedbackTopic;
  private final double eventsPerSecond;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final WireCodec<SequenceEvent> events = new WireCodec<>(SequenceEvent.getClassSchema());
  private final WireCodec<Feedback> labels = new WireCodec<>(Feedback.getClassSchema());
  private final List<SequenceEvent> sent = new ArrayList<>();
  private final List<Future<RecordMetadata>> acks = new ArrayList<>();
  private final Thread thread = new Thread(this, "live-feed");
  private long labelsSent;

  LiveFeed(Properties client, String eventsTopic, String feedbackTopic, int entities, double eventsPerSecond, long seed) {
    Properties p = new Properties();
    p.putAll(client);
    p.put("acks", "all");
    p.put("enable.idempotence", "true");
    p.put("max.in.flight.requests.per.connection", "1");
    p.put("linger.ms", "5");
    // Long enough to outlast a broker restart: records wait in the buffer, none is dropped.
    p.put("delivery.timeout.ms", "300000");
    p.put("max.block.ms", "300000");
    producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    long step = Math.max(1, Math.round(entities * 1000 / eventsPerSecond));
    stream = new SyntheticStream(SyntheticStream.Settings.defaults().withEntities(entities).withSeed(seed)
        .withClock(System.currentTimeMillis(), step));
    this.eventsTopic = eventsTopic;
    this.feedbackTopic = feedbackTopic;
    this.eventsPerSecond = eventsPerSecond;
  }

  LiveFeed start() {
    thread.setDaemon(true);
    thread.start();
    return this;
  }

  @Override
  public void run() {
    long start = System.nanoTime();
    while (running.get()) {
      SyntheticStream.Item item = stream.next();
      if (item.label() != null) {
        SyntheticLabel l = item.label();
        send(feedbackTopic, l.eventId(), labels.encode(new Feedback(l.eventId(), l.anomalous(), Instant.ofEpochMilli(l.timeMillis()), l.entityId())));
        synchronized (this) {
          labelsSent++;
        }
        continue;
      }
      SequenceEvent event = item.event().toSequenceEvent();
      send(eventsTopic, event.getEntityId(), events.encode(event));
      synchronized (this) {
        sent.add(event);
      }
      long ahead = start + (long) (sent() * 1e9 / eventsPerSecond) - System.nanoTime();
      if (ahead > 1_000_000) {
        LockSupport.parkNanos(ahead);
      }
    }
  }

  private void send(String topic, String key, byte[] value) {
    Future<RecordMetadata> ack = producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value));
    synchronized (this) {
      acks.add(ack);
    }
  }

  synchronized int sent() {
    return sent.size();
  }

  /** The events sent so far, in send order (per key, the order the job must score them in). */
  synchronized List<SequenceEvent> events() {
    return new ArrayList<>(sent);
  }

  synchronized long labelsSent() {
    return labelsSent;
  }

  /** Stops feeding and waits until every record sent is acknowledged by the broker. */
  @Override
  public void close() throws Exception {
    if (!running.getAndSet(false)) {
      return;
    }
    thread.join();
    producer.flush();
    List<Future<RecordMetadata>> all;
    synchronized (this) {
      all = new ArrayList<>(acks);
    }
    for (Future<RecordMetadata> ack : all) {
      ack.get(5, TimeUnit.MINUTES); // a lost record fails the test here, not as a missing score
    }
    producer.close();
  }
}
