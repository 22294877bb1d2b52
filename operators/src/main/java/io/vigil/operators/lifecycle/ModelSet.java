package io.vigil.operators.lifecycle;

import io.vigil.operators.AvroTypes;
import io.vigil.operators.onnx.ExecutionOptions;
import io.vigil.operators.onnx.LoadedModel;
import io.vigil.operators.onnx.ModelKind;
import io.vigil.operators.onnx.ModelRef;
import io.vigil.operators.onnx.ModelSpec;
import io.vigil.schemas.ModelEvent;
import io.vigil.operators.scoring.ModelRoles;
import io.vigil.schemas.ModelRole;
import io.vigil.schemas.ModelUpdate;
import io.vigil.schemas.StateMigration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * The models one scorer subtask scores with, and how they change while the job runs. The scorer
 * asks it for the current step and window models; a {@link ModelUpdate} (already checked on its
 * own by {@link ValidateModelUpdates}) is judged against the active set, then activated or
 * rejected. The scorer applies updates only between rounds, so a round never mixes versions.
 *
 * <p>The accepted updates are kept in broadcast state (one entry per model name, the latest
 * accepted): identical on every subtask, because every subtask sees the same updates in the same
 * order and decides with the same rules on the same data. A restore re-opens exactly the versions
 * that were active; a file that can no longer be loaded then fails the task rather than scoring
 * with another version.
 *
 * <p>Order of models in a score: the job's configured models in their order (a replaced one keeps
 * its place), then models added by updates, by name.
 */
public final class ModelSet {

  /** The accepted updates, by model name. */
  public static final MapStateDescriptor<String, ModelUpdate> ACCEPTED =
      new MapStateDescriptor<>("accepted-model-updates", Types.STRING, AvroTypes.of(ModelUpdate.class));

  private final ExecutionOptions execution;
  private final int warmUpEvents;
  private final int configured;
  private final List<ActiveModel> models = new ArrayList<>();
  private final BroadcastState<String, ModelUpdate> accepted;
  private final MetricGroup metrics;
  private final Map<String, Histogram> latencies = new HashMap<>();
  private final Map<String, ActiveModel> byName = new HashMap<>();
  private final Counter activations;
  private final Counter rejections;
  private List<ActiveModel> steps;
  private List<ActiveModel> windows;
  private int retention;

  /**
   * Opens the configured models (challengers among them as {@code roles} say), then the versions {@code accepted} (restored state) says were
   * active. {@code warmUpEvents}: how many of a key's recent events a WARM migration runs over;
   * the scorer retains at least that many per key.
   */
  public ModelSet(List<ModelRef> refs, ModelRoles roles, ExecutionOptions execution, int warmUpEvents,
      BroadcastState<String, ModelUpdate> accepted, MetricGroup metrics) throws Exception {
    if (warmUpEvents < 0) {
      throw new IllegalArgumentException("warm-up events must be >= 0, is " + warmUpEvents);
    }
    this.execution = execution;
    this.warmUpEvents = warmUpEvents;
    this.configured = refs.size();
    this.accepted = accepted;
    this.metrics = metrics;
    this.activations = metrics.counter("modelActivations");
    this.rejections = metrics.counter("modelUpdatesRejected");
    for (ModelRef ref : refs) {
      place(ActiveModel.configured(ref, execution, roles, this::latency));
    }
    Map<String, ModelUpdate> restored = new TreeMap<>();
    for (Map.Entry<String, ModelUpdate> e : accepted.entries()) {
      restored.put(e.getKey(), e.getValue());
    }
    for (ModelUpdate update : restored.values()) {
      place(ActiveModel.of(update, execution, this::latency));
    }
    metrics.gauge("retainedEventsPerKey", () -> retention);
  }

  public List<ActiveModel> steps() {
    return steps;
  }

  public List<ActiveModel> windows() {
    return windows;
  }

  /** The feature count every model of the set expects. */
  public int features() {
    return models.get(0).spec().features();
  }

  /** How many recent events the scorer keeps per key: the longest window, and the warm-up length if a step model may need it. */
  public int retention() {
    return retention;
  }

  public int warmUpEvents() {
    return warmUpEvents;
  }

  /**
   * Judges {@code update} against the active models, and activates it if it passes. Returns the
   * decision as a model event of {@code subtask}. Throws only if this subtask cannot load a file
   * the validator could: then it must not go on with another version than the other subtasks.
   */
  public ModelEvent apply(ModelUpdate update, int subtask, long now) throws Exception {
    ActiveModel candidate = ActiveModel.of(update, execution, this::latency);
    String problem = problem(update, candidate.spec());
    if (problem != null) {
      candidate.release(execution);
      rejections.inc();
      return ModelEvents.rejected(update, problem, subtask, now);
    }
    place(candidate);
    accepted.put(update.getModel(), update);
    activations.inc();
    return ModelEvents.activated(update, subtask, now);
  }

  /** Releases every session this subtask holds. */
  public void close() {
    for (ActiveModel m : models) {
      m.release(execution);
    }
    models.clear();
  }

  /** Why the update does not fit the active set, or null. Depends only on data every subtask shares. */
  private String problem(ModelUpdate update, ModelSpec next) {
    if (next.features() != features()) {
      return "model " + update.getModel() + " version " + update.getVersion() + " expects " + next.features()
          + " features, the job scores " + features();
    }
    ActiveModel current = byName.get(update.getModel());
    if (current != null && current.version().equals(update.getVersion())) {
      return "version " + update.getVersion() + " of model " + update.getModel() + " is already active";
    }
    if (current != null && current.spec().kind() != next.kind()) {
      return "model " + update.getModel() + " is a " + kindName(current.spec().kind()) + " model; version "
          + update.getVersion() + " is a " + kindName(next.kind()) + " model";
    }
    if (current != null && update.getMigration() == StateMigration.KEEP && next.kind() == ModelKind.STEP
        && !ActiveModel.sameStateShapes(current.spec(), next)) {
      return "migration KEEP needs equal state shapes, but version " + current.version() + " has " + shapes(current.spec())
          + " and version " + update.getVersion() + " has " + shapes(next) + "; use WARM or RESET";
    }
    if (update.getRole() == ModelRole.CHALLENGER) {
      ActiveModel champion = update.getChallenges() == null ? null : byName.get(update.getChallenges());
      if (champion == null || update.getChallenges().equals(update.getModel())) {
        return "a CHALLENGER must name another active model in 'challenges', has " + update.getChallenges();
      }
    }
    return null;
  }

  /** Puts the model in its name's place (replacing and releasing the old version), or adds it. */
  private void place(ActiveModel model) {
    ActiveModel old = byName.put(model.name(), model);
    if (old != null) {
      models.set(models.indexOf(old), model);
      old.release(execution);
    } else {
      int at = configured;
      while (at < models.size() && models.get(at).name().compareTo(model.name()) < 0) {
        at++;
      }
      models.add(Math.min(at, models.size()), model);
    }
    steps = models.stream().filter(ActiveModel::isStep).toList();
    windows = models.stream().filter(m -> !m.isStep()).toList();
    int longestWindow = windows.stream().mapToInt(m -> m.spec().window()).max().orElse(0);
    retention = Math.max(longestWindow, steps.isEmpty() ? 0 : warmUpEvents);
  }

  private Histogram latency(LoadedModel model) {
    String name = model.spec().name();
    return latencies.computeIfAbsent(name, n -> {
      MetricGroup group = metrics.addGroup("model", n);
      group.gauge("cpuFallback", () -> {
        ActiveModel active = byName.get(n);
        return active != null && active.device().contains("fallback") ? 1 : 0;
      });
      return group.histogram("onnxCallMicros", new DescriptiveStatisticsHistogram(1000));
    });
  }

  private static String kindName(ModelKind kind) {
    return kind.name().toLowerCase(java.util.Locale.ROOT);
  }

  private static String shapes(ModelSpec spec) {
    return spec.stateShapes().stream().map(java.util.Arrays::toString).toList().toString();
  }
}
