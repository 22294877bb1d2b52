package io.vigil.pipelines.job;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The start-up check of a job's topics: every missing input and output is named in one message
 * with the fix, instead of a crash loop of UnknownTopicOrPartitionException traces once running.
 * Optionally creates the missing ones.
 */
public final class TopicCheck {

  /** How missing topics are created: partitions and replication, empty = the broker's defaults. */
  public record Creation(Optional<Integer> partitions, Optional<Short> replication) {}

  private static final long TIMEOUT_MS = 30_000;

  private TopicCheck() {}

  /**
   * Fails with one message naming every missing topic, or creates them when {@code create} is set.
   * Also fails, naming the servers, when the cluster does not answer.
   */
  public static void ensure(KafkaSettings kafka, Optional<Creation> create) throws Exception {
    Map<String, Object> config = new java.util.HashMap<>();
    kafka.clientProperties(Map.of()).forEach((k, v) -> config.put((String) k, v));
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    try (Admin admin = Admin.create(config)) {
      Set<String> existing;
      try {
        existing = admin.listTopics().names().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
      } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
        throw new IllegalArgumentException("Kafka at " + kafka.bootstrapServers() + " did not list its topics ("
            + (e.getCause() == null ? e : e.getCause()) + "). Fix: check --bootstrap-servers and the security "
            + "settings in --kafka-config.");
      }
      Set<String> missing = new TreeSet<>(kafka.topics().all());
      missing.removeAll(existing);
      if (missing.isEmpty()) {
        return;
      }
      if (create.isEmpty()) {
        throw new IllegalArgumentException(message(kafka.topics(), missing));
      }
      List<NewTopic> topics = new ArrayList<>();
      for (String topic : missing) {
        topics.add(new NewTopic(topic, create.get().partitions(), create.get().replication()));
      }
      for (var created : admin.createTopics(topics).values().entrySet()) {
        try {
          created.getValue().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new IllegalArgumentException("Could not create topic " + created.getKey() + ": " + e.getCause().getMessage());
          }
        }
      }
    }
  }

  static String message(TopicNames topics, Set<String> missing) {
    StringBuilder m = new StringBuilder("Kafka topics missing: ").append(String.join(", ", missing)).append(". Fix: create ")
        .append(missing.size() == 1 ? "it" : "them").append(", or start with --create-topics");
    if (topics.hasFeedback() && missing.contains(topics.feedback())) {
      m.append("; to run without labels (no quality metrics), start with --no-labels");
    }
    return m.append('.').toString();
  }
}
