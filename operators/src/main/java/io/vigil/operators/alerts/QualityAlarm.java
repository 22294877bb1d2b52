package io.vigil.operators.alerts;

import io.vigil.operators.AvroTypes;
import io.vigil.operators.metrics.NormalDistribution;
import io.vigil.operators.metrics.WilsonInterval;
import io.vigil.schemas.Alert;
import io.vigil.schemas.AlertCloseReason;
import io.vigil.schemas.AlertKind;
import io.vigil.schemas.AlertStatus;
import io.vigil.schemas.MetricScope;
import io.vigil.schemas.MetricSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The quality-regression alarm of one model (the key): its WINDOW {@link MetricSnapshot}s judged
 * against its validation metrics by the {@link QualityRules}. Emits an {@link Alert} of kind
 * QUALITY, status OPEN, when the model's recall, precision or F1 (checked in that order) falls
 * significantly below validation − margin, and the same alert CLOSED (reason RECOVERED) once that
 * metric is back within the hysteresis band. The open alert lives in keyed state and survives
 * checkpoints, as does the end of the model's first window, from which the rules' grace counts.
 * CUMULATIVE snapshots and models without validation metrics (the pseudo-model {@code alert}) are ignored.
 *
 * <p>Gauge {@code qualityAlarm} in group {@code model=<name>}: 1 while the model's alarm is open,
 * else 0, as last decided on this subtask (registered with the model's first judged snapshot).
 */
public class QualityAlarm extends KeyedProcessFunction<String, MetricSnapshot, Alert> {

  private static final long serialVersionUID = 1L;

  /** A metric of a snapshot as successes of trials, for the Wilson interval. */
  private record Observed(String metric, double value, double successes, double trials, double expected) {}

  private final QualityRules rules;
  private final double z;

  private transient ValueState<Alert> open;
  /** End of the model's first judged window: the grace counts from there. */
  private transient ValueState<Long> firstWindowEnd;
  private transient Map<String, Integer> alarms;

  public QualityAlarm(QualityRules rules) {
    this.rules = rules;
    this.z = NormalDistribution.twoSidedCritical(rules.confidence());
  }

  @Override
  public void open(OpenContext context) {
    open = getRuntimeContext().getState(new ValueStateDescriptor<>("quality-alarm", AvroTypes.of(Alert.class)));
    firstWindowEnd = getRuntimeContext().getState(new ValueStateDescriptor<>("quality-first-window-end", Types.LONG));
    alarms = new ConcurrentHashMap<>();
  }

  @Override
  public void processElement(MetricSnapshot s, Context ctx, Collector<Alert> out) throws Exception {
    ValidationMetrics expected = rules.expectedFor(s);
    if (s.getScope() != MetricScope.WINDOW || expected == null) {
      return;
    }
    long labels = s.getPositives() + s.getNegatives();
    Alert alert = open.value();
    gauge(s.getModel(), alert != null);
    long end = s.getWindowEnd().toEpochMilli();
    if (firstWindowEnd.value() == null) {
      firstWindowEnd.update(end);
    }
    if (end - firstWindowEnd.value() < rules.grace().toMillis()) {
      return;
    }
    if (alert == null) {
      if (labels < rules.minLabels()) {
        return;
      }
      for (Observed o : observed(s, expected)) {
        if (upper(o) < o.expected() - rules.margin()) {
          Alert opened = raise(s, o, labels);
          open.update(opened);
          alarms.put(s.getModel(), 1);
          out.collect(opened);
          return;
        }
      }
      return;
    }
    alert.setEvents(alert.getEvents() + 1);
    for (Observed o : observed(s, expected)) {
      if (o.metric().equals(alert.getMetric()) && upper(o) >= o.expected() - rules.margin() / 2) {
        open.clear();
        alarms.put(s.getModel(), 0);
        out.collect(Alert.newBuilder(alert).setStatus(AlertStatus.CLOSED).setClosedAt(s.getWindowEnd())
            .setCloseReason(AlertCloseReason.RECOVERED).setObserved(o.value()).setObservedUpper(upper(o))
            .setLabels(labels).build());
        return;
      }
    }
    open.update(alert);
  }

  private double upper(Observed o) {
    return WilsonInterval.of(o.successes(), o.trials(), z).upper();
  }

  /** The metrics with a defined value in this window: recall, precision, F1. */
  private static List<Observed> observed(MetricSnapshot s, ValidationMetrics expected) {
    long tp = s.getTruePositives();
    List<Observed> o = new ArrayList<>(3);
    if (!s.getRecallZeroDivision()) {
      o.add(new Observed("recall", s.getRecall(), tp, tp + s.getFalseNegatives(), expected.recall()));
    }
    if (!s.getPrecisionZeroDivision()) {
      o.add(new Observed("precision", s.getPrecision(), tp, tp + s.getFalsePositives(), expected.precision()));
    }
    if (!s.getF1ZeroDivision()) {
      o.add(new Observed("f1", s.getF1(), tp, tp + (s.getFalsePositives() + s.getFalseNegatives()) / 2.0, expected.f1()));
    }
    return o;
  }

  private Alert raise(MetricSnapshot s, Observed o, long labels) {
    return Alert.newBuilder()
        .setAlertId("quality:" + s.getModel() + "@" + s.getWindowEnd().toEpochMilli())
        .setEntityId(s.getModel())
        .setStatus(AlertStatus.OPEN)
        .setOpenedAt(s.getWindowEnd())
        .setOpeningEventId("")
        .setFiredModels(new ArrayList<>(List.of(s.getModel())))
        .setPeakScores(new ArrayList<>())
        .setEventIds(new ArrayList<>())
        .setEvents(1)
        .setKind(AlertKind.QUALITY)
        .setModel(s.getModel())
        .setMetric(o.metric())
        .setObserved(o.value())
        .setObservedUpper(upper(o))
        .setExpected(o.expected())
        .setLabels(labels)
        .build();
  }

  /** Sets the model's gauge value, registering the gauge the first time. */
  private void gauge(String model, boolean raised) {
    if (alarms.put(model, raised ? 1 : 0) == null) {
      getRuntimeContext().getMetricGroup().addGroup("model", model)
          .gauge("qualityAlarm", (Gauge<Integer>) () -> alarms.getOrDefault(model, 0));
    }
  }
}
