package io.vigil.operators.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vigil.operators.metrics.ComparisonOracle.Case;
import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** DeLong and the paired bootstrap against scikit-learn and the direct DeLong variance (comparison-oracle/). */
class PairedComparisonOracleTest {

  private static final double EXACT = 1e-12;

  @ParameterizedTest
  @ValueSource(strings = {"better", "ties", "independent"})
  void deLongAgreesWithScikitLearnAndTheDirectVariance(String name) {
    Case c = ComparisonOracle.load(name);

    PairedDelta auc = DeLong.compare(c.paired(), 0.95);

    assertThat(auc.champion()).isCloseTo(c.value("champion_roc_auc"), within(EXACT));
    assertThat(auc.challenger()).isCloseTo(c.value("challenger_roc_auc"), within(EXACT));
    assertThat(auc.delta()).isCloseTo(c.value("challenger_roc_auc") - c.value("champion_roc_auc"), within(EXACT));
    double se = Math.sqrt(c.value("delong_variance"));
    assertThat(auc.z()).isCloseTo(c.value("delong_z"), Percentage.withPercentage(1e-7));
    assertThat(auc.pValue()).isCloseTo(c.value("delong_p"), Percentage.withPercentage(1e-4));
    assertThat(auc.upper() - auc.delta()).isCloseTo(1.959963984540054 * se, within(1e-8));
    assertThat(auc.delta() - auc.lower()).isCloseTo(1.959963984540054 * se, within(1e-8));
  }

  @ParameterizedTest
  @ValueSource(strings = {"better", "ties", "independent"})
  void bootstrapPointValuesAreScikitLearns(String name) {
    Case c = ComparisonOracle.load(name);

    PairedBootstrap.Result r = PairedBootstrap.compare(c.paired(), 50, 1, 0.95);

    assertThat(r.averagePrecision().champion()).isCloseTo(c.value("champion_ap"), within(EXACT));
    assertThat(r.averagePrecision().challenger()).isCloseTo(c.value("challenger_ap"), within(EXACT));
    assertThat(r.averagePrecision().delta()).isCloseTo(c.value("challenger_ap") - c.value("champion_ap"), within(EXACT));
    assertThat(r.f1().champion()).isCloseTo(c.value("champion_f1"), within(EXACT));
    assertThat(r.f1().challenger()).isCloseTo(c.value("challenger_f1"), within(EXACT));
    assertThat(r.f1().delta()).isCloseTo(c.value("challenger_f1") - c.value("champion_f1"), within(EXACT));
  }

  @Test
  void aClearlyBetterChallengerIsSignificantOnEveryTest() {
    PairedScores better = ComparisonOracle.load("better").paired();

    PairedBootstrap.Result r = PairedBootstrap.compare(better, 400, 7, 0.95);

    assertThat(DeLong.compare(better, 0.95).challengerBetter()).isTrue();
    assertThat(r.averagePrecision().challengerBetter()).isTrue();
    assertThat(r.averagePrecision().pValue()).isZero();
    assertThat(r.averagePrecision().lower()).isLessThan(r.averagePrecision().delta());
    assertThat(r.averagePrecision().upper()).isGreaterThan(r.averagePrecision().delta());
    assertThat(r.f1().challengerBetter()).isTrue();
  }

  @Test
  void aWorseChallengerIsNotBetter() {
    PairedScores ties = ComparisonOracle.load("ties").paired();

    assertThat(DeLong.compare(ties, 0.95).challengerBetter()).isFalse();
    assertThat(DeLong.compare(ties, 0.95).upper()).isNegative();
    assertThat(PairedBootstrap.compare(ties, 200, 3, 0.95).averagePrecision().challengerBetter()).isFalse();
  }

  @Test
  void aModelAgainstItselfDiffersByNothing() {
    Case c = ComparisonOracle.load("better");
    PairedScores same = PairedScores.atThresholds(c.champion(), c.champion(), c.labels(), 1f, 1f);

    PairedDelta auc = DeLong.compare(same, 0.95);
    PairedBootstrap.Result r = PairedBootstrap.compare(same, 100, 5, 0.95);

    assertThat(auc.delta()).isZero();
    assertThat(auc.pValue()).isEqualTo(1.0);
    assertThat(r.averagePrecision().lower()).isZero();
    assertThat(r.averagePrecision().upper()).isZero();
    assertThat(r.averagePrecision().pValue()).isEqualTo(1.0);
  }

  @Test
  void theBootstrapIsDeterministicForItsSeed() {
    PairedScores data = ComparisonOracle.load("independent").paired();

    PairedBootstrap.Result once = PairedBootstrap.compare(data, 100, 42, 0.9);
    PairedBootstrap.Result again = PairedBootstrap.compare(data, 100, 42, 0.9);
    PairedBootstrap.Result other = PairedBootstrap.compare(data, 100, 43, 0.9);

    assertThat(again).isEqualTo(once);
    assertThat(other.averagePrecision().lower()).isNotEqualTo(once.averagePrecision().lower());
  }

  @Test
  void withoutBothClassesThereIsNothingToCompare() {
    PairedScores onlyNegatives = PairedScores.atThresholds(new float[] {0.1f, 0.2f}, new float[] {0.3f, 0.1f},
        new boolean[] {false, false}, 0.5f, 0.5f);

    assertThat(DeLong.compare(onlyNegatives, 0.95).delta()).isNaN();
    assertThat(PairedBootstrap.compare(onlyNegatives, 10, 1, 0.95).averagePrecision().delta()).isNaN();
  }

  @Test
  void normalQuantilesAndWilsonIntervalsMatchTheirTables() {
    assertThat(NormalDistribution.twoSidedCritical(0.95)).isCloseTo(1.959963984540054, within(1e-8));
    assertThat(NormalDistribution.twoSidedCritical(0.99)).isCloseTo(2.5758293035489004, within(1e-8));
    assertThat(NormalDistribution.quantile(0.001)).isCloseTo(-3.090232306167813, within(1e-8));
    // Wilson 95 % for 0 of 10 and 5 of 10 (Newcombe 1998, table I).
    WilsonInterval none = WilsonInterval.of(0, 10, 1.959963984540054);
    WilsonInterval half = WilsonInterval.of(5, 10, 1.959963984540054);
    assertThat(none.lower()).isZero();
    assertThat(none.upper()).isCloseTo(0.2775, within(1e-4));
    assertThat(half.lower()).isCloseTo(0.2366, within(1e-4));
    assertThat(half.upper()).isCloseTo(0.7634, within(1e-4));
  }
}
