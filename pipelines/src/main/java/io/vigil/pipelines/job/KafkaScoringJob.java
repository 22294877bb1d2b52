package io.vigil.pipelines.job;

import io.vigil.operators.RawRecord;
import io.vigil.operators.kafka.AvroRecordSerializer;
import io.vigil.operators.kafka.RawRecordDeserializer;
import io.vigil.schemas.Alert;
import io.vigil.schemas.DeadLetter;
import io.vigil.schemas.Score;
import java.util.Map;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** The scoring topology between Kafka topics: exactly-once out, so readers use read_committed. */
public final class KafkaScoringJob {

  /** Transactions must outlive a checkpoint interval plus recovery, and stay under the broker's max. */
  private static final String TRANSACTION_TIMEOUT_MS = "600000";

  private KafkaScoringJob() {}

  public static ScoringTopology.Outputs attach(StreamExecutionEnvironment env, KafkaSettings kafka, ScoringSettings scoring) {
    KafkaSource<RawRecord> source = KafkaSource.<RawRecord>builder()
        .setBootstrapServers(kafka.bootstrapServers())
        .setTopics(kafka.eventsTopic())
        .setGroupId(kafka.groupId())
        .setStartingOffsets(OffsetsInitializer.earliest())
        .setDeserializer(new RawRecordDeserializer())
        .setProperties(kafka.clientProperties(Map.of()))
        .build();
    DataStream<RawRecord> raw = env.fromSource(source, WatermarkStrategy.noWatermarks(), "events").uid("events-source");
    ScoringTopology.Outputs out = ScoringTopology.attach(raw, scoring);
    out.scores().sinkTo(sink(kafka, new AvroRecordSerializer<>(kafka.scoresTopic(), Score.class, Score::getEntityId), "scores"))
        .name("scores-sink").uid("scores-sink");
    out.deadLetters().sinkTo(sink(kafka, new AvroRecordSerializer<>(kafka.deadLettersTopic(), DeadLetter.class, d -> null), "dead-letters"))
        .name("dead-letters-sink").uid("dead-letters-sink");
    out.alerts().sinkTo(sink(kafka, new AvroRecordSerializer<>(kafka.alertsTopic(), Alert.class, Alert::getEntityId), "alerts"))
        .name("alerts-sink").uid("alerts-sink");
    return out;
  }

  private static <T> KafkaSink<T> sink(
      KafkaSettings kafka, org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema<T> serializer, String name) {
    return KafkaSink.<T>builder()
        .setBootstrapServers(kafka.bootstrapServers())
        .setRecordSerializer(serializer)
        .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
        .setTransactionalIdPrefix(kafka.transactionalIdPrefix() + "-" + name)
        .setKafkaProducerConfig(kafka.clientProperties(Map.of("transaction.timeout.ms", TRANSACTION_TIMEOUT_MS)))
        .build();
  }
}
