package io.vigil.operators;

import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.OperatorStateStore;
import org.apache.flink.api.common.typeinfo.Types;

/**
 * A count of this subtask's keys in some condition (live, alerting), kept in operator list state
 * so it is restored with the keyed state it counts. After a rescale the entries are split, not
 * copied: each subtask's value may be off (even negative), but their sum stays exact.
 */
public final class SubtaskCount {

  private final ListState<Long> stored;
  private long value;

  private SubtaskCount(ListState<Long> stored, long value) {
    this.stored = stored;
    this.value = value;
  }

  /** The count named {@code name}, restored from {@code store} (0 on a fresh start). */
  public static SubtaskCount restore(OperatorStateStore store, String name) throws Exception {
    ListState<Long> stored = store.getListState(new ListStateDescriptor<>(name, Types.LONG));
    long value = 0;
    for (Long n : stored.get()) {
      value += n;
    }
    return new SubtaskCount(stored, value);
  }

  public long get() {
    return value;
  }

  public void increment() {
    value++;
  }

  public void decrement() {
    value--;
  }

  public void add(long delta) {
    value += delta;
  }

  /** Writes the value into the operator state being snapshotted. */
  public void snapshot() throws Exception {
    stored.update(List.of(value));
  }
}
