package io.vigil.pipelines.synthetic;

/** A feedback label, due {@code timeMillis} (event time), possibly a duplicate of an earlier one. */
public record SyntheticLabel(String entityId, String eventId, boolean anomalous, long timeMillis) {}
