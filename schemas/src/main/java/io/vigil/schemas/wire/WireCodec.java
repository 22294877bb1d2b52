package io.vigil.schemas.wire;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;

/**
 * Avro single-object encoding (magic 0xC3 0x01, 8-byte CRC-64 schema fingerprint, binary body)
 * for one record type: any language's Avro library can produce it, and the fingerprint tells a
 * reader which schema wrote the bytes. Decoding never throws and is bounded: a record longer than
 * {@code maxRecordBytes} is refused unread, and the body is checked by {@link BodyBounds} before
 * Avro allocates anything from its length prefixes, so no input can exhaust the heap or the stack.
 * Bytes written by an earlier version of the schema ({@link SchemaHistory}) are resolved to the
 * current one (new fields take their defaults); any other fingerprint is an unknown schema.
 *
 * <p>Not serializable and not thread-safe (Avro's encoders reuse buffers): create one per task.
 */
public final class WireCodec<T extends SpecificRecord> {

  /** Default largest record decoded: 1 MiB, Kafka's default maximum message size. */
  public static final int DEFAULT_MAX_RECORD_BYTES = 1 << 20;

  private static final int HEADER_BYTES = 10;

  /** A schema this codec reads: the bytes' layout (for the bounds walk) and its resolving reader. */
  private record Writer<T>(Schema schema, SpecificDatumReader<T> reader) {}

  private final Schema schema;
  private final long fingerprint;
  private final int maxRecordBytes;
  private final BinaryMessageEncoder<T> encoder;
  private final Map<Long, Writer<T>> writers = new HashMap<>();
  private BinaryDecoder decoder;

  public WireCodec(Schema schema) {
    this(schema, DEFAULT_MAX_RECORD_BYTES, List.of());
  }

  public WireCodec(Schema schema, int maxRecordBytes) {
    this(schema, maxRecordBytes, List.of());
  }

  /** Also decodes what the {@code earlierWriters} wrote (see {@link SchemaHistory}), resolved to {@code schema}. */
  public WireCodec(Schema schema, List<Schema> earlierWriters) {
    this(schema, DEFAULT_MAX_RECORD_BYTES, earlierWriters);
  }

  public WireCodec(Schema schema, int maxRecordBytes, List<Schema> earlierWriters) {
    if (maxRecordBytes <= HEADER_BYTES) {
      throw new IllegalArgumentException("maxRecordBytes must exceed the " + HEADER_BYTES + "-byte header: " + maxRecordBytes);
    }
    this.schema = schema;
    this.fingerprint = SchemaNormalization.parsingFingerprint64(schema);
    this.maxRecordBytes = maxRecordBytes;
    this.encoder = new BinaryMessageEncoder<>(SpecificData.get(), schema);
    for (Schema writer : earlierWriters) {
      writers.put(SchemaNormalization.parsingFingerprint64(writer),
          new Writer<>(writer, new SpecificDatumReader<>(writer, schema, SpecificData.get())));
    }
    writers.put(fingerprint, new Writer<>(schema, new SpecificDatumReader<>(schema, schema, SpecificData.get())));
  }

  public byte[] encode(T record) {
    try {
      ByteBuffer buffer = encoder.encode(record);
      byte[] bytes = new byte[buffer.remaining()];
      buffer.get(bytes);
      return bytes;
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("cannot encode " + record.getSchema().getName() + ": " + e.getMessage(), e);
    }
  }

  public Decoded<T> decode(byte[] bytes) {
    if (bytes == null || bytes.length == 0) {
      return Decoded.failed(Decoded.Failure.MALFORMED, "empty record value");
    }
    if (bytes.length > maxRecordBytes) {
      return Decoded.failed(Decoded.Failure.RECORD_TOO_LARGE,
          "record of " + bytes.length + " bytes exceeds the maximum of " + maxRecordBytes);
    }
    if (bytes.length < HEADER_BYTES || bytes[0] != (byte) 0xC3 || bytes[1] != (byte) 0x01) {
      return Decoded.failed(Decoded.Failure.MALFORMED, "not Avro single-object encoding (needs magic C3 01 and a "
          + "schema fingerprint, got " + bytes.length + " bytes)");
    }
    long written = ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    Writer<T> writer = writers.get(written);
    if (writer == null) {
      return Decoded.failed(Decoded.Failure.UNKNOWN_SCHEMA, String.format(
          "schema fingerprint %016x is not that of %s (%016x)", written, schema.getName(), fingerprint));
    }
    String problem = BodyBounds.check(writer.schema(), bytes, HEADER_BYTES);
    if (problem != null) {
      return Decoded.failed(Decoded.Failure.MALFORMED, "corrupt Avro body: " + problem);
    }
    try {
      decoder = DecoderFactory.get().binaryDecoder(bytes, HEADER_BYTES, bytes.length - HEADER_BYTES, decoder);
      return Decoded.ok(writer.reader().read(null, decoder));
    } catch (IOException | RuntimeException e) {
      // The structure was checked; what is left (an invalid logical value, say) is still input's fault.
      return Decoded.failed(Decoded.Failure.MALFORMED, "corrupt Avro body: " + e);
    }
  }
}
