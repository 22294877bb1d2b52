package io.vigil.pipelines.replay;

import java.nio.file.Path;
import java.util.List;

/**
 * A CSV to stream: which feature columns (null = decided by the caller: every feature column, or
 * the models' own), how fast, which time the events carry and how labels become feedback.
 */
public record ReplaySettings(Path csv, List<String> features, Pacing pacing, EventTime eventTime, LabelPlan labels) {}
