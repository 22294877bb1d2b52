package io.vigil.pipelines.job;

import io.vigil.operators.ingest.RawEventTime;
import io.vigil.operators.ingest.RawRecord;
import io.vigil.operators.kafka.AdminClosingKafkaSink;
import io.vigil.operators.kafka.AvroRecordSerializer;
import io.vigil.operators.kafka.RawRecordDeserializer;
import io.vigil.schemas.Alert;
import io.vigil.schemas.DeadLetter;
import io.vigil.schemas.FeedbackIssue;
import io.vigil.schemas.LabelledScore;
import io.vigil.schemas.MetricSnapshot;
import io.vigil.schemas.ModelComparison;
import io.vigil.schemas.ModelEvent;
import io.vigil.schemas.Score;
import java.util.Map;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.TransactionNamingStrategy;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamSink;
import org.apache.flink.streaming.api.datastream.DataStreamSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * Scoring and quality between Kafka topics. Alerts and scores have the delivery guarantee of
 * {@link OutputDelivery} (by default alerts at-least-once, readable at once; scores exactly-once);
 * every other output is exactly-once (transactional), so its readers use
 * {@code isolation.level=read_committed}; the job reads its own inputs the same way,
 * so an upstream transactional producer's aborted records are never scored. Without a feedback
 * topic the job scores and alerts only.
 */
public final class KafkaScoringJob {

  /** Transactions must outlive a checkpoint interval plus recovery, and stay under the broker's max. */
  private static final String TRANSACTION_TIMEOUT_MS = "600000";

  private KafkaScoringJob() {}

  /** With the {@link OutputDelivery#defaults() default} delivery of alerts and scores. */
  public static void attach(StreamExecutionEnvironment env, KafkaSettings kafka, ScoringSettings scoring, QualitySettings quality) {
    attach(env, kafka, scoring, quality, OutputDelivery.defaults());
  }

  public static void attach(StreamExecutionEnvironment env, KafkaSettings kafka, ScoringSettings scoring, QualitySettings quality,
      OutputDelivery delivery) {
    TopicNames t = kafka.topics();
    ScoringTopology.Outputs scored = ScoringTopology.attach(
        source(env, kafka, t.events(), eventTime(RawEventTime.Layout.EVENT, scoring, quality)), modelUpdates(env, kafka), scoring);
    sink(scored.modelEvents(), kafka, t.modelEvents(), ModelEvent.class, ModelEvent::getModel, DeliveryGuarantee.EXACTLY_ONCE);
    // The entities' alerts have a sink of their own, chained to the alert detector: a sink fed by
    // a union (with the QUALITY alerts) is a task of its own, and at every checkpoint it holds the
    // scorer's alerts back until the barrier has travelled the whole quality path as well.
    sink(scored.alerts(), kafka, t.alerts(), Alert.class, Alert::getEntityId, delivery.alerts());
    if (!t.hasFeedback()) {
      DataStreamSink<Score> scores = sink(scored.scores(), kafka, t.scores(), Score.class, Score::getEntityId,
          delivery.scores());
      if (delivery.alerts() != delivery.scores()) {
        // An exactly-once sink flushes its producer on the task thread at every checkpoint; chained
        // to the scorer, that pause would hold back the at-least-once alerts the scorer emits.
        scores.disableChaining();
      }
      sink(scored.deadLetters(), kafka, t.deadLetters(), DeadLetter.class, d -> null,
          DeliveryGuarantee.EXACTLY_ONCE);
      return;
    }
    QualityTopology.Outputs judged = QualityTopology.attach(
        scored.scores(), source(env, kafka, t.feedback(), eventTime(RawEventTime.Layout.FEEDBACK, scoring, quality)), quality,
        scoring.ingest(), scored.models());
    // The label join forwards every score it receives: read there, chained to the join, a score
    // is serialized once after the scorer (not again for a sink task of its own), and the
    // exactly-once sink's checkpoint flush pauses the join, not the scorer and its alerts.
    sink(judged.scores(), kafka, t.scores(), Score.class, Score::getEntityId, delivery.scores());
    // QUALITY alerts (one per model) share the alerts topic and its delivery with the entities' alerts.
    sink(judged.qualityAlerts(), kafka, t.alerts(), Alert.class, Alert::getEntityId, delivery.alerts(), "QualityAlert");
    sink(scored.deadLetters().union(judged.deadLetters()), kafka, t.deadLetters(), DeadLetter.class, d -> null,
        DeliveryGuarantee.EXACTLY_ONCE);
    sink(judged.labelled(), kafka, t.labelled(), LabelledScore.class, LabelledScore::getEntityId,
        DeliveryGuarantee.EXACTLY_ONCE);
    sink(judged.metrics(), kafka, t.metrics(), MetricSnapshot.class, MetricSnapshot::getModel,
        DeliveryGuarantee.EXACTLY_ONCE);
    sink(judged.feedbackIssues(), kafka, t.feedbackIssues(), FeedbackIssue.class, i -> i.getFeedback().getEventId(),
        DeliveryGuarantee.EXACTLY_ONCE);
    sink(judged.comparisons(), kafka, t.comparisons(), ModelComparison.class, ModelComparison::getChallenger,
        DeliveryGuarantee.EXACTLY_ONCE);
  }

  /**
   * Watermarks per Kafka partition, from the time in each record's bytes: a partition read ahead of
   * another cannot make the other's events late, and one that stays silent (or a subtask with no
   * partition at all) stops holding event time back after the idleness timeout.
   */
  private static WatermarkStrategy<RawRecord> eventTime(RawEventTime.Layout layout, ScoringSettings scoring,
      QualitySettings quality) {
    RawEventTime times = new RawEventTime(layout, scoring.ingest());
    return WatermarkStrategy.<RawRecord>forBoundedOutOfOrderness(scoring.maxOutOfOrderness())
        .withTimestampAssigner(context -> times)
        .withIdleness(quality.inputIdleness());
  }

  /**
   * The control topic, read from its start on a fresh job whatever {@code --start-from} says: the
   * updates published so far decide which versions score, as they would have in a running job.
   * Parallelism 1 keeps every update in publishing order. No watermarks: event time is the events'.
   */
  private static DataStream<RawRecord> modelUpdates(StreamExecutionEnvironment env, KafkaSettings kafka) {
    return source(env, kafka, kafka.topics().modelUpdates(), WatermarkStrategy.noWatermarks(),
        OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST)).setParallelism(1);
  }

  private static DataStream<RawRecord> source(StreamExecutionEnvironment env, KafkaSettings kafka, String topic,
      WatermarkStrategy<RawRecord> watermarks) {
    return source(env, kafka, topic, watermarks, startingOffsets(kafka.startFrom()));
  }

  private static DataStreamSource<RawRecord> source(StreamExecutionEnvironment env,
      KafkaSettings kafka, String topic, WatermarkStrategy<RawRecord> watermarks, OffsetsInitializer offsets) {
    KafkaSource<RawRecord> source = KafkaSource.<RawRecord>builder()
        .setBootstrapServers(kafka.bootstrapServers())
        .setTopics(topic)
        .setGroupId(kafka.groupId())
        .setStartingOffsets(offsets)
        .setDeserializer(new RawRecordDeserializer())
        .setProperties(kafka.clientProperties(Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")))
        .build();
    DataStreamSource<RawRecord> stream = env.fromSource(source, watermarks, topic);
    stream.uid(topic + "-source");
    return stream;
  }

  private static OffsetsInitializer startingOffsets(KafkaSettings.StartFrom startFrom) {
    return switch (startFrom) {
      case COMMITTED -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
      case EARLIEST -> OffsetsInitializer.earliest();
      case LATEST -> OffsetsInitializer.latest();
    };
  }

  private static <T extends SpecificRecordBase> DataStreamSink<T> sink(DataStream<T> stream, KafkaSettings kafka, String topic,
      Class<T> type, SerializableFunction<T, String> key, DeliveryGuarantee guarantee) {
    return sink(stream, kafka, topic, type, key, guarantee, type.getSimpleName());
  }

  /** {@code name} names the sink, its uid and its transactional ids: unique per sink, also when two write one topic. */
  private static <T extends SpecificRecordBase> DataStreamSink<T> sink(DataStream<T> stream, KafkaSettings kafka, String topic,
      Class<T> type, SerializableFunction<T, String> key, DeliveryGuarantee guarantee, String name) {
    // At-least-once: plain producer sends, flushed at each checkpoint (the prefix and naming
    // strategy below only name transactions, so they are unused there).
    KafkaSink<T> sink = KafkaSink.<T>builder()
        .setBootstrapServers(kafka.bootstrapServers())
        .setRecordSerializer(new AvroRecordSerializer<>(topic, type, key))
        .setDeliveryGuarantee(guarantee)
        .setTransactionalIdPrefix(kafka.transactionalIdPrefix() + "-" + name)
        // Reuses a small pool of transactional ids instead of a new one per checkpoint, which would
        // leave ~a million ids a day in the broker's transaction state.
        .setTransactionNamingStrategy(TransactionNamingStrategy.POOLING)
        .setKafkaProducerConfig(kafka.clientProperties(Map.of("transaction.timeout.ms", TRANSACTION_TIMEOUT_MS)))
        .build();
    return stream.sinkTo(new AdminClosingKafkaSink<>(sink)).name(name + "-sink").uid(name + "-sink");
  }
}
