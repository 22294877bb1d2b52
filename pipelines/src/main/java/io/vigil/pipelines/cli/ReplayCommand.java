package io.vigil.pipelines.cli;

import io.vigil.pipelines.replay.EventFeed;
import io.vigil.pipelines.replay.EventProducer;
import io.vigil.pipelines.replay.EventTime;
import io.vigil.pipelines.replay.Pacing;
import io.vigil.pipelines.replay.ReplayCsv;
import io.vigil.pipelines.replay.ReplaySettings;
import io.vigil.pipelines.replay.SyntheticFeed;
import io.vigil.pipelines.synthetic.SyntheticStream;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vigil replay}: a CSV (or the generator) into Kafka, as events and delayed labels in Vigil's wire format. */
@Command(name = "replay", mixinStandardHelpOptions = true,
    description = {
        "Stream a CSV (or the synthetic generator) into Kafka.",
        "Produce every row of --csv to the events topic in Vigil's wire format (Avro SequenceEvent, keyed by",
        "entity_id, each entity's rows in time order) and, when the CSV has a label column, each label to the",
        "feedback topic --label-delay-ms of event time later (a --unlabelled-share never). Paced at --rate,",
        "by the CSV's own time (--speedup), or as fast as possible. Works against any Kafka (security",
        "settings in --kafka-config) and against the broker `vigil demo` prints. Prints a progress line",
        "every few seconds and, at the end, what was sent; exit 1 if Kafka refused any record."})
final class ReplayCommand implements Callable<Integer> {

  @Mixin
  KafkaClientOptions kafka;

  @Mixin
  ReplayOptions replay;

  @Option(names = "--synthetic", description = "Stream the synthetic generator (endless, until Ctrl-C) instead of a CSV.")
  boolean synthetic;

  @Option(names = "--entities", defaultValue = "1000", description = "With --synthetic: number of entities (default: ${DEFAULT-VALUE}).")
  int entities;

  @Option(names = "--rate", defaultValue = "0", description = "Events per second; 0 = as fast as possible (default: ${DEFAULT-VALUE}).")
  double rate;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of the unlabelled share and of the generator (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--events-topic", defaultValue = "events", description = "Events topic (default: ${DEFAULT-VALUE}).")
  String eventsTopic;

  @Option(names = "--feedback-topic", defaultValue = "feedback", description = "Labels topic (default: ${DEFAULT-VALUE}).")
  String feedbackTopic;

  @Option(names = "--status-every-ms", defaultValue = "5000", description = "Progress line interval (default: ${DEFAULT-VALUE}).")
  long statusEveryMs;

  @Override
  public Integer call() throws Exception {
    if (synthetic == (replay.csv != null)) {
      throw new IllegalArgumentException("give either --csv FILE or --synthetic");
    }
    ReplaySettings settings = replay.settings(rate, seed, EventTime.CSV);
    PrintStream out = System.out;
    EventProducer producer = synthetic ? syntheticProducer(settings.pacing()) : csvProducer(settings, out);
    Thread producing = new Thread(producer, "vigil-replay");
    Thread hook = new Thread(() -> {
      producer.stop();
      joinQuietly(producing);
    });
    Runtime.getRuntime().addShutdownHook(hook);
    long start = System.nanoTime();
    producing.start();
    while (producing.isAlive()) {
      producing.join(statusEveryMs);
      if (producing.isAlive()) {
        progress(out, producer, start, "");
      }
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // Ctrl-C: the hook has stopped the producer; report what was sent.
    }
    progress(out, producer, start, "done");
    if (producer.failed.get() > 0) {
      System.err.println("vigil replay: Kafka refused " + producer.failed.get() + " records; the first: " + producer.firstFailure());
      return 1;
    }
    return 0;
  }

  private EventProducer csvProducer(ReplaySettings settings, PrintStream out) {
    ReplayCsv.Data data = ReplayCsv.read(settings.csv(), settings.features());
    out.printf("vigil replay: %s: %d rows, %d entities, features %s, %s -> %s%s at %s, paced %s, event time %s%n",
        data.path(), data.rows().size(), data.entities(), data.featureNames(),
        data.labelled() ? "labels after " + settings.labels().delayMillis() + " ms" : "no labels",
        eventsTopic, data.labelled() ? " + " + feedbackTopic : "", kafka.bootstrapServers, settings.pacing(),
        settings.eventTime().name().toLowerCase(Locale.ROOT));
    return new EventProducer(client(), eventsTopic, feedbackTopic, data.feed(), null, settings.pacing(),
        settings.eventTime(), settings.labels());
  }

  /** The generator on the wall clock, with its own late labels (as in the demo, without bad records). */
  private EventProducer syntheticProducer(Pacing pacing) {
    long step = rate > 0 ? Math.max(1, Math.round(entities * 1000 / rate)) : 1000;
    EventFeed feed = new SyntheticFeed(new SyntheticStream(SyntheticStream.Settings.defaults()
        .withEntities(entities).withSeed(seed).withClock(System.currentTimeMillis(), step)));
    System.out.printf("vigil replay: synthetic generator, %d entities -> %s + %s at %s, paced %s%n", entities, eventsTopic,
        feedbackTopic, kafka.bootstrapServers, pacing);
    return new EventProducer(client(), eventsTopic, feedbackTopic, feed, null, pacing, EventTime.CSV, null);
  }

  private Properties client() {
    Properties p = new Properties();
    p.putAll(kafka.clientProperties());
    p.put("bootstrap.servers", kafka.bootstrapServers);
    return p;
  }

  private static void progress(PrintStream out, EventProducer producer, long start, String note) {
    double seconds = (System.nanoTime() - start) / 1e9;
    out.printf(Locale.ROOT, "[%5.1fs] events=%d labels=%d events/s=%.0f failed=%d%s%n", seconds, producer.sent.get(),
        producer.labelsSent.get(), producer.sent.get() / Math.max(seconds, 1e-9), producer.failed.get(),
        note.isEmpty() ? "" : "  (" + note + ")");
  }

  private static void joinQuietly(Thread t) {
    try {
      t.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
