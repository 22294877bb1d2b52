package io.vigil.pipelines.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One child JVM of the local cluster, known by its own {@link Process} handle (never by name):
 * stdout and stderr go to {@code <name>.out} beside its log file. {@link #kill()} is a real
 * {@code kill -9}; {@link #stop(Duration)} asks politely first.
 */
public final class JvmProcess implements AutoCloseable {

  private static final Duration STOP_GRACE = Duration.ofSeconds(30);

  private final String name;
  private final Process process;
  private final Path log;

  private JvmProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /**
   * Starts {@code java jvmArgs -cp classpath mainClass args}. {@code environment} is added to the
   * child's environment: a way to hand over secrets that no command line (visible in ps) may hold.
   */
  static JvmProcess start(String name, String classpath, List<String> jvmArgs, String mainClass, List<String> args,
      Path logDir, Map<String, String> environment) throws IOException {
    Files.createDirectories(logDir);
    Path log = logDir.resolve(name + ".log");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmArgs);
    command.add("-Dlog.file=" + log);
    command.add("-cp");
    command.add(classpath);
    command.add(mainClass);
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logDir.resolve(name + ".out").toFile()));
    builder.environment().putAll(environment);
    return new JvmProcess(name, builder.start(), log);
  }

  public String name() {
    return name;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** The process's log4j file ({@code -Dlog.file}). */
  public Path log() {
    return log;
  }

  /** Resident set size from {@code /proc/<pid>/status} (VmRSS), in bytes; -1 when not readable. */
  public long rssBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }

  /** Used heap right after a full collection ({@code jcmd GC.run}, then {@code GC.heap_info}); -1 if jcmd fails. */
  public long heapAfterGcBytes() {
    if (jcmd("GC.run") == null) {
      return -1;
    }
    String info = jcmd("GC.heap_info");
    if (info == null) {
      return -1;
    }
    long used = 0;
    // One line per heap space ("def new generation total 4928K, used 1241K", "garbage-first heap ..."); not Metaspace.
    Matcher m = Pattern.compile("(?m)^\\s*\\S.*(?:generation|heap)\\s+total \\d+K, used (\\d+)K").matcher(info);
    while (m.find()) {
      used += Long.parseLong(m.group(1)) * 1024;
    }
    return used;
  }

  /**
   * Memory the JVM itself accounts for (Native Memory Tracking's committed total: heap, metaspace,
   * threads, code, GC, direct buffers...); -1 unless started with {@code -XX:NativeMemoryTracking=summary}.
   * RSS minus this is memory allocated outside the JVM's view, such as ONNX Runtime's.
   */
  public long jvmCommittedBytes() {
    String nmt = jcmd("VM.native_memory", "summary");
    Matcher m = nmt == null ? null : Pattern.compile("Total: reserved=\\d+KB, committed=(\\d+)KB").matcher(nmt);
    return m != null && m.find() ? Long.parseLong(m.group(1)) * 1024 : -1;
  }

  private String jcmd(String... command) {
    List<String> args = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
        Long.toString(pid())));
    args.addAll(List.of(command));
    try {
      Process p = new ProcessBuilder(args).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** {@code kill -9}: no shutdown hook, no cleanup, as a crashed machine would. Waits until it is gone. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /** SIGTERM, then {@code kill -9} if it has not exited within {@code grace}. */
  public void stop(Duration grace) throws InterruptedException {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
      kill();
    }
  }

  @Override
  public void close() throws InterruptedException {
    stop(STOP_GRACE);
  }

  @Override
  public String toString() {
    return name + "(pid " + pid() + ")";
  }
}
