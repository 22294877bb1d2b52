package io.vigil.operators.onnx;

import java.util.HashMap;
import java.util.Map;

/**
 * One ONNX Runtime session per model per JVM, shared by every slot of a TaskManager (sessions
 * are thread-safe and hold the weights once). Reference-counted: the last release closes it.
 */
public final class SharedModels {

  private record Key(ModelRef ref, ExecutionOptions options) {}

  private static final class Entry {
    final LoadedModel model;
    int users;

    Entry(LoadedModel model) {
      this.model = model;
    }
  }

  private static final Map<Key, Entry> MODELS = new HashMap<>();

  private SharedModels() {}

  public static synchronized LoadedModel acquire(ModelRef ref, ExecutionOptions options) {
    Entry entry = MODELS.computeIfAbsent(new Key(ref, options), k -> new Entry(LoadedModel.load(ref, options)));
    entry.users++;
    return entry.model;
  }

  public static synchronized void release(ModelRef ref, ExecutionOptions options) {
    Key key = new Key(ref, options);
    Entry entry = MODELS.get(key);
    if (entry != null && --entry.users == 0) {
      MODELS.remove(key);
      entry.model.close();
    }
  }
}
