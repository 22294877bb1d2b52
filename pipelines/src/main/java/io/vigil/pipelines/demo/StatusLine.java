package io.vigil.pipelines.demo;

import io.vigil.pipelines.replay.EventProducer;
import java.io.PrintStream;
import java.util.Locale;

/** The live one-line status: what went in, what came out, how fast. */
final class StatusLine {

  private final PrintStream out;
  private final EventProducer producer;
  private final OutputMonitor monitor;
  private final DemoView view;
  private final long start;
  private long lastTime;
  private long lastProcessed;

  StatusLine(PrintStream out, EventProducer producer, OutputMonitor monitor, DemoView view, long start) {
    this.out = out;
    this.producer = producer;
    this.monitor = monitor;
    this.view = view;
    this.start = start;
    this.lastTime = start;
  }

  void print(String note) {
    long now = System.nanoTime();
    long processed = monitor.scored.get() + monitor.dead.get();
    double rate = (processed - lastProcessed) / Math.max(1e-9, (now - lastTime) / 1e9);
    lastTime = now;
    lastProcessed = processed;
    out.printf(Locale.ROOT, "[%5.1fs] events=%d scored=%d dead_letters=%d events/s=%.0f p99_ms=%.0f keys=%d alerts_open=%d labelled=%d%s%s%n",
        (now - start) / 1e9, producer.sent.get(), monitor.scored.get(), monitor.dead.get(), rate,
        monitor.latency.percentile(0.99), monitor.keys(), monitor.alertsOpen.get(), monitor.labelledScores.get(),
        view.qualityKeyValues(), note.isEmpty() ? "" : "  (" + note + ")");
  }
}
