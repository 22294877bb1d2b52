package io.vigil.pipelines.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.pipelines.job.KafkaTopics;
import io.vigil.pipelines.job.TopicNames;
import io.vigil.pipelines.synthetic.SyntheticStream;
import io.vigil.schemas.Score;
import io.vigil.schemas.SequenceEvent;
import io.vigil.schemas.wire.WireCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.flink.util.FileUtils;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;

/**
 * The job on the multi-process cluster against a broker that requires SASL/SCRAM over TLS
 * (self-signed CA and SCRAM users generated at start), configured through {@code --kafka-config}
 * as a user would: it scores, clients without the credentials are refused, and no secret appears
 * in any process's log or in the job configuration the web UI shows.
 */
class SecuredClusterIT {

  @Test
  void theJobRunsAgainstASaslSslBrokerThatRefusesStrangersAndNoSecretIsLogged() throws Exception {
    Path work = Path.of("target", "secured-cluster-it").toAbsolutePath();
    FileUtils.deleteDirectoryQuietly(work.toFile());
    LocalCluster.Settings settings = LocalCluster.Settings.defaults(work, ClusterJars.fromBuild(Path.of("target"))).withSecuredBroker();
    try (LocalCluster cluster = LocalCluster.start(settings)) {
      KafkaBrokerProcess broker = cluster.broker();
      KafkaTopics kafka = new KafkaTopics(broker.bootstrapServers(), broker.clientProperties());
      TopicNames topics = TopicNames.prefixed("events", "feedback", "secured");
      broker.createTopics(topics.all(), 2);

      List<SequenceEvent> sent = events(200, 3);
      WireCodec<SequenceEvent> codec = new WireCodec<>(SequenceEvent.getClassSchema());
      kafka.produce(topics.events(), sent.stream().map(e -> e.getEntityId().getBytes(StandardCharsets.UTF_8)).toList(),
          sent.stream().map(codec::encode).toList());
      List<String> args = new ArrayList<>(topics.runArguments());
      args.addAll(List.of("--parallelism", "2", "--checkpoint-interval-ms", "1000",
          "--checkpoint-dir", work.resolve("checkpoints").toUri().toString()));
      String job = cluster.submitRun(args);
      List<Score> scored = kafka.readCommitted(topics.scores(), new WireCodec<>(Score.getClassSchema()), sent.size(),
          Duration.ofMinutes(3));
      assertThat(scored).extracting(Score::getEventId)
          .containsExactlyInAnyOrderElementsOf(sent.stream().map(SequenceEvent::getEventId).toList());

      assertRefused(broker.bootstrapServers(), Map.of());
      assertRefused(broker.bootstrapServers(), cluster.security().clientPropertiesWithWrongPassword());

      String jobConfig = cluster.rest().get("/jobs/" + job + "/config").toString()
          + cluster.rest().get("/jobmanager/config").toString();
      cluster.rest().cancel(job);
      // Cancelled tasks close their RocksDB instances, which delete their own info logs from the log folder: list it after.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!cluster.rest().jobState(job).equals("CANCELED") && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
      List<String> secrets = cluster.security().secrets();
      for (String secret : secrets) {
        assertThat(jobConfig).as("the web UI's job configuration").doesNotContain(secret);
      }
      List<Path> logs = cluster.logs();
      assertThat(logs).extracting(p -> p.getFileName().toString())
          .contains("jobmanager.log", "taskmanager-1.log", "taskmanager-2.log", "kafka-broker-1.log");
      for (Path log : logs) {
        if (!Files.exists(log)) {
          // Only a RocksDB instance's own info log ("..._op_<operator>_...") may go, removed with its instance.
          assertThat(log.getFileName().toString()).as("a log that vanished").contains("_op_");
          continue;
        }
        String text = Files.readString(log, StandardCharsets.ISO_8859_1);
        for (String secret : secrets) {
          assertThat(text).as(log + " must not contain a secret").doesNotContain(secret);
        }
      }
      // The check above can only pass for the right reason if the logs show the security settings at all.
      assertThat(Files.readString(work.resolve("logs").resolve("kafka-broker-1.log"))).contains("sasl.jaas.config");
    }
  }

  /** A client without valid credentials cannot even list the cluster's nodes. */
  private static void assertRefused(String bootstrap, Map<String, String> client) {
    Properties p = new Properties();
    p.putAll(client);
    p.put("bootstrap.servers", bootstrap);
    p.put("default.api.timeout.ms", "8000");
    p.put("request.timeout.ms", "4000");
    try (Admin admin = Admin.create(p)) {
      assertThatThrownBy(() -> admin.describeCluster().nodes().get(10, TimeUnit.SECONDS))
          .as("a client with " + (client.isEmpty() ? "no credentials" : "a wrong password")).isNotNull();
    }
  }

  private static List<SequenceEvent> events(int entities, int steps) {
    // Event times near now: the job dead-letters times older than its --max-event-age.
    SyntheticStream stream = new SyntheticStream(SyntheticStream.Settings.defaults().withEntities(entities).withSeed(5)
        .withClock(System.currentTimeMillis() - 60_000, 1000));
    List<SequenceEvent> out = new ArrayList<>();
    for (int i = 0; i < entities * steps; i++) {
      out.add(stream.nextEvent().toSequenceEvent());
    }
    return out;
  }
}
