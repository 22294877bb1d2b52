package io.vigil.pipelines.replay;

import io.vigil.schemas.Feedback;
import io.vigil.schemas.SequenceEvent;
import io.vigil.schemas.wire.WireCodec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends a feed to Kafka in Vigil's wire format: events (a share corrupted by the
 * {@link FaultInjector}, if asked) to the events topic keyed by entity, so each entity's order is
 * kept; labels to the feedback topic keyed by event id — the feed's own, or those the
 * {@link LabelPlan} schedules from each event's ground truth, sent once event time has passed
 * their due time (the rest at the end). Paced by {@link Pacing}; stops when the feed ends or
 * {@link #stop()} is called.
 */
public final class EventProducer implements Runnable {

  private final KafkaProducer<byte[], byte[]> producer;
  private final String eventsTopic;
  private final String feedbackTopic;
  private final EventFeed feed;
  private final FaultInjector faults;
  private final Pacing pacing;
  private final EventTime eventTime;
  private final LabelPlan labelPlan;
  private final PriorityQueue<FeedItem.Label> delayed = new PriorityQueue<>(Comparator.comparingLong(FeedItem.Label::timeMillis));
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicReference<Exception> firstFailure = new AtomicReference<>();
  private final WireCodec<SequenceEvent> events = new WireCodec<>(SequenceEvent.getClassSchema());
  private final WireCodec<Feedback> labels = new WireCodec<>(Feedback.getClassSchema());
  private volatile boolean exhausted;

  public final AtomicLong sent = new AtomicLong();
  public final AtomicLong corrupted = new AtomicLong();
  public final AtomicLong labelsSent = new AtomicLong();
  /** Records Kafka did not accept (the first error: {@link #firstFailure()}). */
  public final AtomicLong failed = new AtomicLong();
  private final Callback onSent = (metadata, e) -> {
    if (e != null) {
      failed.incrementAndGet();
      firstFailure.compareAndSet(null, e);
    }
  };

  /**
   * @param client Kafka client properties (bootstrap.servers and any security settings)
   * @param faults corrupts a share of events; null = none
   * @param labelPlan schedules feedback from events' ground truth; null = only the feed's own labels
   */
  public EventProducer(Properties client, String eventsTopic, String feedbackTopic, EventFeed feed, FaultInjector faults,
      Pacing pacing, EventTime eventTime, LabelPlan labelPlan) {
    Properties p = new Properties();
    p.putAll(client);
    p.put("acks", "all");
    p.put("enable.idempotence", "true");
    // One batch in flight: a batch retried while a fresh topic's leader settles cannot land behind
    // a later one, which the broker would reject as out of sequence.
    p.put("max.in.flight.requests.per.connection", "1");
    p.put("linger.ms", "5");
    p.put("batch.size", "131072");
    this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    this.eventsTopic = eventsTopic;
    this.feedbackTopic = feedbackTopic;
    this.feed = feed;
    this.faults = faults;
    this.pacing = pacing;
    this.eventTime = eventTime;
    this.labelPlan = labelPlan;
  }

  /** Bootstrap servers alone (the embedded broker). */
  public static Properties client(String bootstrapServers) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrapServers);
    return p;
  }

  public void stop() {
    running.set(false);
  }

  /** True once the feed has no more items (a CSV sent to its end). */
  public boolean exhausted() {
    return exhausted;
  }

  public Exception firstFailure() {
    return firstFailure.get();
  }

  @Override
  public void run() {
    long start = System.nanoTime();
    long first = Long.MIN_VALUE;
    try {
      while (running.get()) {
        FeedItem item = feed.next();
        if (item == null) {
          exhausted = true;
          break;
        }
        if (item instanceof FeedItem.Label l) {
          sendLabel(l);
          continue;
        }
        FeedItem.Event e = (FeedItem.Event) item;
        first = first == Long.MIN_VALUE ? e.timeMillis() : first;
        pace(start + pacing.dueNanos(sent.get(), first, e.timeMillis()));
        long time = eventTime == EventTime.SEND ? System.currentTimeMillis() : e.timeMillis();
        releaseDue(time);
        sendEvent(e, time);
        if (labelPlan != null && e.label() != null && labelPlan.labelled(e.eventId())) {
          delayed.add(new FeedItem.Label(e.entityId(), e.eventId(), e.label(), time + labelPlan.delayMillis()));
        }
      }
      releaseDue(Long.MAX_VALUE);
    } catch (RuntimeException e) {
      // send() itself throws when Kafka stays unreachable (max.block.ms): report it, do not vanish.
      failed.incrementAndGet();
      firstFailure.compareAndSet(null, e);
    } finally {
      producer.flush();
      producer.close();
    }
  }

  private void releaseDue(long time) {
    while (!delayed.isEmpty() && delayed.peek().timeMillis() <= time) {
      sendLabel(delayed.poll());
    }
  }

  private void sendEvent(FeedItem.Event e, long time) {
    List<Float> features = new ArrayList<>(e.features().length);
    for (float f : e.features()) {
      features.add(f);
    }
    SequenceEvent event = new SequenceEvent(e.entityId(), e.eventId(), Instant.ofEpochMilli(time), features);
    byte[] bad = faults == null ? null : faults.maybeCorrupt(event);
    if (bad != null) {
      corrupted.incrementAndGet();
    }
    // The Kafka timestamp is the send time: retention and the broker's timestamp bounds judge
    // records by it, and a CSV's times may be years old (the job reads the event's own time).
    producer.send(new ProducerRecord<>(eventsTopic, null, null, e.entityId().getBytes(StandardCharsets.UTF_8),
        bad != null ? bad : events.encode(event)), onSent);
    sent.incrementAndGet();
  }

  private void sendLabel(FeedItem.Label l) {
    Feedback feedback = new Feedback(l.eventId(), l.anomalous(), Instant.ofEpochMilli(l.timeMillis()), l.entityId());
    producer.send(new ProducerRecord<>(feedbackTopic, null, null, l.eventId().getBytes(StandardCharsets.UTF_8),
        labels.encode(feedback)), onSent);
    labelsSent.incrementAndGet();
  }

  /** Sleeps until the due time (nanoTime), in slices, so a stop is noticed. */
  private void pace(long due) {
    for (long ahead = due - System.nanoTime(); ahead > 1_000_000 && running.get(); ahead = due - System.nanoTime()) {
      LockSupport.parkNanos(Math.min(ahead, 200_000_000L));
    }
  }
}
