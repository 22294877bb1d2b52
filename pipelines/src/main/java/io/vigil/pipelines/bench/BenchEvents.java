package io.vigil.pipelines.bench;

import io.vigil.pipelines.synthetic.SyntheticEvent;
import io.vigil.pipelines.synthetic.SyntheticStream;
import io.vigil.schemas.SequenceEvent;
import io.vigil.schemas.wire.WireCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** The benchmark's input: the demo's synthetic events, as a pre-loaded backlog or a paced live feed. */
final class BenchEvents implements AutoCloseable {

  private final SyntheticStream stream;
  private final KafkaProducer<byte[], byte[]> producer;
  private final WireCodec<SequenceEvent> codec = new WireCodec<>(SequenceEvent.getClassSchema());

  BenchEvents(String bootstrap, int entities, long seed) {
    // Backlog event time starts a day back: within the job's accepted event age (7 days by
    // default), with room for tens of millions of events before it passes the wall clock.
    stream = new SyntheticStream(SyntheticStream.Settings.defaults().withEntities(entities).withSeed(seed)
        .withClock(System.currentTimeMillis() - Duration.ofDays(1).toMillis(), 1000));
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("acks", "all");
    p.put("max.in.flight.requests.per.connection", "1"); // see DemoProducer
    p.put("linger.ms", "5");
    p.put("batch.size", "262144");
    producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /** Writes {@code count} events as fast as possible (a backlog for throughput runs). */
  void backlog(String topic, int count) {
    for (int i = 0; i < count; i++) {
      SyntheticEvent e = stream.nextEvent();
      send(topic, e, e.eventTimeMillis());
    }
    producer.flush();
  }

  /** Writes events at {@code perSecond} for {@code seconds}, event time = send time; returns the count sent. */
  long paced(String topic, double perSecond, int seconds) {
    long start = System.nanoTime();
    long end = start + seconds * 1_000_000_000L;
    long sent = 0;
    while (System.nanoTime() < end) {
      long due = start + (long) (sent * 1e9 / perSecond);
      long ahead = due - System.nanoTime();
      if (ahead > 200_000) {
        LockSupport.parkNanos(ahead);
      }
      send(topic, stream.nextEvent(), System.currentTimeMillis());
      sent++;
    }
    producer.flush();
    return sent;
  }

  /** {@code count} events, decoded, for the ONNX-only ceiling. */
  List<float[]> features(int count) {
    List<float[]> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(stream.nextEvent().features());
    }
    return out;
  }

  private void send(String topic, SyntheticEvent e, long eventTime) {
    List<Float> f = new ArrayList<>(e.features().length);
    for (float v : e.features()) {
      f.add(v);
    }
    SequenceEvent event = new SequenceEvent(e.entityId(), e.eventId(), Instant.ofEpochMilli(eventTime), f);
    producer.send(new ProducerRecord<>(topic, e.entityId().getBytes(StandardCharsets.UTF_8), codec.encode(event)));
  }

  @Override
  public void close() {
    producer.close();
  }
}
