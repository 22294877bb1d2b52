package io.vigil.pipelines.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * SASL/SCRAM-SHA-256 over TLS for the local broker: a self-signed CA, the broker's key pair signed
 * by it (valid for 127.0.0.1), a truststore holding the CA, and two SCRAM users (the broker
 * itself, for its inter-broker listener, and the application user) created when the storage is
 * formatted. Every password is random; keytool gets them through its environment, never its
 * command line.
 */
public final class BrokerSecurity {

  static final String MECHANISM = "SCRAM-SHA-256";
  private static final String BROKER_USER = "broker";
  private static final String LISTENER = "SASL_SSL";

  private final Path keystore;
  private final Path truststore;
  private final String storePassword;
  private final String brokerPassword;
  private final String user;
  private final String userPassword;

  private BrokerSecurity(Path keystore, Path truststore, String storePassword, String brokerPassword, String user,
      String userPassword) {
    this.keystore = keystore;
    this.truststore = truststore;
    this.storePassword = storePassword;
    this.brokerPassword = brokerPassword;
    this.user = user;
    this.userPassword = userPassword;
  }

  /** Generates the CA, the broker keystore and the truststore (PKCS12) in {@code dir}, and the passwords. */
  public static BrokerSecurity generate(Path dir, String user) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    String storePassword = randomSecret();
    Path ca = dir.resolve("ca.p12");
    Path keystore = dir.resolve("broker.p12");
    Path truststore = dir.resolve("truststore.p12");
    Map<String, String> env = Map.of("VIGIL_STORE_PASSWORD", storePassword);
    String days = "2";
    keytool(env, "-genkeypair", "-alias", "ca", "-keystore", ca, "-storetype", "PKCS12", "-keyalg", "RSA",
        "-keysize", "2048", "-dname", "CN=vigil-local-ca", "-ext", "bc:c", "-validity", days);
    keytool(env, "-exportcert", "-alias", "ca", "-keystore", ca, "-rfc", "-file", dir.resolve("ca.crt"));
    keytool(env, "-genkeypair", "-alias", "broker", "-keystore", keystore, "-storetype", "PKCS12", "-keyalg", "RSA",
        "-keysize", "2048", "-dname", "CN=127.0.0.1", "-validity", days);
    keytool(env, "-certreq", "-alias", "broker", "-keystore", keystore, "-file", dir.resolve("broker.csr"));
    keytool(env, "-gencert", "-alias", "ca", "-keystore", ca, "-infile", dir.resolve("broker.csr"),
        "-outfile", dir.resolve("broker.crt"), "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", days);
    keytool(env, "-importcert", "-noprompt", "-alias", "ca", "-keystore", keystore, "-file", dir.resolve("ca.crt"));
    keytool(env, "-importcert", "-alias", "broker", "-keystore", keystore, "-file", dir.resolve("broker.crt"));
    keytool(env, "-importcert", "-noprompt", "-alias", "ca", "-keystore", truststore, "-storetype", "PKCS12",
        "-file", dir.resolve("ca.crt"));
    return new BrokerSecurity(keystore, truststore, storePassword, randomSecret(), user, randomSecret());
  }

  /** The {@code --add-scram} arguments of the storage format: the broker's and the user's credentials. */
  List<String> scramArguments() {
    return List.of(MECHANISM + "=[name=" + BROKER_USER + ",password=" + brokerPassword + "]",
        MECHANISM + "=[name=" + user + ",password=" + userPassword + "]");
  }

  /** Replaces the PLAINTEXT client listener of the base config by SASL_SSL, used between brokers too. */
  void applyTo(Properties broker, int port, int controllerPort) {
    broker.put("listeners", LISTENER + "://127.0.0.1:" + port + "," + broker.getProperty("controller.listener.names")
        + "://127.0.0.1:" + controllerPort);
    broker.put("advertised.listeners", LISTENER + "://127.0.0.1:" + port);
    broker.put("listener.security.protocol.map", LISTENER + ":SASL_SSL," + broker.getProperty("controller.listener.names") + ":PLAINTEXT");
    broker.put("inter.broker.listener.name", LISTENER);
    broker.put("sasl.enabled.mechanisms", MECHANISM);
    broker.put("sasl.mechanism.inter.broker.protocol", MECHANISM);
    broker.put("listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config", jaas(BROKER_USER, brokerPassword));
    broker.put("ssl.keystore.type", "PKCS12");
    broker.put("ssl.keystore.location", keystore.toString());
    broker.put("ssl.keystore.password", storePassword);
    broker.put("ssl.key.password", storePassword);
    broker.put("ssl.truststore.type", "PKCS12");
    broker.put("ssl.truststore.location", truststore.toString());
    broker.put("ssl.truststore.password", storePassword);
  }

  /** What a client of the application user needs (the content of a {@code --kafka-config} file). */
  public Map<String, String> clientProperties() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("security.protocol", "SASL_SSL");
    p.put("sasl.mechanism", MECHANISM);
    p.put("sasl.jaas.config", jaas(user, userPassword));
    p.put("ssl.truststore.type", "PKCS12");
    p.put("ssl.truststore.location", truststore.toString());
    p.put("ssl.truststore.password", storePassword);
    return p;
  }

  /** The same user with a wrong password: a client the broker must refuse. */
  public Map<String, String> clientPropertiesWithWrongPassword() {
    Map<String, String> p = clientProperties();
    p.put("sasl.jaas.config", jaas(user, randomSecret()));
    return p;
  }

  /** Every secret this broker uses: none may appear in a log. */
  public List<String> secrets() {
    return new ArrayList<>(List.of(storePassword, brokerPassword, userPassword));
  }

  private static String jaas(String name, String password) {
    return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + name + "\" password=\""
        + password + "\";";
  }

  private static String randomSecret() {
    byte[] bytes = new byte[18];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static void keytool(Map<String, String> env, Object... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    for (Object a : args) {
      command.add(a.toString());
    }
    command.addAll(List.of("-storepass:env", "VIGIL_STORE_PASSWORD"));
    if (args[0].equals("-genkeypair")) {
      command.addAll(List.of("-keypass:env", "VIGIL_STORE_PASSWORD"));
    }
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(env);
    Process p = builder.start();
    String output = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("keytool " + args[0] + " failed: " + output);
    }
  }
}
