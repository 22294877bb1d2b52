package io.vigil.pipelines.job;

import java.util.Locale;

/**
 * Where keyed state lives. {@code HASHMAP}: Java objects on the heap, fastest while the state fits
 * in memory, every checkpoint a full copy. {@code ROCKSDB}: serialized on local disk (memory
 * bounded by Flink's managed memory), checkpoints incremental (only new SST files are uploaded),
 * for state that outgrows the heap or checkpoints that would be too large to copy whole.
 */
public enum StateBackend {
  HASHMAP,
  ROCKSDB;

  /** Flink's {@code state.backend.type} value. */
  public String flinkName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Incremental checkpoints need a backend that can share files between checkpoints: RocksDB. */
  public boolean incrementalCheckpoints() {
    return this == ROCKSDB;
  }
}
