package io.vigil.operators.lifecycle;

import io.vigil.operators.onnx.ExecutionOptions;
import io.vigil.operators.onnx.LoadedModel;
import io.vigil.operators.onnx.ModelKind;
import io.vigil.operators.onnx.ModelRef;
import io.vigil.operators.onnx.ModelSpec;
import io.vigil.operators.onnx.SharedModels;
import io.vigil.operators.onnx.StepModelRunner;
import io.vigil.operators.onnx.WindowModelRunner;
import io.vigil.operators.scoring.ModelRoles;
import io.vigil.schemas.ModelRole;
import io.vigil.schemas.ModelScore;
import io.vigil.schemas.ModelUpdate;
import io.vigil.schemas.StateMigration;
import java.util.Arrays;
import org.apache.flink.metrics.Histogram;

/**
 * One model version a scorer subtask scores with: its session (shared per JVM), its runner, its
 * role, and how keys' state moves to it from an earlier version. Not thread-safe (its runner).
 */
public final class ActiveModel {

  /** Where a key's state for this model's next event comes from. */
  public enum Start {
    /** The state the key holds. */
    STORED,
    /** Zero state. */
    ZERO,
    /** Rebuilt by running this version over the key's retained events ({@link WarmUp}). */
    WARM
  }

  private final ModelRef ref;
  /** Null for a model named at job start (whatever its file holds). */
  private final String sha256;
  private final LoadedModel model;
  private final ModelRole role;
  private final String challenges;
  private final StateMigration migration;
  private final StepModelRunner step;
  private final WindowModelRunner window;
  private final Histogram latency;

  private ActiveModel(ModelRef ref, String sha256, LoadedModel model, ModelRole role, String challenges,
      StateMigration migration, LatencyMetrics metrics) {
    this.ref = ref;
    this.sha256 = sha256;
    this.model = model;
    this.role = role;
    this.challenges = challenges;
    this.migration = migration;
    boolean isStep = model.spec().kind() == ModelKind.STEP;
    this.step = isStep ? new StepModelRunner(model) : null;
    this.window = isStep ? null : new WindowModelRunner(model);
    this.latency = metrics.latency(model);
  }

  /** Hands out each model's call-latency histogram, registered once per model name. */
  interface LatencyMetrics {
    Histogram latency(LoadedModel model);
  }

  /** A model named at job start, in the role {@code roles} give its name; state of another version is rebuilt (warm). */
  static ActiveModel configured(ModelRef ref, ExecutionOptions execution, ModelRoles roles, LatencyMetrics metrics) {
    LoadedModel model = SharedModels.acquire(ref, null, execution);
    String name = model.spec().name();
    return new ActiveModel(ref, null, model, roles.role(name), roles.challenges(name), StateMigration.WARM, metrics);
  }

  /** The file of a validated update; fails (the task) if this task manager cannot load the very same bytes. */
  static ActiveModel of(ModelUpdate update, ExecutionOptions execution, LatencyMetrics metrics) {
    ModelRef ref = ModelRef.of(update.getUri());
    return new ActiveModel(ref, update.getSha256(), SharedModels.acquire(ref, update.getSha256(), execution), update.getRole(),
        update.getChallenges(), update.getMigration(), metrics);
  }

  void release(ExecutionOptions execution) {
    SharedModels.release(ref, sha256, execution);
  }

  public ModelSpec spec() {
    return model.spec();
  }

  public String name() {
    return model.spec().name();
  }

  public String version() {
    return model.spec().version();
  }

  public boolean isStep() {
    return step != null;
  }

  public StepModelRunner step() {
    return step;
  }

  public WindowModelRunner window() {
    return window;
  }

  public Histogram latency() {
    return latency;
  }

  String device() {
    return model.device();
  }

  /** The model's entry in a Score: the version that produced it, and its role. */
  public ModelScore score(Float value) {
    return new ModelScore(name(), version(), value, model.spec().threshold(), role, challenges);
  }

  /**
   * How a key's state for this (step) model starts, given the state it holds and the version that
   * produced it ({@code producedBy} null: state from before versions were tagged, taken as this
   * version's). State of another version migrates as this version's update asked; state that does
   * not fit this model's shapes is never fed to it.
   */
  public Start start(float[][] stored, String producedBy) {
    boolean fits = fits(stored);
    if (producedBy == null || producedBy.equals(version())) {
      return fits ? Start.STORED : Start.ZERO;
    }
    return switch (migration) {
      case WARM -> Start.WARM;
      case RESET -> Start.ZERO;
      case KEEP -> fits ? Start.STORED : Start.ZERO;
    };
  }

  private boolean fits(float[][] stored) {
    ModelSpec spec = spec();
    if (stored == null || stored.length != spec.statePairs()) {
      return false;
    }
    for (int p = 0; p < stored.length; p++) {
      if (stored[p].length != spec.stateSize(p)) {
        return false;
      }
    }
    return true;
  }

  /** Whether the two models' states have the same shapes, pair by pair (what KEEP needs). */
  static boolean sameStateShapes(ModelSpec a, ModelSpec b) {
    if (a.statePairs() != b.statePairs()) {
      return false;
    }
    for (int p = 0; p < a.statePairs(); p++) {
      if (!Arrays.equals(a.stateShapes().get(p), b.stateShapes().get(p))) {
        return false;
      }
    }
    return true;
  }
}
