package io.vigil.dashboard;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The live dashboard: the page bundled at build time (classpath {@code dashboard/}) plus the
 * state the caller produces, as {@code GET /api/state} (one JSON document) and
 * {@code GET /api/stream} (server-sent events, one {@code data:} line of that JSON per second).
 * The server never parses the state; it only passes the caller's string on.
 */
public final class DashboardServer implements AutoCloseable {

  /** Loopback only unless the caller asks otherwise: the dashboard has no authentication. */
  public static final String DEFAULT_HOST = "127.0.0.1";

  static final long PUSH_INTERVAL_MS = 1000;
  private static final String ASSETS = "dashboard/";
  private static final Map<String, String> TYPES = Map.of(
      "html", "text/html; charset=utf-8",
      "js", "text/javascript; charset=utf-8",
      "css", "text/css; charset=utf-8",
      "svg", "image/svg+xml",
      "png", "image/png",
      "ico", "image/x-icon");

  private final HttpServer server;
  private final ExecutorService threads;
  private final Supplier<String> state;
  private final String host;
  private volatile boolean open = true;

  private DashboardServer(HttpServer server, ExecutorService threads, Supplier<String> state, String host) {
    this.server = server;
    this.threads = threads;
    this.state = state;
    this.host = host;
  }

  /** Serves on {@code host:port} ({@code port} 0 picks a free one); {@code state} is asked on every request and push. */
  public static DashboardServer start(String host, int port, Supplier<String> state) {
    try {
      HttpServer http = HttpServer.create(new InetSocketAddress(host, port), 0);
      // One thread per open stream, so a cached pool: streams must not starve page loads.
      ExecutorService threads = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "vigil-dashboard");
        thread.setDaemon(true);
        return thread;
      });
      DashboardServer dashboard = new DashboardServer(http, threads, state, host);
      http.createContext("/api/state", dashboard::state);
      http.createContext("/api/stream", dashboard::stream);
      http.createContext("/", dashboard::asset);
      http.setExecutor(threads);
      http.start();
      return dashboard;
    } catch (IOException e) {
      throw new UncheckedIOException("dashboard: cannot listen on " + host + ":" + port, e);
    }
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public String url() {
    String name = host.contains(":") ? "[" + host + "]" : host;
    return "http://" + name + ":" + port() + "/";
  }

  @Override
  public void close() {
    open = false;
    server.stop(0);
    threads.shutdownNow();
    try {
      threads.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void state(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!readOnly(exchange)) {
        return;
      }
      String json;
      try {
        json = state.get();
      } catch (RuntimeException e) {
        send(exchange, 503, "text/plain; charset=utf-8", ("state unavailable: " + e).getBytes(StandardCharsets.UTF_8));
        return;
      }
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
      send(exchange, 200, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }
  }

  private void stream(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!readOnly(exchange)) {
        return;
      }
      exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
      exchange.sendResponseHeaders(200, 0);
      OutputStream out = exchange.getResponseBody();
      out.write("retry: 2000\n\n".getBytes(StandardCharsets.UTF_8));
      while (open) {
        String json;
        try {
          json = state.get();
        } catch (RuntimeException e) {
          json = null; // the state is not ready yet: skip this tick, keep the stream
        }
        // A comment line keeps the connection alive when there is nothing to send.
        String event = json == null ? ":\n\n" : "data: " + json.replace("\n", "\ndata: ") + "\n\n";
        out.write(event.getBytes(StandardCharsets.UTF_8));
        out.flush(); // throws once the browser has gone: that ends this stream
        Thread.sleep(PUSH_INTERVAL_MS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // close(): the exchange closes on the way out
    }
  }

  private void asset(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!readOnly(exchange)) {
        return;
      }
      String path = exchange.getRequestURI().getPath();
      String name = path.equals("/") ? "index.html" : path.substring(1);
      if (name.contains("..") || name.contains("//") || name.endsWith("/")) {
        send(exchange, 404, "text/plain; charset=utf-8", "not found\n".getBytes(StandardCharsets.UTF_8));
        return;
      }
      try (InputStream in = DashboardServer.class.getClassLoader().getResourceAsStream(ASSETS + name)) {
        if (in == null) {
          send(exchange, 404, "text/plain; charset=utf-8", "not found\n".getBytes(StandardCharsets.UTF_8));
          return;
        }
        String extension = name.substring(name.lastIndexOf('.') + 1);
        send(exchange, 200, TYPES.getOrDefault(extension, "application/octet-stream"), in.readAllBytes());
      }
    }
  }

  private static boolean readOnly(HttpExchange exchange) throws IOException {
    if (exchange.getRequestMethod().equals("GET")) {
      return true;
    }
    exchange.getResponseHeaders().set("Allow", "GET");
    exchange.sendResponseHeaders(405, -1);
    return false;
  }

  private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, body.length);
    exchange.getResponseBody().write(body);
  }
}
