package io.vigil.pipelines.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.operators.onnx.ExecutionOptions;
import io.vigil.operators.onnx.ModelRef;
import io.vigil.operators.quality.ComparisonRules;
import io.vigil.operators.scoring.BatchingOptions;
import io.vigil.pipelines.job.QualitySettings;
import io.vigil.pipelines.job.RuntimeSettings;
import io.vigil.pipelines.job.ScoringSettings;
import io.vigil.pipelines.replay.LabelDegradation;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The model lifecycle's judging end to end, as {@code vigil demo --challenger
 * classpath:models/cnn.onnx=recurrent --degrade-at 50s --degrade-share 0.4 --quality-grace 40s} runs it (real broker,
 * MiniCluster, ONNX Runtime): the CNN challenges the recurrent champion, comparison records come
 * out, the challenger opens no alert, and once labels are flipped (not before: the grace covers
 * the cold start of every key's recurrent state) QUALITY alerts open.
 */
class ChampionChallengerDemoTest {

  private static final long DEGRADE_AFTER_MS = 50_000;

  @TempDir
  Path work;

  @Test
  void challengerIsComparedNeverAlertsAndFlippedLabelsRaiseQualityAlerts() throws Exception {
    Path out = work.resolve("out");
    EmbeddedDemo.DemoSettings demo = new EmbeddedDemo.DemoSettings(90, 300, 2000, 0, 3, 5000, out, 0,
        new LabelDegradation(DEGRADE_AFTER_MS, 0.4, 3));
    ScoringSettings scoring = new ScoringSettings(List.of(ModelRef.of("classpath:models/recurrent.onnx")),
        ExecutionOptions.cpu(), new BatchingOptions(64, 5), Duration.ofSeconds(2))
        .withChallenger("classpath:models/cnn.onnx", "recurrent");
    QualitySettings quality = new QualitySettings(Duration.ofSeconds(60), Duration.ofSeconds(20), Duration.ofSeconds(2),
        Duration.ofSeconds(5), 65536, new ComparisonRules(20_000, Duration.ofSeconds(5), 0.95, 200, 1), 0.1, 200,
        Duration.ofSeconds(40));
    RuntimeSettings runtime = new RuntimeSettings(2, Duration.ofSeconds(2), work.resolve("chk").toUri().toString(), null, 0, 0);
    ByteArrayOutputStream console = new ByteArrayOutputStream();

    int exit = new EmbeddedDemo(demo, scoring, quality, runtime, work.resolve("demo"))
        .run(new PrintStream(console, true, StandardCharsets.UTF_8));

    String printed = console.toString(StandardCharsets.UTF_8);
    assertThat(exit).as(printed).isZero();
    Map<String, String> kv = summary(printed);
    assertThat(Long.parseLong(kv.get("comparisons"))).as(printed).isPositive();
    assertThat(Long.parseLong(kv.get("quality_alerts"))).as(printed).isPositive();
    assertThat(kv).containsKeys("cnn.f1", "recurrent.f1", "alerts");

    List<JsonNode> comparisons = records(out.resolve("model-comparisons.jsonl"));
    assertThat(comparisons).hasSize(Integer.parseInt(kv.get("comparisons")));
    assertThat(comparisons).allSatisfy(c -> {
      assertThat(c.get("champion").asText()).isEqualTo("recurrent");
      assertThat(c.get("challenger").asText()).isEqualTo("cnn");
      assertThat(c.get("labels").asLong()).isPositive().isLessThanOrEqualTo(20_000);
    });

    List<JsonNode> alerts = records(out.resolve("alerts.jsonl"));
    List<JsonNode> qualityAlerts = alerts.stream().filter(a -> a.get("kind").asText().equals("QUALITY")).toList();
    assertThat(qualityAlerts).as("QUALITY alerts").isNotEmpty();
    // Labels flip from 50 s after the first label: no window ending before that holds a flipped one.
    long degradedFrom = records(out.resolve("labelled.jsonl")).stream().mapToLong(l -> l.get("labelTime").asLong()).min()
        .orElseThrow() + DEGRADE_AFTER_MS;
    assertThat(qualityAlerts).allSatisfy(a -> assertThat(a.get("openedAt").asLong()).isGreaterThan(degradedFrom));
    System.out.println(printed.lines().filter(l -> l.startsWith("SUMMARY ")).findFirst().orElseThrow());
    qualityAlerts.forEach(a -> System.out.println("QUALITY " + a + " (labels flipped from " + degradedFrom + ")"));
    System.out.println("LAST COMPARISON " + comparisons.get(comparisons.size() - 1));
    List<JsonNode> entity = alerts.stream().filter(a -> a.get("kind").asText().equals("ENTITY")).toList();
    assertThat(entity).as("entity alerts opened by the champion").isNotEmpty();
    assertThat(entity).allSatisfy(a -> {
      assertThat(texts(a.get("firedModels"))).doesNotContain("cnn");
      List<String> peaked = new ArrayList<>();
      a.get("peakScores").forEach(p -> peaked.add(p.get("model").asText()));
      assertThat(peaked).doesNotContain("cnn");
    });
  }

  private static Map<String, String> summary(String printed) {
    String line = printed.lines().filter(l -> l.startsWith("SUMMARY ")).findFirst().orElseThrow();
    Map<String, String> kv = new HashMap<>();
    for (String pair : line.substring("SUMMARY ".length()).split(" ")) {
      kv.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
    }
    return kv;
  }

  private static List<JsonNode> records(Path file) throws IOException {
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> out = new ArrayList<>();
    try (Stream<String> lines = Files.lines(file)) {
      for (String line : (Iterable<String>) lines::iterator) {
        out.add(json.readTree(line));
      }
    }
    return out;
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
