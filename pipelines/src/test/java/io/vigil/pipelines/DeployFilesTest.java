package io.vigil.pipelines;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.pipelines.cli.Vigil;
import io.vigil.pipelines.job.TopicNames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import picocli.CommandLine;

/**
 * No Docker or Kubernetes runs here, so this checks what can be checked without them: every file
 * under deploy/ parses, the paths, images and ports they name agree with each other and with the
 * repository, the job arguments are options {@code vigil run} knows, and the dashboard's metrics
 * are registered by the code. (SnakeYAML is on the test classpath through the provided Kafka
 * broker, kafka_2.13 → jackson-dataformat-yaml; Jackson through Avro/Kafka.)
 */
class DeployFilesTest {

  private static final Path ROOT = repositoryRoot();
  private static final Path DEPLOY = ROOT.resolve("deploy");
  private static final String IMAGE = "vigil-job:0.1.0";
  private static final String JAR_IN_IMAGE = "/opt/flink/usrlib/vigil-job.jar";
  private static final int REPORTER_PORT = 9249;
  private static final String DATASOURCE_UID = "vigil-prometheus";

  /** Flink's own metrics the dashboard uses (operator and job scope). */
  private static final Set<String> FLINK_BUILT_INS = Set.of(
      "numRecordsInPerSecond", "numRecordsOutPerSecond",
      "lastCheckpointDuration", "lastCheckpointSize", "numberOfFailedCheckpoints");

  @Test
  void everyYamlUnderDeployParses() throws IOException {
    List<Path> files = filesUnder(DEPLOY, ".yml", ".yaml");
    assertThat(files).extracting(p -> DEPLOY.relativize(p).toString().replace('\\', '/'))
        .contains("docker-compose.yml", "prometheus/prometheus.yml", "k8s/flink-deployment.yaml",
            "k8s/flink-deployment-gpu.yaml", "k8s/kafka-client-secret.yaml");
    for (Path file : files) {
      List<Object> docs = yamlDocuments(file);
      assertThat(docs).as(file + ": YAML documents").isNotEmpty().doesNotContainNull();
    }
  }

  @Test
  void grafanaDashboardIsProvisionedWithTheDatasourceItUses() throws IOException {
    JsonNode dashboard = new ObjectMapper().readTree(DEPLOY.resolve("grafana/dashboards/vigil.json").toFile());
    assertThat(dashboard.path("uid").asText()).isNotBlank();
    assertThat(dashboard.path("title").asText()).isNotBlank();
    assertThat(dashboard.path("panels").size()).isGreaterThan(5);

    Map<String, Object> datasources = yamlMap(DEPLOY.resolve("grafana/provisioning/datasources/prometheus.yml"));
    Map<String, Object> datasource = asMap(asList(datasources.get("datasources")).get(0));
    assertThat(datasource.get("uid")).isEqualTo(DATASOURCE_UID);
    // Grafana (in compose) reaches Prometheus by its service name and port.
    assertThat(datasource.get("url")).isEqualTo("http://prometheus:9090");
    assertThat(asList(service("prometheus").get("ports"))).contains("9090:9090");

    List<String> uids = new ArrayList<>();
    dashboard.findParents("datasource").forEach(n -> {
      JsonNode ds = n.get("datasource");
      if (ds.isObject()) {
        uids.add(ds.path("uid").asText());
      }
    });
    assertThat(uids).isNotEmpty().containsOnly(DATASOURCE_UID);
    for (JsonNode panel : dashboard.path("panels")) {
      if (!panel.path("type").asText().equals("row")) {
        assertThat(panel.path("targets").size()).as("targets of panel " + panel.path("title")).isPositive();
      }
    }

    // The dashboard provider loads the folder that compose mounts the dashboards into.
    Map<String, Object> providers = yamlMap(DEPLOY.resolve("grafana/provisioning/dashboards/vigil.yml"));
    String path = (String) asMap(asMap(asList(providers.get("providers")).get(0)).get("options")).get("path");
    assertThat(asList(service("grafana").get("volumes"))).contains("./grafana/dashboards:" + path + ":ro");
  }

  @Test
  void composeAndKubernetesReferenceFilesThatExist() throws IOException {
    Map<String, Object> compose = yamlMap(DEPLOY.resolve("docker-compose.yml"));
    for (Map.Entry<String, Object> entry : asMap(compose.get("services")).entrySet()) {
      Map<String, Object> service = asMap(entry.getValue());
      for (Object volume : service.containsKey("volumes") ? asList(service.get("volumes")) : List.of()) {
        String source = volume.toString().split(":")[0];
        if (source.startsWith(".")) {
          assertThat(DEPLOY.resolve(source).normalize()).as("bind mount of " + entry.getKey()).exists();
        }
      }
      if (service.containsKey("build")) {
        Map<String, Object> build = asMap(service.get("build"));
        Path context = DEPLOY.resolve((String) build.get("context")).normalize();
        assertThat(context).isEqualTo(ROOT);
        assertThat(context.resolve((String) build.get("dockerfile"))).exists();
        assertThat(service.get("image")).as(entry.getKey() + " image").isEqualTo(IMAGE);
      }
    }
    assertThat(asMap(compose.get("services")).keySet())
        .contains("kafka", "kafka-init", "jobmanager", "taskmanager", "producer", "prometheus", "grafana");

    // The Dockerfiles copy the jar the pipelines module builds, to where the job specs look for it.
    String version = rootPomVersion();
    String jar = "pipelines/target/vigil-pipelines-" + version + "-job.jar";
    assertThat(read(ROOT.resolve("pipelines/pom.xml"))).contains("<shadedClassifierName>job</shadedClassifierName>");
    for (Path dockerfile : List.of(DEPLOY.resolve("Dockerfile"), DEPLOY.resolve("k8s/Dockerfile.gpu"))) {
      String text = read(dockerfile);
      assertThat(text).as(dockerfile.toString())
          .contains("FROM flink:2.2.1-scala_2.12-java17")
          .contains("ARG JOB_JAR=" + jar)
          .contains("${JOB_JAR} " + JAR_IN_IMAGE)
          .contains("-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.vigil.schemas")
          .contains("PrometheusReporterFactory")
          .contains("-Denv.java.opts.taskmanager=-XX:+UseZGC");
    }
    assertThat(read(ROOT.resolve(".dockerignore"))).contains("!pipelines/target/vigil-pipelines-*-job.jar");
    assertThat(read(ROOT.resolve("pom.xml"))).contains("<flink.version>2.2.1</flink.version>")
        .contains("<kafka.version>4.2.0</kafka.version>");
    assertThat(asMap(service("kafka")).get("image")).isEqualTo("apache/kafka:4.2.0");

    for (String name : List.of("flink-deployment.yaml", "flink-deployment-gpu.yaml")) {
      Map<String, Object> spec = asMap(yamlMap(DEPLOY.resolve("k8s/" + name)).get("spec"));
      Map<String, Object> job = asMap(spec.get("job"));
      assertThat(job.get("jarURI")).as(name).isEqualTo("local://" + JAR_IN_IMAGE);
      assertThat(job.get("entryClass")).as(name).isEqualTo(Vigil.class.getName());
      assertThat(spec.get("image").toString()).as(name).startsWith(IMAGE);
      Map<String, Object> conf = asMap(spec.get("flinkConfiguration"));
      assertThat(conf.get("env.java.opts.all").toString()).contains("-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.vigil.schemas");
      assertThat(conf.get("env.java.opts.taskmanager")).as(name).isEqualTo("-XX:+UseZGC");
      assertThat(conf.get("execution.checkpointing.dir").toString()).startsWith("s3://");
      assertThat(conf.get("high-availability.type")).isEqualTo("kubernetes");
      // The s3:// filesystem plugin the checkpoints need, for this Flink version.
      assertThat(read(DEPLOY.resolve("k8s/" + name))).contains("flink-s3-fs-presto-2.2.1.jar");
      // The Kafka client file passed to `vigil run` comes from the Secret's mount.
      List<String> args = stringList(job.get("args"));
      String kafkaConfig = args.get(args.indexOf("--kafka-config") + 1);
      assertThat(kafkaConfig).isEqualTo("/etc/vigil/kafka.properties");
      assertThat(read(DEPLOY.resolve("k8s/" + name))).contains("mountPath: /etc/vigil").contains("secretName: vigil-kafka-client");
    }
    Map<String, Object> secret = yamlMap(DEPLOY.resolve("k8s/kafka-client-secret.yaml"));
    assertThat(asMap(secret.get("metadata")).get("name")).isEqualTo("vigil-kafka-client");
    assertThat(asMap(secret.get("stringData"))).containsKey("kafka.properties");
    assertThat(read(DEPLOY.resolve("k8s/flink-deployment-gpu.yaml"))).contains("nvidia.com/gpu: 1").contains("vigil-job:0.1.0-gpu");
  }

  @Test
  void scrapedPortIsTheReporterPort() throws IOException {
    assertThat(read(DEPLOY.resolve("Dockerfile"))).contains("-Dmetrics.reporter.prom.port=" + REPORTER_PORT);
    Map<String, Object> prometheus = yamlMap(DEPLOY.resolve("prometheus/prometheus.yml"));
    Set<String> hosts = new TreeSet<>();
    for (Object job : asList(prometheus.get("scrape_configs"))) {
      Map<String, Object> scrape = asMap(job);
      for (Object sc : scrape.containsKey("static_configs") ? asList(scrape.get("static_configs")) : List.of()) {
        for (String target : stringList(asMap(sc).get("targets"))) {
          assertThat(target).endsWith(":" + REPORTER_PORT);
          hosts.add(target.substring(0, target.indexOf(':')));
        }
      }
      for (Object dns : scrape.containsKey("dns_sd_configs") ? asList(scrape.get("dns_sd_configs")) : List.of()) {
        assertThat(asMap(dns).get("port")).isEqualTo(REPORTER_PORT);
        hosts.addAll(stringList(asMap(dns).get("names")));
      }
    }
    // Every scraped host is a Flink service of the compose file.
    assertThat(hosts).containsExactlyInAnyOrder("jobmanager", "taskmanager");
    assertThat(asMap(yamlMap(DEPLOY.resolve("docker-compose.yml")).get("services"))).containsKeys("jobmanager", "taskmanager");

    for (String name : List.of("flink-deployment.yaml", "flink-deployment-gpu.yaml")) {
      Map<String, Object> spec = asMap(yamlMap(DEPLOY.resolve("k8s/" + name)).get("spec"));
      Map<String, Object> conf = asMap(spec.get("flinkConfiguration"));
      assertThat(conf.get("metrics.reporter.prom.port")).as(name).isEqualTo(String.valueOf(REPORTER_PORT));
      assertThat(conf.get("metrics.reporter.prom.factory.class"))
          .isEqualTo("org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
      Map<String, Object> annotations = asMap(asMap(asMap(spec.get("podTemplate")).get("metadata")).get("annotations"));
      assertThat(annotations.get("prometheus.io/port")).as(name).isEqualTo(String.valueOf(REPORTER_PORT));
    }
  }

  @Test
  void jobArgumentsAreOptionsOfVigilRun() throws IOException {
    CommandLine run = new CommandLine(new Vigil()).getSubcommands().get("run");
    Set<String> known = run.getCommandSpec().optionsMap().keySet();
    Set<String> required = run.getCommandSpec().options().stream()
        .filter(CommandLine.Model.OptionSpec::required).map(CommandLine.Model.OptionSpec::longestName).collect(Collectors.toSet());

    List<String> command = stringList(service("jobmanager").get("command"));
    assertThat(command.subList(0, 3)).containsExactly("standalone-job", "--job-classname", Vigil.class.getName());
    checkArgs("docker-compose.yml jobmanager", command.subList(3, command.size()), known, required);

    Set<String> jobNames = new java.util.HashSet<>();
    for (String name : List.of("flink-deployment.yaml", "flink-deployment-gpu.yaml")) {
      Map<String, Object> job = asMap(asMap(yamlMap(DEPLOY.resolve("k8s/" + name)).get("spec")).get("job"));
      List<String> args = stringList(job.get("args"));
      checkArgs(name, args, known, required);
      // The job name prefixes the Kafka transactional ids: two deployments sharing it fence each other.
      assertThat(args).as(name + " names its job").contains("--job-name");
      assertThat(jobNames.add(args.get(args.indexOf("--job-name") + 1))).as(name + ": job name not shared").isTrue();
    }
  }

  private static void checkArgs(String where, List<String> args, Set<String> known, Set<String> required) {
    // `run` first: Flink's entrypoint stops reading its own options at the first non-option.
    assertThat(args).as(where).isNotEmpty();
    assertThat(args.get(0)).as(where + ": first job argument").isEqualTo("run");
    List<String> options = args.stream().filter(a -> a.startsWith("--")).map(a -> a.split("=", 2)[0]).toList();
    assertThat(known).as(where + ": options of vigil run").containsAll(options);
    assertThat(options).as(where + ": required options").containsAll(required);
    // And picocli accepts the whole line (types, arities) without running anything.
    new CommandLine(new Vigil()).parseArgs(args.toArray(String[]::new));
  }

  @Test
  void composeCreatesEveryTopicAndItsProducerRunsVigilReplay() throws IOException {
    String init = String.join("\n", stringList(service("kafka-init").get("command")));
    Matcher loop = Pattern.compile("for topic in ([^;]+);").matcher(init);
    assertThat(loop.find()).as("kafka-init creates topics in a loop").isTrue();
    assertThat(List.of(loop.group(1).trim().split("\\s+"))).containsExactlyInAnyOrderElementsOf(TopicNames.defaults().all());

    Map<String, Object> producer = service("producer");
    List<String> entrypoint = stringList(producer.get("entrypoint"));
    assertThat(entrypoint.get(entrypoint.size() - 1)).isEqualTo(Vigil.class.getName());
    assertThat(String.join(" ", entrypoint)).contains(JAR_IN_IMAGE).contains("-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.vigil.schemas");
    List<String> args = stringList(producer.get("command"));
    assertThat(args.get(0)).isEqualTo("replay");
    assertThat(args.get(args.indexOf("--bootstrap-servers") + 1)).isEqualTo("kafka:9092");
    // picocli accepts the whole line (types, arities) without running anything.
    new CommandLine(new Vigil()).parseArgs(args.toArray(String[]::new));
  }

  @Test
  void dashboardMetricsAreRegisteredByTheCode() throws IOException {
    String dashboard = read(DEPLOY.resolve("grafana/dashboards/vigil.json"));
    String code = javaSources(ROOT.resolve("operators/src/main/java"), ROOT.resolve("pipelines/src/main/java"));

    Matcher operator = Pattern.compile("flink_taskmanager_job_task_operator_([A-Za-z0-9_]+)").matcher(dashboard);
    Set<String> checked = new TreeSet<>();
    while (operator.find()) {
      String name = operator.group(1);
      List<String> groups = new ArrayList<>();
      for (String key : List.of("model", "scope", "reason")) {
        if (name.startsWith(key + "_")) {
          groups.add(key);
          name = name.substring(key.length() + 1);
        }
      }
      checked.add(String.join("", groups.stream().map(g -> g + ".").toList()) + name);
      if (FLINK_BUILT_INS.contains(name)) {
        continue;
      }
      assertThat(code).as("metric '" + name + "' registered in the code").contains("\"" + name + "\"");
      for (String group : groups) {
        // The Prometheus reporter puts a user-defined key/value group's key into the name, its value into a label.
        assertThat(code).as("metric group '" + group + "' in the code").contains("addGroup(\"" + group + "\"");
      }
    }
    Matcher job = Pattern.compile("flink_jobmanager_job_([A-Za-z0-9_]+)").matcher(dashboard);
    while (job.find()) {
      assertThat(FLINK_BUILT_INS).as("Flink job metric").contains(job.group(1));
    }
    assertThat(checked).contains("eventsScored", "batchSize", "roundsPerFlush", "model.onnxCallMicros",
        "model.cpuFallback", "reason.deadLetters", "alertsOpened", "alertsClosed", "alertsSuppressed", "openAlerts",
        "model.scope.precision", "model.scope.recall", "model.scope.f1", "model.scope.roc_auc", "model.scope.pr_auc",
        "model.scope.tp", "model.scope.fn");
    // Operator names the queries select on.
    assertThat(read(ROOT.resolve("pipelines/src/main/java/io/vigil/pipelines/job/ScoringTopology.java")))
        .contains("name(\"decode-validate\")").contains("transform(\"score\"").contains("name(\"alerts\")");
  }

  @Test
  void readmeStepsNameFilesAndImagesThatExist() throws IOException {
    String readme = read(DEPLOY.resolve("README.md"));
    Matcher paths = Pattern.compile("deploy/[A-Za-z0-9_./-]*[A-Za-z0-9_]").matcher(readme);
    int count = 0;
    while (paths.find()) {
      count++;
      assertThat(ROOT.resolve(paths.group())).as("path named in deploy/README.md").exists();
    }
    assertThat(count).isGreaterThan(5);
    assertThat(readme).contains("docker build -f deploy/Dockerfile -t " + IMAGE + " .")
        .contains("docker compose -f deploy/docker-compose.yml up")
        .contains("docker build -f deploy/k8s/Dockerfile.gpu -t " + IMAGE + "-gpu .")
        .contains("kubectl apply -f deploy/k8s/kafka-client-secret.yaml")
        .contains("kubectl apply -f deploy/k8s/flink-deployment.yaml")
        .contains("mvn -B -DskipTests -Pgpu package");
  }

  // ---------------------------------------------------------------------------------------------

  private static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isRegularFile(dir.resolve("deploy/docker-compose.yml"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("deploy/docker-compose.yml not found above " + Path.of("").toAbsolutePath());
    }
    return dir;
  }

  private static String rootPomVersion() throws IOException {
    Matcher m = Pattern.compile("<artifactId>vigil-parent</artifactId>\\s*<version>([^<]+)</version>").matcher(read(ROOT.resolve("pom.xml")));
    assertThat(m.find()).isTrue();
    return m.group(1);
  }

  private static Map<String, Object> service(String name) throws IOException {
    return asMap(asMap(yamlMap(DEPLOY.resolve("docker-compose.yml")).get("services")).get(name));
  }

  private static List<Path> filesUnder(Path dir, String... suffixes) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).filter(p -> Stream.of(suffixes).anyMatch(x -> p.toString().endsWith(x))).sorted().toList();
    }
  }

  private static String javaSources(Path... dirs) throws IOException {
    StringBuilder all = new StringBuilder();
    for (Path dir : dirs) {
      for (Path file : filesUnder(dir, ".java")) {
        all.append(read(file)).append('\n');
      }
    }
    return all.toString();
  }

  private static List<Object> yamlDocuments(Path file) throws IOException {
    List<Object> docs = new ArrayList<>();
    new Yaml().loadAll(read(file)).forEach(docs::add);
    return docs;
  }

  private static Map<String, Object> yamlMap(Path file) throws IOException {
    List<Object> docs = yamlDocuments(file);
    assertThat(docs).as(file.toString()).hasSize(1);
    return asMap(docs.get(0));
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(Object o) {
    assertThat(o).isInstanceOf(Map.class);
    return (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> asList(Object o) {
    assertThat(o).isInstanceOf(List.class);
    return (List<Object>) o;
  }

  private static List<String> stringList(Object o) {
    return asList(o).stream().map(String::valueOf).toList();
  }
}
