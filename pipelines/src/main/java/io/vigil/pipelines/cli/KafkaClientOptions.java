package io.vigil.pipelines.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Option;

/** Where an existing Kafka cluster is and how to reach it; shared by {@code vigil run} and {@code vigil replay}. */
final class KafkaClientOptions {

  @Option(names = "--bootstrap-servers", required = true, description = "Kafka bootstrap servers, host:port[,host:port].")
  String bootstrapServers;

  @Option(names = "--kafka-config", paramLabel = "FILE", description = "Kafka client properties file passed to every client.")
  Path kafkaConfig;

  @Option(names = "--kafka-property", paramLabel = "KEY=VALUE", description = "One Kafka client property (repeatable; overrides --kafka-config).")
  Map<String, String> kafkaProperties = new HashMap<>();

  /** The client settings: the file's, then the single properties over them (may hold secrets: never log values). */
  Map<String, String> clientProperties() {
    Map<String, String> client = new HashMap<>(readConfig());
    client.putAll(kafkaProperties);
    return client;
  }

  private Map<String, String> readConfig() {
    if (kafkaConfig == null) {
      return Map.of();
    }
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(kafkaConfig)) {
      p.load(r);
    } catch (IOException e) {
      throw new IllegalArgumentException("--kafka-config " + kafkaConfig.toAbsolutePath() + " cannot be read (" + e.getMessage()
          + "). Fix: point it at a readable Java properties file of Kafka client settings.");
    }
    Map<String, String> out = new HashMap<>();
    p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k)));
    return out;
  }
}
