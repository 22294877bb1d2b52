package io.vigil.operators.ingest;

/**
 * A record exactly as read from the input topic: bytes plus where they came from. Decoding
 * happens in {@link DecodeEvents}, never in the source, so bad bytes cannot fail the source.
 * A Flink POJO (public fields, no-arg constructor) for efficient serialization.
 */
public class RawRecord {
  public byte[] value;
  public String topic;
  public int partition;
  public long offset;
  public long timestamp;

  public RawRecord() {}

  public RawRecord(byte[] value, String topic, int partition, long offset, long timestamp) {
    this.value = value;
    this.topic = topic;
    this.partition = partition;
    this.offset = offset;
    this.timestamp = timestamp;
  }
}
