package io.vigil.pipelines.kafka;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, combined broker + controller) running in this JVM, on
 * 127.0.0.1 with a throw-away data folder. The one launcher of the tests and of {@code vigil demo}.
 */
public final class EmbeddedKafka implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
  private static final int NODE_ID = 1;
  private static final String CONTROLLER_LISTENER = "CONTROLLER";

  private final KafkaRaftServer server;
  private final Path dataDir;
  private final String bootstrapServers;
  private final AtomicBoolean closed = new AtomicBoolean();

  private EmbeddedKafka(KafkaRaftServer server, Path dataDir, String bootstrapServers) {
    this.server = server;
    this.dataDir = dataDir;
    this.bootstrapServers = bootstrapServers;
  }

  /**
   * Formats a fresh data folder, starts the broker on free local ports, waits until it serves
   * requests and creates {@code topics} (replication 1).
   */
  public static EmbeddedKafka start(List<String> topics, int partitions) throws Exception {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    int brokerPort = freePort();
    int controllerPort = freePort();
    Path dataDir = Files.createTempDirectory("vigil-kafka-");
    String bootstrap = "127.0.0.1:" + brokerPort;
    EmbeddedKafka kafka = null;
    try {
      KafkaConfig config = new KafkaConfig(brokerProperties(dataDir, brokerPort, controllerPort));
      format(config, List.of());
      kafka = new EmbeddedKafka(new KafkaRaftServer(config, Time.SYSTEM), dataDir, bootstrap);
      startServer(kafka.server, deadline);
      BrokerAdmin.awaitReady(kafka.adminConfig(), deadline);
      kafka.createTopics(topics, partitions);
      return kafka;
    } catch (Exception | Error e) {
      if (kafka != null) {
        kafka.close();
      } else {
        deleteQuietly(dataDir);
      }
      throw e;
    }
  }

  /** {@code 127.0.0.1:<port>} of the PLAINTEXT listener. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /**
   * Creates the topics that do not exist yet (replication 1) and waits until every partition
   * has a leader, so that clients started right after never see UNKNOWN_TOPIC_OR_PARTITION.
   */
  public void createTopics(List<String> topics, int partitions) throws Exception {
    BrokerAdmin.createTopics(adminConfig(), topics, partitions);
  }

  /** Stops the broker (waiting at most {@code STOP_TIMEOUT}) and deletes its data folder. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    // shutdown() + awaitShutdown() can block on a stuck component: bound the wait.
    CompletableFuture<Void> stop = CompletableFuture.runAsync(() -> {
      server.shutdown();
      server.awaitShutdown();
    }, EmbeddedKafka::daemon);
    try {
      stop.get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      LOG.warn("Kafka broker {} did not stop within {} s; leaving it behind",
          bootstrapServers, STOP_TIMEOUT.toSeconds());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      LOG.warn("Kafka broker {} failed while stopping", bootstrapServers, e.getCause());
    }
    deleteQuietly(dataDir);
  }

  /** A single-node KRaft broker + controller on 127.0.0.1 (PLAINTEXT): also the separate broker process's base config. */
  public static Properties brokerProperties(Path dataDir, int brokerPort, int controllerPort) {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", String.valueOf(NODE_ID));
    p.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + "," + CONTROLLER_LISTENER + "://127.0.0.1:" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("controller.listener.names", CONTROLLER_LISTENER);
    // Static quorum of this one node: no dynamic-voter bootstrap needed at format time.
    p.put("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
    p.put("log.dirs", dataDir.resolve("log").toString());
    p.put("auto.create.topics.enable", "false");
    p.put("group.initial.rebalance.delay.ms", "0");
    // One node: every internal topic must live with a single replica.
    p.put("offsets.topic.replication.factor", "1");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    // The default 50 partitions per internal topic cost seconds of start-up on a small machine.
    p.put("offsets.topic.num.partitions", "4");
    p.put("transaction.state.log.num.partitions", "4");
    p.put("share.coordinator.state.topic.num.partitions", "4");
    // Flink's exactly-once sink asks for transaction.timeout.ms of 10 minutes; leave headroom.
    p.put("transaction.max.timeout.ms", String.valueOf(Duration.ofHours(1).toMillis()));
    return p;
  }

  /**
   * The programmatic equivalent of {@code kafka-storage.sh format}; {@code scram} as its
   * {@code --add-scram} arguments (SCRAM users that exist from the first start).
   */
  public static void format(KafkaConfig config, List<String> scram) throws Exception {
    Formatter formatter = new Formatter()
        .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
        .setNodeId(config.nodeId())
        .setClusterId(Uuid.randomUuid().toString())
        .setUnstableFeatureVersionsEnabled(config.unstableFeatureVersionsEnabled())
        .setControllerListenerName(config.controllerListenerNames().get(0))
        .setMetadataLogDirectory(config.metadataLogDir())
        .setScramArguments(scram);
    config.logDirs().forEach(formatter::addDirectory);
    formatter.run();
  }

  private static void startServer(KafkaRaftServer server, long deadline) throws Exception {
    CompletableFuture<Void> startup = CompletableFuture.runAsync(server::startup, EmbeddedKafka::daemon);
    try {
      startup.get(remainingMillis(deadline), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "Kafka broker did not start within " + START_TIMEOUT.toSeconds() + " s", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("Kafka broker failed to start", e.getCause());
    }
  }

  private Map<String, Object> adminConfig() {
    return Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
  }

  /** A port free on 127.0.0.1 right now. */
  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress("127.0.0.1", 0));
      return socket.getLocalPort();
    }
  }

  static long remainingMillis(long deadlineNanos) {
    return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
  }

  /** Start and stop run on daemon threads so that a stuck broker never keeps the JVM alive. */
  private static void daemon(Runnable task) {
    Thread thread = new Thread(task, "embedded-kafka-lifecycle");
    thread.setDaemon(true);
    thread.start();
  }

  private static void deleteQuietly(Path dir) {
    try {
      Utils.delete(dir.toFile());
    } catch (IOException e) {
      LOG.warn("Could not delete Kafka data folder {}", dir, e);
    }
  }
}
