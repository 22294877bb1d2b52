package io.vigil.operators.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vigil.operators.metrics.ComparisonOracle;
import io.vigil.operators.metrics.ComparisonOracle.Case;
import io.vigil.operators.metrics.DeLong;
import io.vigil.operators.metrics.PairedScores;
import io.vigil.schemas.LabelledScore;
import io.vigil.schemas.ModelComparison;
import io.vigil.schemas.ModelRole;
import io.vigil.schemas.ModelScore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Labelled scores in, comparison records out: the Δ values are scikit-learn's on the same rows. */
class ChallengerComparisonTest {

  private static final double EXACT = 1e-12;

  /** Row i of the case as the labelled score of event i at time 10 i ms, with the alert pseudo-model beside. */
  private static List<LabelledScore> labelled(Case c, String championVersion, String challengerVersion) {
    List<LabelledScore> rows = new ArrayList<>();
    for (int i = 0; i < c.labels().length; i++) {
      Instant t = Instant.ofEpochMilli(i * 10L);
      rows.add(new LabelledScore("e" + i, "k" + i % 7, t, t, c.labels()[i], List.of(
          new ModelScore("recurrent", championVersion, c.champion()[i], c.championThreshold(), ModelRole.CHAMPION, null),
          new ModelScore("alert", "rules", 0f, 1f, ModelRole.CHAMPION, null),
          new ModelScore("cnn", "1", i % 2 == 0 ? null : 0.5f, 0.5f, ModelRole.CHAMPION, null),
          new ModelScore("gru", challengerVersion, c.challenger()[i], c.challengerThreshold(), ModelRole.CHALLENGER,
              "recurrent"))));
    }
    return rows;
  }

  private static List<ModelComparison> compare(ComparisonRules rules, List<LabelledScore> rows) throws Exception {
    ChallengerPairs pairs = new ChallengerPairs();
    try (var harness = new KeyedOneInputStreamOperatorTestHarness<String, LabelledPair, ModelComparison>(
        new KeyedProcessOperator<>(new ChallengerComparison(rules)), p -> p.challenger, Types.STRING)) {
      harness.open();
      List<LabelledPair> paired = new ArrayList<>();
      rows.forEach(r -> pairs.flatMap(r, new ListCollector<>(paired)));
      for (LabelledPair p : paired) {
        harness.processElement(p, p.time);
      }
      harness.processWatermark(new Watermark(Long.MAX_VALUE));
      return harness.extractOutputValues();
    }
  }

  private static ComparisonRules rules(int windowPairs) {
    return new ComparisonRules(windowPairs, Duration.ofMinutes(10), 0.95, 200, 1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"better", "ties", "independent"})
  void theRecordsDeltasAreScikitLearnsOnTheSameLabelledRows(String name) throws Exception {
    Case c = ComparisonOracle.load(name);

    List<ModelComparison> out = compare(rules(20_000), labelled(c, "1", "2"));

    assertThat(out).hasSize(1);
    ModelComparison r = out.get(0);
    assertThat(r.getChampion()).isEqualTo("recurrent");
    assertThat(r.getChallenger()).isEqualTo("gru");
    assertThat(r.getChampionVersion()).isEqualTo("1");
    assertThat(r.getChallengerVersion()).isEqualTo("2");
    assertThat(r.getLabels()).isEqualTo((long) c.value("labels"));
    assertThat(r.getPositives()).isEqualTo((long) c.value("positives"));
    assertThat(r.getWindowStart()).isEqualTo(Instant.EPOCH);
    assertThat(r.getRocAuc().getDelta())
        .isCloseTo(c.value("challenger_roc_auc") - c.value("champion_roc_auc"), within(EXACT));
    assertThat(r.getRocAuc().getZ()).isCloseTo(c.value("delong_z"), within(1e-6));
    assertThat(r.getAveragePrecision().getDelta())
        .isCloseTo(c.value("challenger_ap") - c.value("champion_ap"), within(EXACT));
    assertThat(r.getF1().getDelta()).isCloseTo(c.value("challenger_f1") - c.value("champion_f1"), within(EXACT));
    assertThat(r.getAveragePrecision().getLower()).isLessThanOrEqualTo(r.getAveragePrecision().getUpper());
    assertThat(r.getChallengerBetter()).isEqualTo(name.equals("better"));
  }

  @Test
  void theWindowKeepsTheMostRecentPairsOnly() throws Exception {
    Case c = ComparisonOracle.load("better");
    int n = c.labels().length;

    List<ModelComparison> out = compare(rules(1000), labelled(c, "1", "2"));

    PairedScores last = PairedScores.atThresholds(Arrays.copyOfRange(c.champion(), n - 1000, n),
        Arrays.copyOfRange(c.challenger(), n - 1000, n), Arrays.copyOfRange(c.labels(), n - 1000, n),
        c.championThreshold(), c.challengerThreshold());
    assertThat(out).singleElement().satisfies(r -> {
      assertThat(r.getLabels()).isEqualTo(1000);
      assertThat(r.getWindowStart()).isEqualTo(Instant.ofEpochMilli((n - 1000) * 10L));
      assertThat(r.getRocAuc().getDelta()).isCloseTo(DeLong.compare(last, 0.95).delta(), within(EXACT));
    });
  }

  @Test
  void aNewVersionStartsANewWindowAndRecordsComeEveryInterval() throws Exception {
    Case c = ComparisonOracle.load("better");
    List<LabelledScore> before = labelled(c, "1", "2").subList(0, 1500);
    List<LabelledScore> after = labelled(c, "1", "3").subList(1500, 3000);
    List<LabelledScore> rows = new ArrayList<>(before);
    rows.addAll(after);

    List<ModelComparison> out = compare(new ComparisonRules(20_000, Duration.ofSeconds(5), 0.95, 100, 1), rows);

    // Pairs at 0 .. 29 990 ms: records at 5, 10, 15 s (version 2), then 20, 25, 30 s (version 3).
    assertThat(out).extracting(r -> r.getWindowEnd().toEpochMilli()).containsExactly(5000L, 10000L, 15000L, 20000L, 25000L, 30000L);
    assertThat(out).extracting(ModelComparison::getChallengerVersion).containsExactly("2", "2", "2", "3", "3", "3");
    assertThat(out).extracting(ModelComparison::getLabels).containsExactly(500L, 1000L, 1500L, 500L, 1000L, 1500L);
    assertThat(out.get(3).getWindowStart()).isEqualTo(Instant.ofEpochMilli(15_000));
  }
}
