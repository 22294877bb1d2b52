package io.vigil.pipelines.cluster;

import io.vigil.pipelines.kafka.EmbeddedKafka;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A multi-process cluster on this machine, as users run Flink beyond one JVM: a Kafka broker, a
 * Flink JobManager (standalone session) and TaskManagers, each its own JVM from the Maven jars,
 * everything on 127.0.0.1 and free ports, every log under {@code workDir/logs}. The job is the
 * job jar, uploaded and run over the REST API as a user would. Faults are real: {@link
 * #killTaskManager} is {@code kill -9}; {@link KafkaBrokerProcess#stop()} stops the broker, whose
 * data survives for its restart. {@link #close()} stops every process by its own pid, and a
 * shutdown hook does the same if the JVM exits first.
 */
public final class LocalCluster implements AutoCloseable {

  /**
   * Cluster shape. Each TaskManager gets {@code slotsPerTaskManager} slots, a task heap and
   * managed memory (RocksDB's) of the given sizes; {@code flinkConfig} adds or overrides keys of
   * the cluster's {@code config.yaml}; {@code taskManagerJvmArgs} add to the TaskManagers' JVM options.
   */
  public record Settings(Path workDir, ClusterJars jars, int taskManagers, int slotsPerTaskManager, int taskHeapMb,
      int managedMb, boolean secured, Map<String, String> flinkConfig, List<String> taskManagerJvmArgs) {

    public static Settings defaults(Path workDir, ClusterJars jars) {
      return new Settings(workDir, jars, 2, 1, 256, 128, false, Map.of(), List.of());
    }

    public Settings withSecuredBroker() {
      return new Settings(workDir, jars, taskManagers, slotsPerTaskManager, taskHeapMb, managedMb, true, flinkConfig,
          taskManagerJvmArgs);
    }

    public Settings withTaskManagers(int count, int slots) {
      return new Settings(workDir, jars, count, slots, taskHeapMb, managedMb, secured, flinkConfig, taskManagerJvmArgs);
    }

    public Settings withMemory(int heapMb, int managed) {
      return new Settings(workDir, jars, taskManagers, slotsPerTaskManager, heapMb, managed, secured, flinkConfig,
          taskManagerJvmArgs);
    }

    /** Extra JVM options of every TaskManager (e.g. Native Memory Tracking for a soak). */
    public Settings withTaskManagerJvmArgs(List<String> args) {
      return new Settings(workDir, jars, taskManagers, slotsPerTaskManager, taskHeapMb, managedMb, secured, flinkConfig, args);
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(LocalCluster.class);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration STOP_GRACE = Duration.ofSeconds(15);
  private static final int FRAMEWORK_HEAP_MB = 96;
  private static final int FRAMEWORK_OFF_HEAP_MB = 96;
  private static final int TASK_OFF_HEAP_MB = 64;
  private static final int NETWORK_MB = 64;
  private static final int METASPACE_MB = 256;
  private static final int OVERHEAD_MB = 128;
  /** What a distribution's scripts pass on Java 17 (Flink's serializers reach into the JDK). */
  private static final List<String> ADD_OPENS = List.of(
      "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
      "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
      "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
      "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
      "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
      "--add-opens=java.base/java.nio=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-opens=java.base/java.net=ALL-UNNAMED", "--add-opens=java.base/java.text=ALL-UNNAMED",
      "--add-opens=java.base/java.time=ALL-UNNAMED");

  private final Settings settings;
  private final Path logDir;
  private final Path confDir;
  private final List<String> commonJvmArgs;
  private final List<JvmProcess> taskManagers = new ArrayList<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Thread shutdownHook = new Thread(this::closeQuietly, "local-cluster-shutdown");
  private BrokerSecurity security;
  private KafkaBrokerProcess broker;
  private JvmProcess jobManager;
  private FlinkRest rest;
  private String jarId;
  private int taskManagersStarted;

  private LocalCluster(Settings settings) throws IOException {
    this.settings = settings;
    this.logDir = settings.workDir().resolve("logs");
    this.confDir = settings.workDir().resolve("conf");
    Files.createDirectories(logDir);
    Files.createDirectories(confDir);
    Path log4j = settings.workDir().resolve("log4j2.properties");
    Files.writeString(log4j, """
        rootLogger.level = INFO
        rootLogger.appenderRef.file.ref = file
        appender.file.type = File
        appender.file.name = file
        appender.file.fileName = ${sys:log.file}
        appender.file.layout.type = PatternLayout
        appender.file.layout.pattern = %d{HH:mm:ss,SSS} %-5p %c{1} [%t] - %m%n
        """);
    Path tmp = Files.createDirectories(settings.workDir().resolve("tmp"));
    commonJvmArgs = List.of("-Dlog4j.configurationFile=" + log4j.toUri(), "-Djava.io.tmpdir=" + tmp,
        "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.vigil.schemas", "-XX:+UseSerialGC");
  }

  /** Starts the broker, the JobManager and the TaskManagers; waits until all TaskManagers registered. */
  public static LocalCluster start(Settings settings) throws Exception {
    LocalCluster cluster = new LocalCluster(settings);
    Runtime.getRuntime().addShutdownHook(cluster.shutdownHook);
    try {
      cluster.startBroker();
      cluster.startJobManager();
      for (int i = 0; i < settings.taskManagers(); i++) {
        cluster.startTaskManager();
      }
      return cluster;
    } catch (Exception | Error e) {
      cluster.close();
      throw e;
    }
  }

  public KafkaBrokerProcess broker() {
    return broker;
  }

  public FlinkRest rest() {
    return rest;
  }

  /** The broker's TLS material and SCRAM users; null for a PLAINTEXT broker. */
  public BrokerSecurity security() {
    return security;
  }

  public JvmProcess jobManager() {
    return jobManager;
  }

  /** TaskManagers started so far, the killed ones included (check {@link JvmProcess#isAlive()}). */
  public synchronized List<JvmProcess> taskManagers() {
    return List.copyOf(taskManagers);
  }

  /**
   * Submits {@code vigil run} (the job jar, uploaded once) against this cluster's broker, with
   * the client settings of a secured broker in a {@code --kafka-config} file as a user would;
   * {@code args} add to or override the defaults. Returns the job id.
   */
  public String submitRun(List<String> args) throws Exception {
    if (jarId == null) {
      jarId = rest.uploadJar(settings.jars().jobJar());
    }
    List<String> program = new ArrayList<>(List.of("run", "--bootstrap-servers", broker.bootstrapServers()));
    if (security != null) {
      program.addAll(List.of("--kafka-config", writeClientConfig().toString()));
    }
    program.addAll(args);
    return rest.runJar(jarId, program);
  }

  /** {@code kill -9} of a TaskManager: the machine it ran on is gone. */
  public JvmProcess killTaskManager(int index) throws InterruptedException {
    JvmProcess tm = taskManagers().get(index);
    tm.kill();
    LOG.info("killed {}", tm);
    return tm;
  }

  /** Starts one more TaskManager (as a resource manager replaces a lost one) and waits until it registered. */
  public JvmProcess startTaskManager() throws Exception {
    int n;
    synchronized (this) {
      n = ++taskManagersStarted;
    }
    String id = "taskmanager-" + n;
    int heap = FRAMEWORK_HEAP_MB + settings.taskHeapMb();
    List<String> jvm = new ArrayList<>(commonJvmArgs);
    jvm.addAll(ADD_OPENS);
    jvm.addAll(List.of("-Xms" + heap + "m", "-Xmx" + heap + "m",
        "-XX:MaxDirectMemorySize=" + (FRAMEWORK_OFF_HEAP_MB + TASK_OFF_HEAP_MB + NETWORK_MB) + "m",
        "-XX:MaxMetaspaceSize=" + METASPACE_MB + "m"));
    jvm.addAll(settings.taskManagerJvmArgs());
    Path tmp = Files.createDirectories(settings.workDir().resolve(id));
    JvmProcess tm = JvmProcess.start(id, settings.jars().flinkClasspath(), jvm,
        "org.apache.flink.runtime.taskexecutor.TaskManagerRunner",
        List.of("-c", confDir.toString(), "-Dtaskmanager.resource-id=" + id, "-Dio.tmp.dirs=" + tmp), logDir, Map.of());
    synchronized (this) {
      taskManagers.add(tm);
    }
    awaitRegistered(id, tm);
    LOG.info("started {}", tm);
    return tm;
  }

  /** Every log file of every process started (the {@code .out} files with stdout and stderr included). */
  public List<Path> logs() throws IOException {
    try (var files = Files.list(logDir)) {
      return files.toList();
    }
  }

  /** Stops every process by its own pid: TaskManagers, JobManager, then the broker. */
  @Override
  public void close() throws InterruptedException {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    for (JvmProcess tm : taskManagers()) {
      tm.stop(STOP_GRACE);
    }
    if (jobManager != null) {
      jobManager.stop(STOP_GRACE);
    }
    if (broker != null) {
      broker.stop();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // Already shutting down: this is the hook itself running.
    }
  }

  private void closeQuietly() {
    try {
      close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void startBroker() throws Exception {
    if (settings.secured()) {
      security = BrokerSecurity.generate(settings.workDir().resolve("tls"), "vigil");
    }
    List<String> jvm = new ArrayList<>(commonJvmArgs);
    jvm.addAll(List.of("-Xms128m", "-Xmx512m"));
    broker = KafkaBrokerProcess.create(settings.jars().brokerClasspath(), jvm,
        Files.createDirectories(settings.workDir().resolve("kafka")), logDir, security);
    broker.start();
  }

  private void startJobManager() throws Exception {
    int restPort = EmbeddedKafka.freePort();
    writeFlinkConfig(restPort, EmbeddedKafka.freePort());
    List<String> jvm = new ArrayList<>(commonJvmArgs);
    jvm.addAll(ADD_OPENS);
    jvm.addAll(List.of("-Xms256m", "-Xmx512m"));
    jobManager = JvmProcess.start("jobmanager", settings.jars().flinkClasspath(), jvm,
        "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint", List.of("-c", confDir.toString()),
        logDir, Map.of());
    rest = new FlinkRest("http://127.0.0.1:" + restPort);
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (true) {
      try {
        rest.get("/overview");
        return;
      } catch (IOException e) {
        if (!jobManager.isAlive() || System.nanoTime() > deadline) {
          throw new IllegalStateException("Flink JobManager did not start; see " + jobManager.log(), e);
        }
        Thread.sleep(250);
      }
    }
  }

  private void awaitRegistered(String id, JvmProcess tm) throws Exception {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (true) {
      for (var registered : rest.get("/taskmanagers").path("taskmanagers")) {
        if (id.equals(registered.path("id").asText())) {
          return;
        }
      }
      if (!tm.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException(id + " did not register with the JobManager; see " + tm.log());
      }
      Thread.sleep(250);
    }
  }

  private void writeFlinkConfig(int restPort, int rpcPort) throws IOException {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("jobmanager.rpc.address", "127.0.0.1");
    c.put("jobmanager.rpc.port", Integer.toString(rpcPort));
    c.put("jobmanager.bind-host", "127.0.0.1");
    c.put("taskmanager.bind-host", "127.0.0.1");
    c.put("taskmanager.host", "127.0.0.1");
    c.put("rest.address", "127.0.0.1");
    c.put("rest.bind-address", "127.0.0.1");
    c.put("rest.port", Integer.toString(restPort));
    c.put("web.upload.dir", settings.workDir().resolve("uploads").toString());
    c.put("blob.storage.directory", settings.workDir().resolve("blobs").toString());
    c.put("io.tmp.dirs", settings.workDir().resolve("tmp").toString());
    // The job jar carries the ONNX Runtime natives and models: above the 100 MiB default with room.
    c.put("rest.server.max-content-length", Integer.toString(256 * 1024 * 1024));
    // A dead TaskManager is noticed within seconds, not the default 50 s.
    c.put("heartbeat.interval", "2000");
    c.put("heartbeat.timeout", "10000");
    // What a distribution's scripts compute for a TaskManager: every size explicit.
    c.put("taskmanager.numberOfTaskSlots", Integer.toString(settings.slotsPerTaskManager()));
    c.put("taskmanager.cpu.cores", Integer.toString(settings.slotsPerTaskManager()));
    c.put("taskmanager.memory.framework.heap.size", FRAMEWORK_HEAP_MB + "m");
    c.put("taskmanager.memory.task.heap.size", settings.taskHeapMb() + "m");
    c.put("taskmanager.memory.framework.off-heap.size", FRAMEWORK_OFF_HEAP_MB + "m");
    c.put("taskmanager.memory.task.off-heap.size", TASK_OFF_HEAP_MB + "m");
    c.put("taskmanager.memory.managed.size", settings.managedMb() + "m");
    c.put("taskmanager.memory.network.min", NETWORK_MB + "m");
    c.put("taskmanager.memory.network.max", NETWORK_MB + "m");
    c.put("taskmanager.memory.jvm-metaspace.size", METASPACE_MB + "m");
    c.put("taskmanager.memory.jvm-overhead.min", OVERHEAD_MB + "m");
    c.put("taskmanager.memory.jvm-overhead.max", OVERHEAD_MB + "m");
    c.putAll(settings.flinkConfig());
    StringBuilder yaml = new StringBuilder("# Written by Vigil's LocalCluster\n");
    c.forEach((k, v) -> yaml.append(k).append(": ").append(v).append('\n'));
    Files.writeString(confDir.resolve("config.yaml"), yaml);
  }

  /** The secured broker's client settings as a properties file only the owner may read. */
  private Path writeClientConfig() throws IOException {
    Path file = settings.workDir().resolve("kafka-client.properties");
    if (!Files.exists(file)) {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Properties p = new Properties();
      p.putAll(security.clientProperties());
      try (Writer w = Files.newBufferedWriter(file)) {
        p.store(w, "Kafka client settings of the local cluster's application user");
      }
    }
    return file;
  }
}
