package io.vigil.pipelines.cli;

import io.vigil.pipelines.job.FlinkEnvironments;
import io.vigil.pipelines.job.KafkaScoringJob;
import io.vigil.pipelines.job.KafkaSettings;
import io.vigil.pipelines.job.StateBackend;
import io.vigil.pipelines.job.TopicCheck;
import io.vigil.pipelines.job.TopicNames;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vigil run}: the job against an existing Kafka cluster, locally or under {@code flink run}. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = {
        "The job against an existing Kafka cluster.",
        "Run the scoring job against an existing Kafka cluster. Locally this starts a Flink MiniCluster;",
        "packaged, submit it to a cluster with: flink run pipelines/target/vigil-pipelines-*-job.jar run ...",
        "Client settings such as security.protocol, sasl.* and ssl.* go in --kafka-config (a properties",
        "file, so secrets stay off the command line) or --kafka-property; they are never logged."})
final class RunCommand implements Callable<Integer> {

  @Mixin
  KafkaClientOptions kafkaClient;

  @Option(names = "--events-topic", defaultValue = "events", description = "Events to score (default: ${DEFAULT-VALUE}).")
  String eventsTopic;

  @Option(names = "--feedback-topic", defaultValue = "feedback", description = "Labels (default: ${DEFAULT-VALUE}).")
  String feedbackTopic;

  @Option(names = "--scores-topic", defaultValue = "scores", description = "Output: scores (default: ${DEFAULT-VALUE}).")
  String scoresTopic;

  @Option(names = "--dead-letters-topic", defaultValue = "dead-letters", description = "Output: rejected input (default: ${DEFAULT-VALUE}).")
  String deadLettersTopic;

  @Option(names = "--alerts-topic", defaultValue = "alerts", description = "Output: alerts (default: ${DEFAULT-VALUE}).")
  String alertsTopic;

  @Option(names = "--labelled-topic", defaultValue = "labelled", description = "Output: scores joined with labels (default: ${DEFAULT-VALUE}).")
  String labelledTopic;

  @Option(names = "--metrics-topic", defaultValue = "metrics", description = "Output: quality metric snapshots (default: ${DEFAULT-VALUE}).")
  String metricsTopic;

  @Option(names = "--feedback-issues-topic", defaultValue = "feedback-issues",
      description = "Output: labels that matched no score, came too late or twice (default: ${DEFAULT-VALUE}).")
  String feedbackIssuesTopic;

  @Option(names = "--model-updates-topic", defaultValue = "model-updates",
      description = "Input: model updates (hot swaps), e.g. from vigil model-update (default: ${DEFAULT-VALUE}).")
  String modelUpdatesTopic;

  @Option(names = "--model-events-topic", defaultValue = "model-events",
      description = "Output: each model update activated or rejected, with the reason (default: ${DEFAULT-VALUE}).")
  String modelEventsTopic;

  @Option(names = "--comparisons-topic", defaultValue = "model-comparisons",
      description = "Output: each challenger compared with its champion on the same labelled events (default: ${DEFAULT-VALUE}).")
  String comparisonsTopic;

  @Option(names = "--group-id", description = "Consumer group (default: the job name).")
  String groupId;

  @Option(names = "--job-name", defaultValue = "vigil-scoring",
      description = "Flink job name and prefix of the job's Kafka transactional ids: give every deployment its own, or they "
          + "fence each other (default: ${DEFAULT-VALUE}).")
  String jobName;

  @Option(names = "--start-from", defaultValue = "committed", paramLabel = "committed|earliest|latest",
      description = "Where a start without a checkpoint reads from: the group's committed offsets (earliest where none), "
          + "earliest or latest. A restore always continues from its checkpoint (default: ${DEFAULT-VALUE}).")
  String startFrom;

  @Option(names = "--no-labels", description = "Run without a feedback topic: scores and alerts only, no quality metrics.")
  boolean noLabels;

  @Option(names = "--create-topics", description = "Create missing topics at start instead of stopping with their names.")
  boolean createTopics;

  @Option(names = "--topic-partitions", description = "Partitions of topics made by --create-topics (default: the broker's).")
  Integer topicPartitions;

  @Option(names = "--topic-replication", description = "Replication of topics made by --create-topics (default: the broker's).")
  Short topicReplication;

  @Mixin
  ScoringOptions scoring;

  @Mixin
  QualityOptions quality;

  @Mixin
  RuntimeOptions runtime;

  @Mixin
  DeliveryOptions delivery;

  @Override
  public Integer call() throws Exception {
    TopicNames topics = topics();
    KafkaSettings kafka = new KafkaSettings(kafkaClient.bootstrapServers, topics, groupId == null ? jobName : groupId, jobName,
        kafkaClient.clientProperties(), startFrom());
    TopicCheck.ensure(kafka, createTopics
        ? Optional.of(new TopicCheck.Creation(Optional.ofNullable(topicPartitions), Optional.ofNullable(topicReplication)))
        : Optional.empty());
    StreamExecutionEnvironment env = FlinkEnvironments.current(runtime.settings(Path.of("vigil-run"), 0, 0, StateBackend.ROCKSDB));
    KafkaScoringJob.attach(env, kafka, scoring.settings(), quality.settings(), delivery.settings());
    System.out.println("vigil run: submitting " + jobName + " with " + kafka);
    env.execute(jobName);
    return 0;
  }

  TopicNames topics() {
    TopicNames topics = new TopicNames(eventsTopic, feedbackTopic, scoresTopic, deadLettersTopic, alertsTopic,
        labelledTopic, metricsTopic, feedbackIssuesTopic, modelUpdatesTopic, modelEventsTopic, comparisonsTopic);
    return noLabels ? topics.withoutLabels() : topics;
  }

  private KafkaSettings.StartFrom startFrom() {
    try {
      return KafkaSettings.StartFrom.valueOf(startFrom.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--start-from " + startFrom + " is not known: use committed, earliest or latest");
    }
  }
}
