package io.vigil.operators.quality;

import io.vigil.operators.metrics.ModelMetricsState;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Flink serializer for {@link ModelMetricsState}: its compact sorted form (a few bytes per entry
 * and 4 per windowed pair), rebuilt in O(n) on read. {@link #copy} is a deep copy, which is what
 * lets the heap state backend snapshot asynchronously while the operator mutates the state; the
 * budget bounds what it copies. Each value carries its format version ({@link
 * ModelMetricsState#FORMAT}), so values of every earlier format restore, on either backend.
 */
public final class ModelMetricsStateSerializer extends TypeSerializerSingleton<ModelMetricsState> {

  private static final long serialVersionUID = 1L;

  public static final ModelMetricsStateSerializer INSTANCE = new ModelMetricsStateSerializer();

  @Override
  public boolean isImmutableType() {
    return false;
  }

  @Override
  public ModelMetricsState createInstance() {
    return null; // no meaningful empty instance: the window's shape comes from the operator
  }

  @Override
  public ModelMetricsState copy(ModelMetricsState from) {
    return from.copy();
  }

  @Override
  public ModelMetricsState copy(ModelMetricsState from, ModelMetricsState reuse) {
    return from.copy();
  }

  @Override
  public int getLength() {
    return -1;
  }

  @Override
  public void serialize(ModelMetricsState record, DataOutputView target) throws IOException {
    record.writeTo(target);
  }

  @Override
  public ModelMetricsState deserialize(DataInputView source) throws IOException {
    return ModelMetricsState.readFrom(source);
  }

  @Override
  public ModelMetricsState deserialize(ModelMetricsState reuse, DataInputView source) throws IOException {
    return deserialize(source);
  }

  @Override
  public void copy(DataInputView source, DataOutputView target) throws IOException {
    serialize(deserialize(source), target);
  }

  @Override
  public TypeSerializerSnapshot<ModelMetricsState> snapshotConfiguration() {
    return new Snapshot();
  }

  /** The serializer itself has not changed: formats are versioned per value (see the class doc). */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<ModelMetricsState> {
    public Snapshot() {
      super(() -> INSTANCE);
    }
  }
}
