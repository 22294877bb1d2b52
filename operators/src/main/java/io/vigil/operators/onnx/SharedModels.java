package io.vigil.operators.onnx;

import java.util.HashMap;
import java.util.Map;

/**
 * One ONNX Runtime session per model per JVM, shared by every slot of a TaskManager (sessions
 * are thread-safe and hold the weights once). Reference-counted: the last release closes it.
 */
public final class SharedModels {

  /** {@code sha256} null: whatever the file holds (models named at job start). */
  private record Key(ModelRef ref, String sha256, ExecutionOptions options) {}

  private static final class Entry {
    final LoadedModel model;
    int users;

    Entry(LoadedModel model) {
      this.model = model;
    }
  }

  private static final Map<Key, Entry> MODELS = new HashMap<>();

  private SharedModels() {}

  public static LoadedModel acquire(ModelRef ref, ExecutionOptions options) {
    return acquire(ref, null, options);
  }

  /**
   * The model whose file has exactly the bytes of {@code sha256} (hex), or whatever the file holds
   * when null. A file at the same place with other bytes is another model: it gets its own session.
   */
  public static synchronized LoadedModel acquire(ModelRef ref, String sha256, ExecutionOptions options) {
    Entry entry = MODELS.computeIfAbsent(new Key(ref, sha256, options), k -> new Entry(load(ref, sha256, options)));
    entry.users++;
    return entry.model;
  }

  private static LoadedModel load(ModelRef ref, String sha256, ExecutionOptions options) {
    if (sha256 == null) {
      return LoadedModel.load(ref, options);
    }
    byte[] bytes = LoadedModel.read(ref);
    String actual = ModelDigest.sha256(bytes);
    if (!actual.equalsIgnoreCase(sha256)) {
      throw new ModelContractException("model " + ref + ": its bytes have sha256 " + actual + ", expected " + sha256);
    }
    return LoadedModel.fromBytes(ref, bytes, options);
  }

  public static void release(ModelRef ref, ExecutionOptions options) {
    release(ref, null, options);
  }

  public static synchronized void release(ModelRef ref, String sha256, ExecutionOptions options) {
    Key key = new Key(ref, sha256, options);
    Entry entry = MODELS.get(key);
    if (entry != null && --entry.users == 0) {
      MODELS.remove(key);
      entry.model.close();
    }
  }
}
