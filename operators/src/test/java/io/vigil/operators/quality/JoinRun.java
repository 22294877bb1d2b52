package io.vigil.operators.quality;

import io.vigil.schemas.Feedback;
import io.vigil.schemas.FeedbackIssue;
import io.vigil.schemas.LabelledScore;
import io.vigil.schemas.Score;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.groups.OperatorMetricGroup;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;

/**
 * One label join under Flink's keyed two-input test harness (heap state backend), fed records and
 * watermarks; its labelled scores, issues and counters are kept across {@link #restart()}s, which
 * snapshot the operator and restore a new instance from the snapshot.
 */
final class JoinRun implements AutoCloseable {

  static final List<String> COUNTERS =
      List.of("matched", "unmatched", "expired", "duplicateLabels", "duplicateScores", "unlabelled");

  private final Function<RecordingMetrics, TwoInputStreamOperator<Score, Feedback, LabelledScore>> operators;
  private final KeySelector<Score, String> scoreKey;
  private final KeySelector<Feedback, String> labelKey;
  private final List<LabelledScore> labelled = new ArrayList<>();
  private final List<FeedbackIssue> issues = new ArrayList<>();
  private final Map<String, Long> earlierCounts = new TreeMap<>();
  private RecordingMetrics metrics;
  private KeyedTwoInputStreamOperatorTestHarness<String, Score, Feedback, LabelledScore> harness;
  private long checkpoint;

  private JoinRun(Function<RecordingMetrics, TwoInputStreamOperator<Score, Feedback, LabelledScore>> operators,
      KeySelector<Score, String> scoreKey, KeySelector<Feedback, String> labelKey) throws Exception {
    this.operators = operators;
    this.scoreKey = scoreKey;
    this.labelKey = labelKey;
    open(null);
  }

  /** Today's join: keyed by eventId. */
  static JoinRun byEventId(Duration ttl) throws Exception {
    return new JoinRun(m -> m.operator(new FeedbackJoin(ttl)), Score::getEventId, Feedback::getEventId);
  }

  /** The entity-keyed join with its metrics recorded. */
  static JoinRun byEntity(Duration ttl, int maxPerEntity) throws Exception {
    return new JoinRun(m -> new FeedbackJoinByEntity(ttl, maxPerEntity) {
      @Override
      public OperatorMetricGroup getMetricGroup() {
        return m;
      }
    }, Score::getEntityId, Feedback::getEntityId);
  }

  void score(Score score) throws Exception {
    harness.processElement1(new StreamRecord<>(score, score.getEventTime().toEpochMilli()));
  }

  void label(Feedback label) throws Exception {
    harness.processElement2(new StreamRecord<>(label, label.getTime().toEpochMilli()));
  }

  void watermark(long time) throws Exception {
    harness.processBothWatermarks(new Watermark(time));
  }

  /** Snapshots the running operator and continues on a new one restored from it. */
  void restart() throws Exception {
    OperatorSubtaskState snapshot = harness.snapshot(++checkpoint, checkpoint);
    close();
    open(snapshot);
  }

  List<LabelledScore> labelled() {
    List<LabelledScore> all = new ArrayList<>(labelled);
    all.addAll(harness.extractOutputValues());
    return all;
  }

  List<FeedbackIssue> issues() {
    List<FeedbackIssue> all = new ArrayList<>(issues);
    all.addAll(currentIssues());
    return all;
  }

  /** Every counter, summed over restarts. */
  Map<String, Long> counts() {
    Map<String, Long> counts = new TreeMap<>();
    for (String name : COUNTERS) {
      counts.put(name, earlierCounts.getOrDefault(name, 0L) + metrics.<Counter>get(name).getCount());
    }
    return counts;
  }

  /** A metric of the current operator instance. */
  <M extends Metric> M metric(String name) {
    return metrics.get(name);
  }

  @Override
  public void close() throws Exception {
    labelled.addAll(harness.extractOutputValues());
    issues.addAll(currentIssues());
    for (String name : COUNTERS) {
      earlierCounts.merge(name, metrics.<Counter>get(name).getCount(), Long::sum);
    }
    harness.close();
  }

  private List<FeedbackIssue> currentIssues() {
    var side = harness.getSideOutput(FeedbackJoin.ISSUES);
    return side == null ? List.of() : side.stream().map(StreamRecord::getValue).toList();
  }

  private void open(OperatorSubtaskState restored) throws Exception {
    metrics = new RecordingMetrics();
    harness = new KeyedTwoInputStreamOperatorTestHarness<>(operators.apply(metrics), scoreKey, labelKey, Types.STRING);
    harness.setup();
    if (restored == null) {
      harness.initializeEmptyState();
    } else {
      harness.initializeState(restored);
    }
    harness.open();
  }
}
