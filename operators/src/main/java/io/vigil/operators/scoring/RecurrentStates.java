package io.vigil.operators.scoring;

import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

/**
 * The current key's recurrent state per step model name, tagged with the model version that
 * produced it, so a key's first event after a swap can tell its state is another version's. The
 * tag is written only when it changes. Handles are made on first use: a model added while the job
 * runs gets its state then.
 */
final class RecurrentStates {

  private final RuntimeContext context;
  private final Map<String, ValueState<float[][]>> tensors = new HashMap<>();
  private final Map<String, ValueState<String>> versions = new HashMap<>();

  RecurrentStates(RuntimeContext context) {
    this.context = context;
  }

  ValueState<float[][]> tensors(String model) {
    return tensors.computeIfAbsent(model, m -> context.getState(
        new ValueStateDescriptor<>("recurrent-state/" + m, TypeInformation.of(float[][].class))));
  }

  ValueState<String> version(String model) {
    return versions.computeIfAbsent(model, m -> context.getState(new ValueStateDescriptor<>("recurrent-version/" + m, Types.STRING)));
  }

  void clear(String model) {
    tensors(model).clear();
    version(model).clear();
  }
}
