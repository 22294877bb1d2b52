package io.vigil.pipelines.job;

import java.util.Map;
import java.util.Properties;

/**
 * Where the job reads and writes. {@code clientProperties} pass straight to every Kafka client
 * (security.protocol, sasl.*, ssl.*): they may hold secrets, so they are never logged.
 * {@code transactionalIdPrefix} names the job's Kafka transactions: two deployments that share it
 * fence each other, so it comes from the job name. {@code startFrom} applies to a start without
 * a checkpoint; a restore always continues from the checkpointed offsets.
 */
public record KafkaSettings(
    String bootstrapServers,
    TopicNames topics,
    String groupId,
    String transactionalIdPrefix,
    Map<String, String> clientProperties,
    StartFrom startFrom) {

  /** Where a job started without a checkpoint begins to read its inputs. */
  public enum StartFrom {
    /** The consumer group's committed offsets; earliest where the group has none. */
    COMMITTED,
    EARLIEST,
    LATEST
  }

  public KafkaSettings(String bootstrapServers, TopicNames topics, String groupId, String transactionalIdPrefix,
      Map<String, String> clientProperties) {
    this(bootstrapServers, topics, groupId, transactionalIdPrefix, clientProperties, StartFrom.COMMITTED);
  }

  public static KafkaSettings defaults(String bootstrapServers) {
    return new KafkaSettings(bootstrapServers, TopicNames.defaults(), "vigil-scoring", "vigil-scoring", Map.of());
  }

  /** Inputs as given, outputs {@code <prefix>-scores} etc.; group and transactions {@code prefix}. */
  public static KafkaSettings prefixed(String bootstrapServers, String events, String feedback, String prefix) {
    return new KafkaSettings(bootstrapServers, TopicNames.prefixed(events, feedback, prefix), prefix, prefix, Map.of());
  }

  public Properties clientProperties(Map<String, String> extra) {
    Properties p = new Properties();
    p.putAll(clientProperties);
    p.putAll(extra);
    return p;
  }

  @Override
  public String toString() {
    return "KafkaSettings[bootstrap=" + bootstrapServers + ", topics=" + topics + ", group=" + groupId
        + ", transactionalIdPrefix=" + transactionalIdPrefix + ", startFrom=" + startFrom
        + ", clientProperties=" + clientProperties.keySet() + "]";
  }
}
