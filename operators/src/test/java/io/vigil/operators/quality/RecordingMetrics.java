package io.vigil.operators.quality;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.groups.OperatorIOMetricGroup;
import org.apache.flink.metrics.groups.OperatorMetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;

/**
 * An operator metric group that records every metric registered in it, by path: {@code name} on
 * the operator, {@code key=value.name} in key/value groups. Operator test harnesses give functions
 * an unregistered group; the operators made here give them this one instead.
 */
final class RecordingMetrics extends UnregisteredMetricsGroup implements OperatorMetricGroup {

  private final Map<String, Metric> metrics;
  private final String prefix;

  RecordingMetrics() {
    this(new ConcurrentHashMap<>(), "");
  }

  private RecordingMetrics(Map<String, Metric> metrics, String prefix) {
    this.metrics = metrics;
    this.prefix = prefix;
  }

  @SuppressWarnings("unchecked")
  <M extends Metric> M get(String path) {
    return (M) metrics.get(path);
  }

  <K, I, O> KeyedProcessOperator<K, I, O> operator(KeyedProcessFunction<K, I, O> function) {
    return new KeyedProcessOperator<>(function) {
      @Override
      public OperatorMetricGroup getMetricGroup() {
        return RecordingMetrics.this;
      }
    };
  }

  <K, I1, I2, O> KeyedCoProcessOperator<K, I1, I2, O> operator(KeyedCoProcessFunction<K, I1, I2, O> function) {
    return new KeyedCoProcessOperator<>(function) {
      @Override
      public OperatorMetricGroup getMetricGroup() {
        return RecordingMetrics.this;
      }
    };
  }

  @Override
  public Counter counter(String name) {
    return counter(name, new SimpleCounter());
  }

  @Override
  public <C extends Counter> C counter(String name, C counter) {
    metrics.put(prefix + name, counter);
    return counter;
  }

  @Override
  public <T, G extends Gauge<T>> G gauge(String name, G gauge) {
    metrics.put(prefix + name, gauge);
    return gauge;
  }

  @Override
  public MetricGroup addGroup(String key, String value) {
    return new RecordingMetrics(metrics, prefix + key + "=" + value + ".");
  }

  @Override
  public OperatorIOMetricGroup getIOMetricGroup() {
    return UnregisteredMetricsGroup.createOperatorIOMetricGroup();
  }
}
