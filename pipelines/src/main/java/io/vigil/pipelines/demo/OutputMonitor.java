package io.vigil.pipelines.demo;

import io.vigil.pipelines.job.TopicNames;
import io.vigil.schemas.Alert;
import io.vigil.schemas.AlertKind;
import io.vigil.schemas.AlertStatus;
import io.vigil.schemas.DeadLetter;
import io.vigil.schemas.FeedbackIssue;
import io.vigil.schemas.LabelledScore;
import io.vigil.schemas.MetricSnapshot;
import io.vigil.schemas.ModelComparison;
import io.vigil.schemas.ModelEvent;
import io.vigil.schemas.ModelEventOutcome;
import io.vigil.schemas.ModelScore;
import io.vigil.schemas.Score;
import io.vigil.schemas.wire.Decoded;
import io.vigil.schemas.wire.SchemaHistory;
import io.vigil.schemas.wire.WireCodec;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads every output topic of the job (read_committed, as any reader of an exactly-once job
 * should), keeps the counts and views the demo shows, and archives each record as a JSON line
 * when asked to. {@link #finish} reads on to the end of every topic, then stops.
 */
final class OutputMonitor implements Runnable {

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final TopicNames topics;
  private final JsonLinesArchive archive;
  private final DemoView view;
  private final Set<String> keys = new HashSet<>();
  private final Map<String, Long> labelledPerModel = new HashMap<>();
  private final WireCodec<Score> scores = new WireCodec<>(Score.getClassSchema(), SchemaHistory.of("Score"));
  private final WireCodec<DeadLetter> deadLetters = new WireCodec<>(DeadLetter.getClassSchema());
  private final WireCodec<Alert> alerts = new WireCodec<>(Alert.getClassSchema(), SchemaHistory.of("Alert"));
  private final WireCodec<ModelComparison> comparisons = new WireCodec<>(ModelComparison.getClassSchema());
  private final WireCodec<LabelledScore> labelled = new WireCodec<>(LabelledScore.getClassSchema(), SchemaHistory.of("LabelledScore"));
  private final WireCodec<MetricSnapshot> metrics = new WireCodec<>(MetricSnapshot.getClassSchema(), SchemaHistory.of("MetricSnapshot"));
  private final WireCodec<FeedbackIssue> issues = new WireCodec<>(FeedbackIssue.getClassSchema(), SchemaHistory.of("FeedbackIssue"));
  private final WireCodec<ModelEvent> modelEvents = new WireCodec<>(ModelEvent.getClassSchema());
  /** model@version of every activated update, and of every rejected one (each subtask may report it). */
  private final Set<String> activated = new HashSet<>();
  private final Set<String> rejected = new HashSet<>();
  private final CountDownLatch done = new CountDownLatch(1);
  private volatile boolean finishing;

  final AtomicLong scored = new AtomicLong();
  final AtomicLong dead = new AtomicLong();
  final AtomicLong alertsOpened = new AtomicLong();
  final AtomicLong alertsOpen = new AtomicLong();
  final AtomicLong labelledScores = new AtomicLong();
  final AtomicLong feedbackIssues = new AtomicLong();
  /** QUALITY alerts opened (not counted in alertsOpened, which counts the entities' alerts). */
  final AtomicLong qualityAlertsOpened = new AtomicLong();
  final AtomicLong comparisonRecords = new AtomicLong();
  /** Kafka write time of each score minus its event time. */
  final LatencyWindow latency = new LatencyWindow(20_000);
  final ProcessingRate processing = new ProcessingRate();

  /** @param archive where to write JSON lines, or null */
  OutputMonitor(String bootstrap, TopicNames topics, JsonLinesArchive archive, DemoView view) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("group.id", "vigil-demo-monitor");
    p.put("auto.offset.reset", "earliest");
    p.put("isolation.level", "read_committed");
    p.put("enable.auto.commit", "false");
    consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    consumer.subscribe(topics.outputs());
    this.topics = topics;
    this.archive = archive;
    this.view = view;
    if (archive != null) {
      List.of("scores", "dead-letters", "alerts", "labelled", "metrics", "feedback-issues", "model-events", "model-comparisons")
          .forEach(archive::touch);
    }
  }

  synchronized int keys() {
    return keys.size();
  }

  /** Model updates activated (distinct model versions). */
  synchronized int swaps() {
    return activated.size();
  }

  /** Model updates rejected (distinct model versions). */
  synchronized int swapRejections() {
    return rejected.size();
  }

  /** Labelled scores per model@version, as the metrics count them. */
  synchronized Map<String, Long> labelledPerModel() {
    return new HashMap<>(labelledPerModel);
  }

  /** Reads on until every topic's committed end (as of now) is consumed, then stops; false on timeout. */
  boolean finish(Duration timeout) throws InterruptedException {
    finishing = true;
    return done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void run() {
    try {
      Map<TopicPartition, Long> ends = null;
      while (true) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          handle(r);
        }
        if (finishing && ends == null) {
          ends = consumer.endOffsets(consumer.assignment());
        }
        if (ends != null && ends.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
          return;
        }
      }
    } finally {
      consumer.close();
      done.countDown();
    }
  }

  private void handle(ConsumerRecord<byte[], byte[]> r) {
    String topic = r.topic();
    if (topic.equals(topics.scores())) {
      Score s = decode(scores, r, "scores");
      synchronized (this) {
        keys.add(s.getEntityId());
      }
      latency.add(r.timestamp() - s.getEventTime().toEpochMilli());
      processing.add(r.timestamp());
      scored.incrementAndGet();
    } else if (topic.equals(topics.deadLetters())) {
      decode(deadLetters, r, "dead-letters");
      processing.add(r.timestamp());
      dead.incrementAndGet();
    } else if (topic.equals(topics.alerts())) {
      Alert a = decode(alerts, r, "alerts");
      if (a.getKind() == AlertKind.QUALITY) {
        qualityAlertsOpened.addAndGet(a.getStatus() == AlertStatus.OPEN ? 1 : 0);
      } else if (a.getStatus() == AlertStatus.OPEN) {
        alertsOpened.incrementAndGet();
        alertsOpen.incrementAndGet();
      } else {
        alertsOpen.decrementAndGet();
      }
      view.onAlert(a);
    } else if (topic.equals(topics.labelled())) {
      LabelledScore l = decode(labelled, r, "labelled");
      labelledScores.incrementAndGet();
      synchronized (this) {
        for (ModelScore s : l.getScores()) {
          if (s.getScore() != null) {
            labelledPerModel.merge(s.getModel() + "@" + s.getVersion(), 1L, Long::sum);
          }
        }
      }
    } else if (topic.equals(topics.metrics())) {
      view.onMetrics(decode(metrics, r, "metrics"));
    } else if (topic.equals(topics.modelEvents())) {
      ModelEvent e = decode(modelEvents, r, "model-events");
      synchronized (this) {
        (e.getOutcome() == ModelEventOutcome.ACTIVATED ? activated : rejected).add(e.getModel() + "@" + e.getVersion());
      }
      view.onModelEvent(e);
    } else if (topic.equals(topics.comparisons())) {
      view.onComparison(decode(comparisons, r, "model-comparisons"));
      comparisonRecords.incrementAndGet();
    } else if (topic.equals(topics.feedbackIssues())) {
      decode(issues, r, "feedback-issues");
      feedbackIssues.incrementAndGet();
    }
  }

  /** The job only writes these schemas: a record that does not decode is a bug, not input to skip. */
  private <T extends SpecificRecordBase> T decode(WireCodec<T> codec, ConsumerRecord<byte[], byte[]> r, String file) {
    Decoded<T> d = codec.decode(r.value());
    if (!d.isOk()) {
      throw new IllegalStateException("undecodable record on " + r.topic() + " at offset " + r.offset() + ": " + d.message());
    }
    if (archive != null) {
      archive.write(file, d.value());
    }
    return d.value();
  }
}
