package io.vigil.pipelines.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.operators.onnx.ExecutionOptions;
import io.vigil.operators.onnx.ModelRef;
import io.vigil.operators.scoring.BatchingOptions;
import io.vigil.operators.scoring.PerKeyReference;
import io.vigil.pipelines.demo.EmbeddedDemo;
import io.vigil.pipelines.job.OutputDelivery;
import io.vigil.pipelines.job.QualitySettings;
import io.vigil.pipelines.job.RuntimeSettings;
import io.vigil.pipelines.job.ScoringSettings;
import io.vigil.schemas.MetricScope;
import io.vigil.schemas.MetricSnapshot;
import io.vigil.schemas.ModelScore;
import io.vigil.schemas.Score;
import io.vigil.schemas.SequenceEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.io.DecoderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user's own data end to end: a small CSV in the shape of real monitoring series (ISO-8601
 * times, one feature, entities on scales 1 and 1000, anomaly labels) is trained on in quick mode
 * by models/train.py, then streamed through the whole demo (broker, job, labels after a delay, a
 * quarter never labelled). Every streamed score equals offline per-key inference of the same
 * models on the same rows, and each model's last cumulative metrics equal scikit-learn's on the
 * labelled rows that were streamed.
 */
class OwnDataEndToEndTest {

  static final String PYTHON = "/usr/bin/python3";
  static final Path SAMPLE = Path.of("../models/samples/multiscale.csv").toAbsolutePath().normalize();
  static final List<String> MODELS = List.of("recurrent", "autoencoder");

  @TempDir
  Path work;

  @Test
  void trainedOnACsvThenStreamedScoresAndMetricsEqualOffline() throws Exception {
    Path models = work.resolve("models");
    run(PYTHON, "../models/train.py", "--quick", "--data", SAMPLE.toString(), "--out", models.toString(),
        "--families", String.join(",", MODELS), "--cells", "gru");
    List<ModelRef> refs = MODELS.stream().map(m -> ModelRef.of(models.resolve(m + ".onnx").toString())).toList();

    Path out = work.resolve("out");
    LabelPlan labels = new LabelPlan(2000, 0.25, 5);
    ReplaySettings csv = new ReplaySettings(SAMPLE, null, Pacing.asFastAsPossible(), EventTime.SEND, labels);
    EmbeddedDemo.DemoSettings demo = new EmbeddedDemo.DemoSettings(0, 1, 0, 0, 5, 2000, out, 0);
    ScoringSettings scoring = new ScoringSettings(refs, ExecutionOptions.cpu(), new BatchingOptions(64, 5), Duration.ofSeconds(2));
    QualitySettings quality = new QualitySettings(Duration.ofSeconds(60), Duration.ofSeconds(20), Duration.ofSeconds(2),
        Duration.ofSeconds(5));
    RuntimeSettings runtime = new RuntimeSettings(2, Duration.ofSeconds(2), work.resolve("chk").toUri().toString(), null, 0, 0);
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    int exit = new EmbeddedDemo(demo, scoring, quality, runtime, work.resolve("demo"), csv, OutputDelivery.defaults())
        .run(new PrintStream(console, true, StandardCharsets.UTF_8));
    String printed = console.toString(StandardCharsets.UTF_8);
    assertThat(exit).as(printed).isZero();
    assertThat(printed).contains("Replaying " + SAMPLE + ": 2880 rows, 12 entities, features [value]")
        .contains("SUMMARY events=2880 scored=2880 dead_letters=0 keys=12 ");

    ReplayCsv.Data data = ReplayCsv.read(SAMPLE, List.of("value"));
    List<SequenceEvent> events = data.rows().stream().map(r -> new SequenceEvent(r.entityId(), r.eventId(),
        Instant.ofEpochMilli(r.timeMillis()), List.of(r.features()[0]))).toList();
    Map<String, float[]> expected = PerKeyReference.scores(refs, events);
    Map<String, Score> streamed = new HashMap<>();
    for (Score s : read(out.resolve("scores.jsonl"), Score.getClassSchema(), Score.class)) {
      assertThat(streamed.put(s.getEventId(), s)).as("scored once: " + s.getEventId()).isNull();
    }
    assertThat(streamed.keySet()).isEqualTo(expected.keySet());
    for (Map.Entry<String, Score> e : streamed.entrySet()) {
      float[] want = expected.get(e.getKey());
      for (int m = 0; m < MODELS.size(); m++) {
        ModelScore got = e.getValue().getScores().get(m);
        assertThat(got.getModel()).isEqualTo(MODELS.get(m));
        if (Float.isNaN(want[m])) {
          assertThat(got.getScore()).as(e.getKey() + " " + got.getModel() + ": no window yet").isNull();
        } else {
          assertThat(got.getScore()).as(e.getKey() + " " + got.getModel()).isCloseTo(want[m], within(1e-5f * Math.max(1, Math.abs(want[m]))));
        }
      }
    }

    Map<String, MetricSnapshot> last = new HashMap<>();
    for (MetricSnapshot m : read(out.resolve("metrics.jsonl"), MetricSnapshot.getClassSchema(), MetricSnapshot.class)) {
      if (m.getScope() == MetricScope.CUMULATIVE) {
        last.put(m.getModel(), m);
      }
    }
    long labelledRows = data.rows().stream().filter(r -> labels.labelled(r.eventId())).count();
    assertThat(labelledRows).isBetween(2000L, 2300L);
    for (int m = 0; m < MODELS.size(); m++) {
      StringBuilder pairs = new StringBuilder();
      for (ReplayCsv.Row r : data.rows()) {
        float score = expected.get(r.eventId())[m];
        if (labels.labelled(r.eventId()) && !Float.isNaN(score)) {
          pairs.append(score).append(',').append(r.label() ? 1 : 0).append('\n');
        }
      }
      MetricSnapshot got = last.get(MODELS.get(m));
      assertThat(got).as("a cumulative snapshot of " + MODELS.get(m)).isNotNull();
      JsonNode want = sklearnMetrics(pairs.toString(), got.getThreshold());
      String what = MODELS.get(m) + " cumulative metrics vs scikit-learn";
      assertThat(new long[] {got.getPositives(), got.getNegatives(), got.getTruePositives(), got.getFalsePositives(),
          got.getTrueNegatives(), got.getFalseNegatives()}).as(what).containsExactly(want.get("p").asLong(),
          want.get("n").asLong(), want.get("tp").asLong(), want.get("fp").asLong(), want.get("tn").asLong(), want.get("fn").asLong());
      assertThat(got.getPrecision()).as(what).isCloseTo(want.get("precision").asDouble(), within(1e-9));
      assertThat(got.getRecall()).as(what).isCloseTo(want.get("recall").asDouble(), within(1e-9));
      assertThat(got.getF1()).as(what).isCloseTo(want.get("f1").asDouble(), within(1e-9));
      assertThat(got.getRocAuc()).as(what).isCloseTo(want.get("roc_auc").asDouble(), within(1e-9));
      assertThat(got.getPrAuc()).as(what).isCloseTo(want.get("pr_auc").asDouble(), within(1e-9));
    }
  }

  @Test
  void trainingWhenValidationWouldHaveNoAnomalyPrintsANoteNotATraceback() throws Exception {
    // Only one entity keeps its labels: the validation side cannot have an anomalous row.
    Path csv = work.resolve("one-anomalous-entity.csv");
    List<String> lines = new ArrayList<>(Files.readAllLines(SAMPLE));
    for (int i = 1; i < lines.size(); i++) {
      if (!lines.get(i).startsWith("cpu-01,")) {
        lines.set(i, lines.get(i).substring(0, lines.get(i).lastIndexOf(',')) + ",0");
      }
    }
    Files.write(csv, lines);
    String log = run(PYTHON, "../models/train.py", "--quick", "--data", csv.toString(), "--out", work.resolve("m").toString(),
        "--families", "recurrent,autoencoder", "--cells", "gru");
    assertThat(log).doesNotContain("Traceback").contains("note: the validation split (2 entities) has no anomalous (label=1) row");
    assertThat(work.resolve("m/recurrent.onnx")).exists();
    assertThat(work.resolve("m/autoencoder.onnx")).exists();
  }

  /** Confusion counts at the threshold (score >= threshold), precision, recall, F1, ROC-AUC and AP by scikit-learn. */
  private JsonNode sklearnMetrics(String pairs, float threshold) throws Exception {
    Path file = work.resolve("pairs.csv");
    Files.writeString(file, pairs);
    String script = String.join("\n",
        "import json, sys, numpy as np",
        "from sklearn.metrics import average_precision_score, roc_auc_score",
        "d = np.loadtxt(sys.argv[1], delimiter=',', ndmin=2)",
        "s, y = d[:, 0].astype(np.float32), d[:, 1].astype(int)",
        "pred = s >= np.float32(sys.argv[2])",
        "tp, fp = int((pred & (y == 1)).sum()), int((pred & (y == 0)).sum())",
        "fn, tn = int((~pred & (y == 1)).sum()), int((~pred & (y == 0)).sum())",
        "print(json.dumps({'p': tp + fn, 'n': tn + fp, 'tp': tp, 'fp': fp, 'tn': tn, 'fn': fn,",
        "  'precision': tp / (tp + fp) if tp + fp else 0.0, 'recall': tp / (tp + fn) if tp + fn else 0.0,",
        "  'f1': 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0,",
        "  'roc_auc': roc_auc_score(y, s), 'pr_auc': average_precision_score(y, s)}))");
    String output = run(PYTHON, "-c", script, file.toString(), Float.toString(threshold));
    return new ObjectMapper().readTree(output.lines().reduce((a, b) -> b).orElseThrow());
  }

  private static <T> List<T> read(Path jsonl, Schema schema, Class<T> type) throws IOException {
    SpecificDatumReader<T> reader = new SpecificDatumReader<>(type);
    List<T> records = new ArrayList<>();
    for (String line : Files.readAllLines(jsonl)) {
      records.add(reader.read(null, DecoderFactory.get().jsonDecoder(schema, line)));
    }
    return records;
  }

  private static String run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(3, TimeUnit.MINUTES)).as("finished in time").isTrue();
      assertThat(p.exitValue()).as(String.join(" ", command) + " failed:\n" + output).isZero();
      return output;
    } finally {
      p.destroyForcibly();
    }
  }
}
