package io.vigil.operators.metrics;

/**
 * One threshold's point on both curves: ROC (fpr, tpr) and PR (recall = tpr, precision), for
 * "predicted positive iff score >= threshold". fpr is NaN without negatives, tpr without positives.
 */
public record CurvePoint(float threshold, double fpr, double tpr, double precision) {}
