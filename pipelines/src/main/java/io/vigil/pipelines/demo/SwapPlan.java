package io.vigil.pipelines.demo;

import io.vigil.schemas.StateMigration;
import java.time.Duration;

/** A hot swap the demo performs: at {@code at} after start, it publishes an update to {@code model} (a path or classpath:NAME). */
public record SwapPlan(Duration at, String model, StateMigration migration) {

  /** The re-trained recurrent model shipped for the demo's swap (same name, another version). */
  public static final String SHIPPED_RETRAINED = "classpath:models/recurrent-retrained.onnx";
}
