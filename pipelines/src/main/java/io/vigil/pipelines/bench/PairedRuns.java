package io.vigil.pipelines.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * A baseline ((b) naive or (a') pass-through) and (c) run in turns, each baseline run in the same
 * turn as its (c): on a shared machine one run's rate drifts with what else runs, so the figures
 * are the medians and the ratio is the median of the turns' ratios (a turn shares the moment's
 * conditions), with every run kept for the record.
 */
record PairedRuns(List<Double> baseline, List<Double> pipeline) {

  PairedRuns {
    if (baseline.size() != pipeline.size() || baseline.isEmpty()) {
      throw new IllegalArgumentException("runs come in pairs: " + baseline.size() + " vs " + pipeline.size());
    }
    baseline = List.copyOf(baseline);
    pipeline = List.copyOf(pipeline);
  }

  static PairedRuns single(double baseline, double pipeline) {
    return new PairedRuns(List.of(baseline), List.of(pipeline));
  }

  double baselineMedian() {
    return median(baseline);
  }

  double pipelineMedian() {
    return median(pipeline);
  }

  /** Median over the turns of (c) / baseline. */
  double ratioMedian() {
    List<Double> ratios = new ArrayList<>();
    for (int i = 0; i < pipeline.size(); i++) {
      ratios.add(pipeline.get(i) / baseline.get(i));
    }
    return median(ratios);
  }

  /** The middle value; the mean of the two middle ones for an even count. */
  static double median(List<Double> values) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int mid = v.length / 2;
    return v.length % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
  }
}
