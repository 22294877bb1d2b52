package io.vigil.pipelines.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.pipelines.kafka.EmbeddedKafka;
import io.vigil.pipelines.replay.LabelPlan;
import io.vigil.pipelines.replay.ReplayCsv;
import io.vigil.schemas.Feedback;
import io.vigil.schemas.SequenceEvent;
import io.vigil.schemas.wire.Decoded;
import io.vigil.schemas.wire.WireCodec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code vigil replay} against a real (embedded) broker: every CSV row arrives once on the events
 * topic in the wire format, each entity's rows in time order under its key; the labels of the
 * rows the plan keeps arrive on the feedback topic with their delay; and the help shows the options.
 */
class ReplayCommandTest {

  static final Path SAMPLE = Path.of("../models/samples/multiscale.csv").toAbsolutePath().normalize();

  @Test
  void replaysACsvAsEventsAndDelayedLabels() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start(List.of("in", "labels"), 2)) {
      StringWriter err = new StringWriter();
      CommandLine cli = Vigil.commandLine();
      cli.setErr(new PrintWriter(err));
      int exit = cli.execute("replay", "--csv", SAMPLE.toString(), "--bootstrap-servers", kafka.bootstrapServers(),
          "--events-topic", "in", "--feedback-topic", "labels", "--label-delay-ms", "600000", "--unlabelled-share", "0.5",
          "--seed", "3");
      assertThat(exit).as(err.toString()).isZero();

      ReplayCsv.Data data = ReplayCsv.read(SAMPLE, null);
      Map<String, ReplayCsv.Row> rows = new HashMap<>();
      data.rows().forEach(r -> rows.put(r.eventId(), r));
      List<ConsumerRecord<byte[], byte[]>> events = readAll(kafka.bootstrapServers(), "in", data.rows().size());
      WireCodec<SequenceEvent> eventCodec = new WireCodec<>(SequenceEvent.getClassSchema());
      Map<String, Integer> nextPerEntity = new HashMap<>();
      for (ConsumerRecord<byte[], byte[]> r : events) {
        Decoded<SequenceEvent> d = eventCodec.decode(r.value());
        assertThat(d.isOk()).as(d.message()).isTrue();
        SequenceEvent e = d.value();
        assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(e.getEntityId());
        int n = nextPerEntity.merge(e.getEntityId(), 1, Integer::sum) - 1;
        assertThat(e.getEventId()).as("entity order kept").isEqualTo(e.getEntityId() + "#" + n);
        ReplayCsv.Row row = rows.get(e.getEventId());
        assertThat(e.getEventTime().toEpochMilli()).isEqualTo(row.timeMillis());
        assertThat(e.getFeatures()).containsExactly(row.features()[0]);
      }
      assertThat(nextPerEntity).hasSize(12);

      LabelPlan plan = new LabelPlan(600000, 0.5, 3);
      long expectedLabels = data.rows().stream().filter(r -> plan.labelled(r.eventId())).count();
      assertThat(expectedLabels).isBetween(1300L, 1580L);
      WireCodec<Feedback> feedbackCodec = new WireCodec<>(Feedback.getClassSchema());
      for (ConsumerRecord<byte[], byte[]> r : readAll(kafka.bootstrapServers(), "labels", (int) expectedLabels)) {
        Feedback f = feedbackCodec.decode(r.value()).value();
        ReplayCsv.Row row = rows.get(f.getEventId());
        assertThat(plan.labelled(f.getEventId())).isTrue();
        assertThat(f.getLabel()).isEqualTo(row.label());
        assertThat(f.getTime().toEpochMilli()).isEqualTo(row.timeMillis() + 600000);
      }
    }
  }

  @Test
  void helpShowsTheReplayOptions() {
    for (String command : List.of("replay", "demo")) {
      String help = Vigil.commandLine().getSubcommands().get(command).getUsageMessage();
      assertThat(help).as(command).contains("--csv", "--features", "--speedup", "--label-delay-ms", "--unlabelled-share",
          "--event-time");
    }
    assertThat(Vigil.commandLine().getSubcommands().get("replay").getUsageMessage())
        .contains("--bootstrap-servers", "--kafka-config", "--rate", "--synthetic");
  }

  /** Every record of a topic; fails after a minute with fewer than {@code expected}, or with more. */
  private static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrap, String topic, int expected) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts = c.partitionsFor(topic).stream().map(i -> new TopicPartition(topic, i.partition())).toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      long deadline = System.currentTimeMillis() + 60_000;
      while (out.size() < expected && System.currentTimeMillis() < deadline) {
        c.poll(Duration.ofMillis(200)).forEach(out::add);
      }
      c.poll(Duration.ofMillis(500)).forEach(out::add);
    }
    assertThat(out).as(topic + " records").hasSize(expected);
    return out;
  }
}
