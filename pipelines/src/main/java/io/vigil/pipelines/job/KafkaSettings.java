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
    String groupId,
    String transactionalIdPrefix,
    Map<String, String> clientProperties) {

  public static KafkaSettings defaults(String bootstrapServers) {
    return new KafkaSettings(bootstrapServers, Topics.EVENTS, Topics.SCORES, Topics.DEAD_LETTERS,
        "vigil-scoring", "vigil-scoring", Map.of());
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
        + ", deadLetters=" + deadLettersTopic + ", group=" + groupId + ", clientProperties=" + clientProperties.keySet() + "]";
  }
}
