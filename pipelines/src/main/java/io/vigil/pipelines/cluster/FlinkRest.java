package io.vigil.pipelines.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The parts of Flink's REST API a user's tooling uses: upload and run a jar, watch, stop with a savepoint. */
public final class FlinkRest {

  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(120);

  private final String base;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final ObjectMapper json = new ObjectMapper();

  FlinkRest(String base) {
    this.base = base;
  }

  /** {@code http://127.0.0.1:<port>}: the web UI and REST API. */
  public String url() {
    return base;
  }

  public JsonNode get(String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
  }

  /** {@code POST /jars/upload}; returns the jar id. */
  public String uploadJar(Path jar) throws IOException, InterruptedException {
    String boundary = "vigil-" + UUID.randomUUID();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\"" + jar.getFileName()
        + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n").getBytes(StandardCharsets.UTF_8));
    body.write(Files.readAllBytes(jar));
    body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    JsonNode r = send(HttpRequest.newBuilder(URI.create(base + "/jars/upload"))
        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
    String file = r.path("filename").asText();
    return file.substring(file.lastIndexOf('/') + 1);
  }

  /** {@code POST /jars/<id>/run} with the program's arguments (the jar's main class); returns the job id. */
  public String runJar(String jarId, List<String> programArgs) throws IOException, InterruptedException {
    return post("/jars/" + jarId + "/run", Map.of("programArgsList", programArgs)).path("jobid").asText();
  }

  /** The job's state: CREATED, RUNNING, RESTARTING, FAILED, FINISHED, ... */
  public String jobState(String jobId) throws IOException, InterruptedException {
    return get("/jobs/" + jobId).path("state").asText();
  }

  /** True when the job and every one of its tasks run. */
  public boolean allTasksRunning(String jobId) throws IOException, InterruptedException {
    JsonNode job = get("/jobs/" + jobId);
    if (!"RUNNING".equals(job.path("state").asText())) {
      return false;
    }
    for (JsonNode vertex : job.path("vertices")) {
      if (vertex.path("tasks").path("RUNNING").asInt() != vertex.path("parallelism").asInt()) {
        return false;
      }
    }
    return true;
  }

  /** One job-level metric (e.g. {@code numRestarts}), or -1 when not reported yet. */
  public long jobMetric(String jobId, String metric) throws IOException, InterruptedException {
    for (JsonNode m : get("/jobs/" + jobId + "/metrics?get=" + metric)) {
      return (long) Double.parseDouble(m.path("value").asText());
    }
    return -1;
  }

  /**
   * {@code POST /jobs/<id>/stop}: a savepoint, then the job finishes. With {@code drain} the
   * sources emit MAX_WATERMARK first, so every event-time timer fires (pending joins expire, final
   * metric snapshots are written). Waits for the savepoint; returns its location.
   */
  public String stopWithSavepoint(String jobId, String targetDirectory, boolean drain, Duration timeout)
      throws IOException, InterruptedException {
    String trigger = post("/jobs/" + jobId + "/stop", Map.of("targetDirectory", targetDirectory, "drain", drain))
        .path("request-id").asText();
    return awaitSavepoint(jobId, trigger, timeout);
  }

  /** {@code POST /jobs/<id>/savepoints}: a full (canonical) savepoint while the job keeps running; returns its location. */
  public String savepoint(String jobId, String targetDirectory, Duration timeout) throws IOException, InterruptedException {
    String trigger = post("/jobs/" + jobId + "/savepoints",
        Map.of("target-directory", targetDirectory, "cancel-job", false, "formatType", "CANONICAL")).path("request-id").asText();
    return awaitSavepoint(jobId, trigger, timeout);
  }

  private String awaitSavepoint(String jobId, String trigger, Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode r = get("/jobs/" + jobId + "/savepoints/" + trigger);
      if ("COMPLETED".equals(r.path("status").path("id").asText())) {
        JsonNode op = r.path("operation");
        if (op.has("failure-cause")) {
          throw new IOException("savepoint of " + jobId + " failed: " + op.path("failure-cause"));
        }
        return op.path("location").asText();
      }
      Thread.sleep(200);
    }
    throw new IOException("savepoint of " + jobId + " did not complete within " + timeout);
  }

  /** {@code PATCH /jobs/<id>}: cancel. */
  public void cancel(String jobId) throws IOException, InterruptedException {
    send(HttpRequest.newBuilder(URI.create(base + "/jobs/" + jobId + "?mode=cancel"))
        .method("PATCH", HttpRequest.BodyPublishers.noBody()));
  }

  private JsonNode post(String path, Object body) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create(base + path))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body))));
  }

  private JsonNode send(HttpRequest.Builder builder) throws IOException, InterruptedException {
    HttpRequest request = builder.timeout(REQUEST_TIMEOUT).build();
    HttpResponse<String> r;
    try {
      r = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      // A pooled connection the REST server closed while idle fails before any response byte: the
      // request never reached the server, so sending it again on a fresh connection is safe.
      if (e.getMessage() == null || !e.getMessage().contains("received no bytes")) {
        throw e;
      }
      r = http.send(request, HttpResponse.BodyHandlers.ofString());
    }
    if (r.statusCode() / 100 != 2) {
      throw new IOException(r.request().method() + " " + r.uri().getPath() + " -> HTTP " + r.statusCode() + ": " + r.body());
    }
    return r.body().isBlank() ? json.createObjectNode() : json.readTree(r.body());
  }
}
