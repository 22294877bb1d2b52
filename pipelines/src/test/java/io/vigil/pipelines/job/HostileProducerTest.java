package io.vigil.pipelines.job;

import static io.vigil.pipelines.job.ScoringJobIntegrationTest.MODELS;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.operators.ingest.IngestLimits;
import io.vigil.operators.onnx.ExecutionOptions;
import io.vigil.operators.scoring.BatchingOptions;
import io.vigil.pipelines.kafka.EmbeddedKafka;
import io.vigil.schemas.DeadLetter;
import io.vigil.schemas.DeadLetterReason;
import io.vigil.schemas.Feedback;
import io.vigil.schemas.Score;
import io.vigil.schemas.SequenceEvent;
import io.vigil.schemas.wire.Decoded;
import io.vigil.schemas.wire.WireCodec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.avro.io.EncoderFactory;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hostile producer on the real broker and a MiniCluster in a JVM with a capped heap (the
 * {@code small-heap} surefire execution, pipelines/pom.xml): every class of bad record a producer
 * can write, interleaved with good events of 120 keys. Every good event is scored exactly as its
 * key alone would be, every bad one is a dead letter with its reason, no dead letter is larger
 * than its topic allows, and the job never restarts.
 */
@Tag("small-heap")
class HostileProducerTest {

  /** The events topic accepts records up to 2 MiB, so the broker takes what Vigil must refuse (1 MiB). */
  static final int TOPIC_MAX_MESSAGE_BYTES = 2 << 20;
  static final Duration WAIT = Duration.ofSeconds(60);

  final WireCodec<SequenceEvent> events = new WireCodec<>(SequenceEvent.getClassSchema());
  final WireCodec<Feedback> labels = new WireCodec<>(Feedback.getClassSchema());

  @TempDir
  Path work;

  /** One bad record: what it is, its bytes, the reason it must be dead-lettered with. */
  record Bad(String name, byte[] value, DeadLetterReason reason) {}

  /** Where a record landed, to find its dead letter. */
  record Where(String topic, int partition, long offset) {}

  /** An event of {@code entity}; its event id is short even when the entity id is huge. */
  SequenceEvent template(String entity, long time, float... features) {
    List<Float> f = new ArrayList<>();
    for (float v : features) {
      f.add(v);
    }
    String eventId = entity.length() > 100 ? "long-entity#" + entity.length() : entity + "#0";
    return new SequenceEvent(entity, eventId, Instant.ofEpochMilli(time), f);
  }

  static float[] eight(float v) {
    float[] f = new float[8];
    Arrays.fill(f, v);
    return f;
  }

  static float[] withOne(float v) {
    float[] f = eight(0.5f);
    f[3] = v;
    return f;
  }

  /** Avro's zig-zag varint of {@code v}, as its own encoder writes a long or a length. */
  static byte[] varint(long v) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      EncoderFactory.get().directBinaryEncoder(out, null).writeLong(v);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  List<Bad> badEvents(long now) {
    byte[] valid = events.encode(template("bad", now, eight(0.5f)));
    byte[] header = Arrays.copyOf(valid, 10);
    byte[] wrongMagic = valid.clone();
    wrongMagic[0] = 0x4f;
    byte[] unknownFingerprint = valid.clone();
    unknownFingerprint[5] ^= 0x55;
    byte[] idsAndTime = concat(varint(1), "a".getBytes(), varint(1), "b".getBytes(), varint(now));
    String megabyte = "m".repeat(1_000_000);
    String nearTopicMax = "n".repeat(TOPIC_MAX_MESSAGE_BYTES - 4096);
    long yearAhead = now + Duration.ofDays(365).toMillis();
    return List.of(
        new Bad("empty value", new byte[0], DeadLetterReason.MALFORMED),
        new Bad("null value (tombstone)", null, DeadLetterReason.MALFORMED),
        new Bad("1 byte", new byte[] {(byte) 0xC3}, DeadLetterReason.MALFORMED),
        new Bad("wrong magic", wrongMagic, DeadLetterReason.MALFORMED),
        new Bad("unknown fingerprint", unknownFingerprint, DeadLetterReason.UNKNOWN_SCHEMA),
        new Bad("another record type (Feedback)", labels.encode(new Feedback("x", true, Instant.ofEpochMilli(now), null)),
            DeadLetterReason.UNKNOWN_SCHEMA),
        new Bad("truncated body", Arrays.copyOf(valid, valid.length - 5), DeadLetterReason.MALFORMED),
        new Bad("string length prefix claiming 2 GB (15 bytes)", concat(header, varint(2_000_000_000L)),
            DeadLetterReason.MALFORMED),
        new Bad("array length prefix claiming 2^31 items", concat(header, idsAndTime, varint(1L << 31)),
            DeadLetterReason.MALFORMED),
        new Bad("negative array block claiming 2^31 items and 8 GB", concat(header, idsAndTime, varint(-(1L << 31)),
            varint(1L << 33)), DeadLetterReason.MALFORMED),
        new Bad("trailing garbage", concat(valid, "garbage".getBytes()), DeadLetterReason.MALFORMED),
        new Bad("text, not Avro", "{\"entityId\": \"json\"}".getBytes(StandardCharsets.UTF_8), DeadLetterReason.MALFORMED),
        new Bad("wrong feature count", events.encode(template("few", now, 1f, 2f)), DeadLetterReason.WRONG_FEATURE_COUNT),
        new Bad("NaN feature", events.encode(template("nan", now, withOne(Float.NaN))), DeadLetterReason.NON_FINITE_FEATURE),
        new Bad("+Inf feature", events.encode(template("inf", now, withOne(Float.POSITIVE_INFINITY))),
            DeadLetterReason.NON_FINITE_FEATURE),
        new Bad("-Inf feature", events.encode(template("-inf", now, withOne(Float.NEGATIVE_INFINITY))),
            DeadLetterReason.NON_FINITE_FEATURE),
        new Bad("event time 0", events.encode(template("t0", 0, eight(0.5f))), DeadLetterReason.EVENT_TIME_OUT_OF_RANGE),
        new Bad("event time Long.MAX_VALUE", events.encode(template("tmax", Long.MAX_VALUE, eight(0.5f))),
            DeadLetterReason.EVENT_TIME_OUT_OF_RANGE),
        new Bad("event time Long.MIN_VALUE", events.encode(template("tmin", Long.MIN_VALUE, eight(0.5f))),
            DeadLetterReason.EVENT_TIME_OUT_OF_RANGE),
        new Bad("event time a year ahead", events.encode(template("tyear", yearAhead, eight(0.5f))),
            DeadLetterReason.EVENT_TIME_OUT_OF_RANGE),
        new Bad("empty entity id", events.encode(template("", now, eight(0.5f))), DeadLetterReason.BAD_ID),
        new Bad("empty event id", events.encode(SequenceEvent.newBuilder(template("noid", now, eight(0.5f))).setEventId("")
            .build()), DeadLetterReason.BAD_ID),
        new Bad("1 MB entity id", events.encode(template(megabyte, now, eight(0.5f))), DeadLetterReason.BAD_ID),
        new Bad("record close to the topic's max message size", events.encode(template(nearTopicMax, now, eight(0.5f))),
            DeadLetterReason.RECORD_TOO_LARGE));
  }

  List<Bad> badLabels(long now) {
    byte[] header = Arrays.copyOf(labels.encode(new Feedback("x", true, Instant.ofEpochMilli(now), null)), 10);
    return List.of(
        new Bad("label: garbage", "not a label".getBytes(StandardCharsets.UTF_8), DeadLetterReason.MALFORMED),
        new Bad("label: string length prefix claiming 2 GB", concat(header, varint(2_000_000_000L)),
            DeadLetterReason.MALFORMED),
        new Bad("label: empty event id", labels.encode(new Feedback("", true, Instant.ofEpochMilli(now), null)),
            DeadLetterReason.BAD_ID),
        new Bad("label: 1 MB event id", labels.encode(new Feedback("l".repeat(1_000_000), true, Instant.ofEpochMilli(now), null)),
            DeadLetterReason.BAD_ID),
        new Bad("label: time Long.MAX_VALUE", labels.encode(new Feedback("e", true, Instant.ofEpochMilli(Long.MAX_VALUE), null)),
            DeadLetterReason.EVENT_TIME_OUT_OF_RANGE),
        new Bad("label: an event instead of a label", events.encode(template("e", now, eight(0.5f))),
            DeadLetterReason.UNKNOWN_SCHEMA));
  }

  @Test
  void noRecordAProducerCanWriteStopsTheJobOrIsLost() throws Exception {
    assertThat(Runtime.getRuntime().maxMemory()).as("run in the small-heap surefire execution").isLessThan(1L << 30);
    try (EmbeddedKafka kafka = EmbeddedKafka.start(List.of(), 2)) {
      KafkaSettings k = KafkaSettings.prefixed(kafka.bootstrapServers(), "hostile-events", "hostile-feedback", "hostile");
      kafka.createTopics(k.topics().all(), 2);
      raiseMaxMessageBytes(kafka.bootstrapServers(), k.topics().events(), k.topics().feedback());

      long now = System.currentTimeMillis();
      List<SequenceEvent> good = ScoringJobIntegrationTest.synthetic(3, 21);
      SequenceEvent hugeFeatures = template("huge-features", now, eight(1e38f));
      List<Bad> bad = badEvents(now);
      List<Bad> badLabels = badLabels(now);
      assertThat(bad.size() + badLabels.size()).isGreaterThanOrEqualTo(15);

      // Interleave: a bad record after every few good ones, the 1e38 event in the middle.
      List<Object> order = new ArrayList<>(good);
      int every = good.size() / (bad.size() + 1);
      for (int i = bad.size() - 1; i >= 0; i--) {
        order.add((i + 1) * every, bad.get(i));
      }
      order.add(order.size() / 2, hugeFeatures);
      List<Where> eventsAt = produce(kafka.bootstrapServers(), k.topics().events(), order);
      List<Object> labelOrder = new ArrayList<>(badLabels);
      List<Where> labelsAt = produce(kafka.bootstrapServers(), k.topics().feedback(), labelOrder);
      Map<Where, Bad> expected = new HashMap<>();
      for (int i = 0; i < order.size(); i++) {
        if (order.get(i) instanceof Bad b) {
          expected.put(eventsAt.get(i), b);
        }
      }
      for (int i = 0; i < labelOrder.size(); i++) {
        expected.put(labelsAt.get(i), badLabels.get(i));
      }

      int webPort = freePort();
      StreamExecutionEnvironment env = FlinkEnvironments.local(new RuntimeSettings(2, Duration.ofMillis(500),
          work.resolve("checkpoints").toUri().toString(), null, webPort, 0));
      ScoringSettings scoring = new ScoringSettings(MODELS, ExecutionOptions.cpu(), new BatchingOptions(64, 5),
          Duration.ofSeconds(2)).withIngest(IngestLimits.defaults());
      KafkaScoringJob.attach(env, k, scoring, QualitySettings.defaults());
      JobClient job = env.executeAsync("hostile-producer");
      try {
        KafkaTopics topics = new KafkaTopics(kafka.bootstrapServers());
        WireCodec<DeadLetter> deadCodec = new WireCodec<>(DeadLetter.getClassSchema());
        List<Score> scores = topics.readCommitted(k.topics().scores(), new WireCodec<>(Score.getClassSchema()),
            good.size(), WAIT);
        List<DeadLetter> dead = topics.readCommitted(k.topics().deadLetters(), deadCodec, expected.size(), WAIT);
        assertThat(job.getJobStatus().get(10, TimeUnit.SECONDS)).isEqualTo(JobStatus.RUNNING);
        assertThat(numRestarts(webPort, job)).as("numRestarts").isZero();

        // 1e38 is finite: a good event for the decoder. Scored, or dead-lettered by the scorer's
        // model-output guard (its dead letter holds the event itself, not a source offset), never lost.
        boolean hugeScored = scores.stream().anyMatch(s -> s.getEventId().equals(hugeFeatures.getEventId()));
        boolean hugeDead = dead.stream().anyMatch(d -> rejectedByScorer(d, hugeFeatures));
        assertThat(hugeScored || hugeDead).as("the 1e38 event is scored or dead-lettered").isTrue();
        ScoringJobIntegrationTest.assertScoresMatch(
            scores.stream().filter(s -> !s.getEventId().equals(hugeFeatures.getEventId())).toList(), good);

        Map<String, DeadLetterReason> got = new HashMap<>();
        for (DeadLetter d : dead) {
          if (rejectedByScorer(d, hugeFeatures)) {
            continue;
          }
          Bad b = expected.get(where(d));
          assertThat(b).as("dead letter of a good event: " + d).isNotNull();
          assertThat(got.put(b.name(), d.getReason())).as("one dead letter for " + b.name()).isNull();
          int size = b.value() == null ? 0 : b.value().length;
          assertThat(d.getRawSize()).as(b.name()).isEqualTo(size);
          assertThat(d.getTruncated()).as(b.name()).isEqualTo(size > IngestLimits.defaults().deadLetterMaxBytes());
          byte[] kept = new byte[d.getRaw().remaining()];
          d.getRaw().duplicate().get(kept);
          assertThat(kept).as(b.name()).isEqualTo(Arrays.copyOf(b.value() == null ? new byte[0] : b.value(), kept.length));
          assertThat(deadCodec.encode(d).length).as("dead letter of " + b.name() + " fits its topic")
              .isLessThanOrEqualTo(IngestLimits.defaults().deadLetterMaxBytes() + 2048);
        }
        Map<String, DeadLetterReason> want = new HashMap<>();
        expected.values().forEach(b -> want.put(b.name(), b.reason()));
        assertThat(got).isEqualTo(want);
        System.out.println("hostile producer: " + want.size() + " bad records, each dead-lettered with its reason; "
            + good.size() + " good events of " + good.stream().map(SequenceEvent::getEntityId).distinct().count()
            + " keys scored as the reference; 1e38 event " + (hugeScored ? "scored" : "dead-lettered") + "; restarts 0; heap "
            + (Runtime.getRuntime().maxMemory() >> 20) + " MiB");
      } finally {
        job.cancel().get(30, TimeUnit.SECONDS);
      }
    }
  }

  /** A dead letter of the scoring stage (NaN/Inf model output) for {@code event}. */
  private boolean rejectedByScorer(DeadLetter d, SequenceEvent event) {
    if (d.getReason() != DeadLetterReason.NON_FINITE_OUTPUT || d.getSourceOffset() != -1) {
      return false;
    }
    byte[] raw = new byte[d.getRaw().remaining()];
    d.getRaw().duplicate().get(raw);
    Decoded<SequenceEvent> held = events.decode(raw);
    return held.isOk() && held.value().getEventId().equals(event.getEventId());
  }

  private static Where where(DeadLetter d) {
    return new Where(d.getSourceTopic(), d.getSourcePartition(), d.getSourceOffset());
  }

  /** Writes events (keyed by entity) and bad records (keyed apart) in order; returns where each landed. */
  private List<Where> produce(String bootstrap, String topic, List<Object> records) throws Exception {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("acks", "all");
    p.put("max.in.flight.requests.per.connection", "1");
    p.put("max.request.size", Integer.toString(TOPIC_MAX_MESSAGE_BYTES + 4096));
    List<Where> out = new ArrayList<>();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      List<java.util.concurrent.Future<RecordMetadata>> sent = new ArrayList<>();
      for (int i = 0; i < records.size(); i++) {
        Object r = records.get(i);
        byte[] key = (r instanceof SequenceEvent e ? e.getEntityId() : "bad-" + i).getBytes(StandardCharsets.UTF_8);
        byte[] value = r instanceof SequenceEvent e ? events.encode(e) : ((Bad) r).value();
        sent.add(producer.send(new ProducerRecord<>(topic, key, value)));
      }
      producer.flush();
      for (java.util.concurrent.Future<RecordMetadata> f : sent) {
        RecordMetadata m = f.get();
        out.add(new Where(topic, m.partition(), m.offset()));
      }
    }
    return out;
  }

  private static void raiseMaxMessageBytes(String bootstrap, String... topics) throws Exception {
    Map<ConfigResource, java.util.Collection<AlterConfigOp>> changes = new HashMap<>();
    for (String topic : topics) {
      changes.put(new ConfigResource(ConfigResource.Type.TOPIC, topic), List.of(new AlterConfigOp(
          new ConfigEntry("max.message.bytes", Integer.toString(TOPIC_MAX_MESSAGE_BYTES)), AlterConfigOp.OpType.SET)));
    }
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      admin.incrementalAlterConfigs(changes).all().get(30, TimeUnit.SECONDS);
    }
  }

  /** Flink's job metric {@code numRestarts}, from the MiniCluster's REST API (its metric fetcher may need a moment). */
  static long numRestarts(int port, JobClient job) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    URI uri = URI.create("http://127.0.0.1:" + port + "/jobs/" + job.getJobID() + "/metrics?get=numRestarts");
    long deadline = System.currentTimeMillis() + 30_000;
    while (true) {
      String body = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body();
      JsonNode metrics = new ObjectMapper().readTree(body);
      if (metrics.isArray() && !metrics.isEmpty()) {
        return metrics.get(0).get("value").asLong();
      }
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("no numRestarts metric from " + uri + ": " + body);
      }
      Thread.sleep(500);
    }
  }

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
