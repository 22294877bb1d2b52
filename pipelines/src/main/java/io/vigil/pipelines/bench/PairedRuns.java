package io.vigil.pipelines.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * (a') and (c) run in turns, (a') right before its (c): on a shared machine one run's rate drifts
 * with what else runs, so the figures are the medians and the ratio is the median of the pairs'
 * ratios (a pair shares the moment's conditions), with every run kept for the record.
 */
record PairedRuns(List<Double> passthrough, List<Double> pipeline) {

  PairedRuns {
    if (passthrough.size() != pipeline.size() || passthrough.isEmpty()) {
      throw new IllegalArgumentException("runs come in pairs: " + passthrough.size() + " vs " + pipeline.size());
    }
    passthrough = List.copyOf(passthrough);
    pipeline = List.copyOf(pipeline);
  }

  static PairedRuns single(double passthrough, double pipeline) {
    return new PairedRuns(List.of(passthrough), List.of(pipeline));
  }

  double passthroughMedian() {
    return median(passthrough);
  }

  double pipelineMedian() {
    return median(pipeline);
  }

  /** Median over the pairs of (c) / (a'). */
  double ratioMedian() {
    List<Double> ratios = new ArrayList<>();
    for (int i = 0; i < pipeline.size(); i++) {
      ratios.add(pipeline.get(i) / passthrough.get(i));
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
