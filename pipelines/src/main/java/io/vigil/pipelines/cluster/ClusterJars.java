package io.vigil.pipelines.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the local cluster runs, as {@code mvn package} leaves it in {@code pipelines/target}:
 * Flink's own jars (a distribution's {@code lib/}: {@code cluster-classpath.txt}), the broker's
 * classpath (the Kafka server artifacts: {@code classpath.txt}) and the job jar.
 */
public record ClusterJars(String flinkClasspath, String brokerClasspath, Path jobJar) {

  /** From a built {@code pipelines/target} folder; says what to run when something is missing. */
  public static ClusterJars fromBuild(Path target) throws IOException {
    Path flink = target.resolve("cluster-classpath.txt");
    Path broker = target.resolve("classpath.txt");
    Path jobJar;
    try (var files = Files.list(target)) {
      jobJar = files.filter(f -> f.getFileName().toString().matches("vigil-pipelines-.*-job\\.jar")).findFirst().orElse(null);
    } catch (IOException e) {
      jobJar = null;
    }
    if (jobJar == null || !Files.isRegularFile(flink) || !Files.isRegularFile(broker)) {
      throw new IllegalStateException(target.toAbsolutePath() + " lacks the job jar or the classpath files: run "
          + "`mvn -pl pipelines -am package -DskipTests` first");
    }
    return new ClusterJars(Files.readString(flink).trim(), Files.readString(broker).trim(), jobJar);
  }
}
