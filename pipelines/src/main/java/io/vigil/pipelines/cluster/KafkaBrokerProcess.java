package io.vigil.pipelines.cluster;

import io.vigil.pipelines.kafka.BrokerAdmin;
import io.vigil.pipelines.kafka.EmbeddedKafka;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import kafka.server.KafkaConfig;

/**
 * A single-node KRaft broker in its own JVM ({@code kafka.Kafka server.properties}), from the
 * Kafka Maven artifacts. Its data folder and ports are fixed at creation, so {@link #stop()} and
 * {@link #start()} restart the same broker on the same data, as an operator restarting a machine would.
 */
public final class KafkaBrokerProcess implements AutoCloseable {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration STOP_GRACE = Duration.ofSeconds(60);

  private final String classpath;
  private final List<String> jvmArgs;
  private final Path config;
  private final Path logDir;
  private final String bootstrapServers;
  private final BrokerSecurity security;
  private JvmProcess process;
  private int starts;

  private KafkaBrokerProcess(String classpath, List<String> jvmArgs, Path config, Path logDir, String bootstrapServers,
      BrokerSecurity security) {
    this.classpath = classpath;
    this.jvmArgs = jvmArgs;
    this.config = config;
    this.logDir = logDir;
    this.bootstrapServers = bootstrapServers;
    this.security = security;
  }

  /**
   * Formats {@code dataDir} for a broker on free 127.0.0.1 ports and writes its
   * {@code server.properties} (owner-readable only: with {@code security} it holds passwords).
   * {@code security} null = PLAINTEXT.
   */
  static KafkaBrokerProcess create(String classpath, List<String> jvmArgs, Path dataDir, Path logDir,
      BrokerSecurity security) throws Exception {
    int port = EmbeddedKafka.freePort();
    int controllerPort = EmbeddedKafka.freePort();
    Properties p = EmbeddedKafka.brokerProperties(dataDir, port, controllerPort);
    if (security != null) {
      security.applyTo(p, port, controllerPort);
    }
    EmbeddedKafka.format(new KafkaConfig(p), security == null ? List.of() : security.scramArguments());
    Path config = dataDir.resolve("server.properties");
    Files.createFile(config, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try (Writer w = Files.newBufferedWriter(config)) {
      p.store(w, "Vigil local cluster broker");
    }
    return new KafkaBrokerProcess(classpath, jvmArgs, config, logDir, "127.0.0.1:" + port, security);
  }

  /** Starts the broker process and waits until it answers (as the application user when secured). */
  public synchronized void start() throws Exception {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("broker already running: " + process);
    }
    starts++;
    // One log per start, so a restart's log is not mixed into the first one's.
    process = JvmProcess.start("kafka-broker-" + starts, classpath, jvmArgs, "kafka.Kafka", List.of(config.toString()),
        logDir, Map.of());
    try {
      BrokerAdmin.awaitReady(adminConfig(), System.nanoTime() + START_TIMEOUT.toNanos());
    } catch (Exception e) {
      process.kill();
      throw new IllegalStateException("Kafka broker did not start; see " + process.log(), e);
    }
  }

  /** A clean shutdown (SIGTERM: the broker flushes and closes its logs); {@code kill -9} after a grace. */
  public synchronized void stop() throws InterruptedException {
    if (process != null) {
      process.stop(STOP_GRACE);
    }
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** Client settings beyond the bootstrap servers: empty for PLAINTEXT, SASL/SSL for a secured broker. */
  public Map<String, String> clientProperties() {
    return security == null ? Map.of() : security.clientProperties();
  }

  public void createTopics(List<String> topics, int partitions) throws Exception {
    BrokerAdmin.createTopics(adminConfig(), topics, partitions);
  }

  /** The current process (null before the first start). */
  public synchronized JvmProcess process() {
    return process;
  }

  /** Every log file the broker's processes wrote. */
  List<Path> logs() throws IOException {
    try (var files = Files.list(logDir)) {
      return files.filter(f -> f.getFileName().toString().startsWith("kafka-broker-")).toList();
    }
  }

  private Map<String, Object> adminConfig() {
    Map<String, Object> c = new HashMap<>(clientProperties());
    c.put("bootstrap.servers", bootstrapServers);
    return c;
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }
}
