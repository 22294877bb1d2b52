package io.vigil.pipelines.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** Admin steps the broker launchers share: wait until a broker answers, create topics and wait for their leaders. */
public final class BrokerAdmin {

  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

  private BrokerAdmin() {}

  /**
   * Waits until the broker at {@code config}'s bootstrap servers answers a describe-cluster with one
   * node, asking again after each timed-out attempt (a broker process can take a while to listen).
   */
  public static void awaitReady(Map<String, Object> config, long deadlineNanos) throws Exception {
    Object bootstrap = config.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
    try (Admin admin = admin(config)) {
      while (true) {
        try {
          int nodes = admin.describeCluster().nodes()
              .get(EmbeddedKafka.remainingMillis(deadlineNanos), TimeUnit.MILLISECONDS).size();
          if (nodes != 1) {
            throw new IllegalStateException("Kafka broker at " + bootstrap + " reports " + nodes + " nodes");
          }
          return;
        } catch (TimeoutException | ExecutionException e) {
          boolean timedOut = e instanceof TimeoutException
              || e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException;
          if (!timedOut || EmbeddedKafka.remainingMillis(deadlineNanos) <= 100) {
            throw new IllegalStateException("Kafka broker at " + bootstrap + " did not answer in time", e);
          }
        }
      }
    }
  }

  /**
   * Creates the topics that do not exist yet (replication 1) and waits until every partition
   * has a leader, so that clients started right after never see UNKNOWN_TOPIC_OR_PARTITION.
   */
  public static void createTopics(Map<String, Object> config, List<String> topics, int partitions) throws Exception {
    if (topics.isEmpty()) {
      return;
    }
    try (Admin admin = admin(config)) {
      List<NewTopic> newTopics = new ArrayList<>();
      for (String topic : topics) {
        newTopics.add(new NewTopic(topic, partitions, (short) 1));
      }
      for (Map.Entry<String, KafkaFuture<Void>> created : admin.createTopics(newTopics).values().entrySet()) {
        try {
          created.getValue().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException("Could not create topic " + created.getKey(), e.getCause());
          }
        }
      }
      awaitLeaders(admin, topics, System.nanoTime() + ADMIN_TIMEOUT.toNanos());
    }
  }

  private static void awaitLeaders(Admin admin, List<String> topics, long deadline) throws Exception {
    while (true) {
      boolean ready;
      try {
        ready = admin.describeTopics(topics).allTopicNames()
            .get(EmbeddedKafka.remainingMillis(deadline), TimeUnit.MILLISECONDS).values().stream()
            .flatMap(d -> d.partitions().stream())
            .map(TopicPartitionInfo::leader)
            .allMatch(leader -> leader != null && !leader.isEmpty());
      } catch (ExecutionException e) {
        // A just-created topic can be missing from a busy broker's metadata for a moment.
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
          throw e;
        }
        ready = false;
      }
      if (ready) {
        return;
      }
      if (EmbeddedKafka.remainingMillis(deadline) <= 100) {
        throw new IllegalStateException("Topics " + topics + " have partitions without a leader");
      }
      Thread.sleep(100);
    }
  }

  private static Admin admin(Map<String, Object> config) {
    Map<String, Object> c = new HashMap<>(config);
    c.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) ADMIN_TIMEOUT.toMillis());
    return Admin.create(c);
  }
}
