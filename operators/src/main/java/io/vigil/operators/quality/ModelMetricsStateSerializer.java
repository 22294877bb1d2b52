package io.vigil.operators.quality;

import io.vigil.operators.metrics.ModelMetricsState;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Flink serializer for {@link ModelMetricsState}: its compact sorted form (a few bytes per distinct
 * score and 4 per windowed pair), rebuilt in O(n) on read. {@link #copy} is a deep copy, which is
 * what lets the heap state backend snapshot asynchronously while the operator mutates the state.
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

  /** Format version 1; a later format bumps the version and reads the old one. */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<ModelMetricsState> {
    public Snapshot() {
      super(() -> INSTANCE);
    }
  }
}
