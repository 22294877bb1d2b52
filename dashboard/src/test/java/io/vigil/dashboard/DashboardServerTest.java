package io.vigil.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DashboardServerTest {

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void servesTheBundledPageFromTheClasspathOnLoopback() throws Exception {
    try (DashboardServer server = DashboardServer.start(DashboardServer.DEFAULT_HOST, 0, () -> "{}")) {
      assertThat(server.port()).isPositive();
      assertThat(server.url()).isEqualTo("http://127.0.0.1:" + server.port() + "/");
      assertThat(InetAddress.getByName(URI.create(server.url()).getHost()).isLoopbackAddress()).isTrue();

      HttpResponse<String> page = get(server, "");
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
      assertThat(page.body()).contains("<script src=\"app.js\">");
      assertThat(get(server, "app.js").body()).contains("vigilDashboard");
      assertThat(get(server, "app.css").headers().firstValue("Content-Type")).hasValue("text/css; charset=utf-8");

      assertThat(get(server, "nothing.js").statusCode()).isEqualTo(404);
      assertThat(get(server, "%2e%2e/DashboardServer.class").statusCode()).isEqualTo(404);
      HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create(server.url() + "api/state"))
          .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(post.statusCode()).isEqualTo(405);
    }
  }

  @Test
  void passesTheCallersStateOnAsJsonAndAsServerSentEvents() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    try (DashboardServer server = DashboardServer.start(DashboardServer.DEFAULT_HOST, 0,
        () -> "{\"n\":" + calls.incrementAndGet() + "}")) {
      HttpResponse<String> state = get(server, "api/state");
      assertThat(state.headers().firstValue("Content-Type")).hasValue("application/json");
      assertThat(state.body()).isEqualTo("{\"n\":1}");

      HttpResponse<java.io.InputStream> stream = http.send(HttpRequest.newBuilder(URI.create(server.url() + "api/stream")).build(),
          HttpResponse.BodyHandlers.ofInputStream());
      assertThat(stream.headers().firstValue("Content-Type")).hasValue("text/event-stream; charset=utf-8");
      try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
        assertThat(lines.readLine()).isEqualTo("retry: 2000");
        assertThat(lines.readLine()).isEmpty();
        assertThat(lines.readLine()).isEqualTo("data: {\"n\":2}");
        assertThat(lines.readLine()).isEmpty();
        assertThat(lines.readLine()).isEqualTo("data: {\"n\":3}"); // pushed a second later, unasked
      }
    }
  }

  @Test
  void aFailingStateIsAServiceUnavailableNotACrash() throws Exception {
    try (DashboardServer server = DashboardServer.start(DashboardServer.DEFAULT_HOST, 0, () -> {
      throw new IllegalStateException("metrics not started");
    })) {
      HttpResponse<String> state = get(server, "api/state");
      assertThat(state.statusCode()).isEqualTo(503);
      assertThat(state.body()).contains("metrics not started");
    }
  }

  private HttpResponse<String> get(DashboardServer server, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(server.url() + path)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
