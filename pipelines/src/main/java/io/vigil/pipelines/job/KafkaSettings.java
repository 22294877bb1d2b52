package io.vigil.pipelines.job;

import java.util.Map;
import java.util.Properties;

/**
 * Where the job reads and writes. {@code clientProperties} pass straight to every Kafka client
 * (security.protocol, sasl.*, ssl.*): they may hold secrets, so they are never logged.
 */
public record KafkaSettings(
    String bootstrapServers,
    String eventsTopic,
    String scoresTopic,
    String deadLettersTopic,
    String alertsTopic,
    String groupId,
    String transactionalIdPrefix,
    Map<String, String> clientProperties) {

  public static KafkaSettings defaults(String bootstrapServers) {
    return new KafkaSettings(bootstrapServers, Topics.EVENTS, Topics.SCORES, Topics.DEAD_LETTERS, Topics.ALERTS,
        "vigil-scoring", "vigil-scoring", Map.of());
  }

  /** Outputs named {@code <prefix>-scores}, {@code -dead-letters}, {@code -alerts}; group and transactions {@code prefix}. */
  public static KafkaSettings prefixed(String bootstrapServers, String eventsTopic, String prefix) {
    return new KafkaSettings(bootstrapServers, eventsTopic, prefix + "-scores", prefix + "-dead-letters",
        prefix + "-alerts", prefix, prefix, Map.of());
  }

  public java.util.List<String> outputTopics() {
    return java.util.List.of(scoresTopic, deadLettersTopic, alertsTopic);
  }

  public Properties clientProperties(Map<String, String> extra) {
    Properties p = new Properties();
    p.putAll(clientProperties);
    p.putAll(extra);
    return p;
  }

  @Override
  public String toString() {
    return "KafkaSettings[bootstrap=" + bootstrapServers + ", events=" + eventsTopic + ", scores=" + scoresTopic
        + ", deadLetters=" + deadLettersTopic + ", alerts=" + alertsTopic + ", group=" + groupId + ", clientProperties=" + clientProperties.keySet() + "]";
  }
}
