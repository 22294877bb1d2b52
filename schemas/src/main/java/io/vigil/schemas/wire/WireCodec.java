package io.vigil.schemas.wire;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Avro single-object encoding (magic 0xC3 0x01, 8-byte CRC-64 schema fingerprint, binary body)
 * for one record type: any language's Avro library can produce it, and the fingerprint tells a
 * reader which schema wrote the bytes. Decoding never throws: failures come back as values.
 *
 * <p>Not serializable and not thread-safe (Avro's encoders reuse buffers): create one per task.
 */
public final class WireCodec<T extends SpecificRecord> {

  private final BinaryMessageEncoder<T> encoder;
  private final BinaryMessageDecoder<T> decoder;

  public WireCodec(Schema schema) {
    this(schema, List.of());
  }

  /**
   * Also decodes what the {@code earlierWriters} wrote (see {@link SchemaHistory}), resolved to
   * {@code schema}.
   */
  public WireCodec(Schema schema, List<Schema> earlierWriters) {
    this.encoder = new BinaryMessageEncoder<>(SpecificData.get(), schema);
    this.decoder = new BinaryMessageDecoder<>(SpecificData.get(), schema);
    earlierWriters.forEach(decoder::addSchema);
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
    try {
      return Decoded.ok(decoder.decode(bytes));
    } catch (MissingSchemaException e) {
      return Decoded.failed(Decoded.Failure.UNKNOWN_SCHEMA, e.getMessage());
    } catch (BadHeaderException e) {
      return Decoded.failed(Decoded.Failure.MALFORMED, "not Avro single-object encoding: " + e.getMessage());
    } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException | NegativeArraySizeException e) {
      return Decoded.failed(Decoded.Failure.MALFORMED, "corrupt Avro body: " + e);
    } catch (RuntimeException e) {
      // Avro surfaces some corrupt inputs as other unchecked exceptions; none may escape a source.
      return Decoded.failed(Decoded.Failure.MALFORMED, "corrupt Avro body: " + e);
    }
  }
}
