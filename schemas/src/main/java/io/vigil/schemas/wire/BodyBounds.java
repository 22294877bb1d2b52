package io.vigil.schemas.wire;

import java.util.List;
import org.apache.avro.Schema;

/**
 * Walks an Avro binary body against the schema that wrote it, without allocating, before Avro
 * decodes it. Avro sizes its buffers from the length prefixes in the bytes (a 15-byte record can
 * claim a 2 GB string); its own limits ({@code org.apache.avro.limits.*}) are JVM-wide system
 * properties read once when Avro's classes load, so a job cannot set them safely. Here every
 * string or bytes length must fit in the bytes that remain, all collections of the record
 * together hold at most as many items as the record has bytes, nesting is at most
 * {@link #MAX_DEPTH} deep, and the body must end exactly at the end of the record. After a pass,
 * decoding allocates at most a small multiple of the record's size.
 */
final class BodyBounds {

  /** Deeper than any Vigil schema; bounds recursion (recursive schemas) so no stack can overflow. */
  static final int MAX_DEPTH = 32;

  private final byte[] bytes;
  private final int end;
  private final long maxItems;
  private int pos;
  private long items;

  private BodyBounds(byte[] bytes, int offset) {
    this.bytes = bytes;
    this.pos = offset;
    this.end = bytes.length;
    this.maxItems = bytes.length - offset;
  }

  /** Null when {@code bytes[offset..]} is exactly one well-formed {@code schema} value, else what is wrong. */
  static String check(Schema schema, byte[] bytes, int offset) {
    BodyBounds walk = new BodyBounds(bytes, offset);
    try {
      walk.value(schema, 0);
    } catch (Bad e) {
      return e.getMessage() + " at byte " + walk.pos;
    }
    if (walk.pos != walk.end) {
      return (walk.end - walk.pos) + " trailing bytes after a complete " + schema.getName();
    }
    return null;
  }

  private void value(Schema s, int depth) {
    if (depth > MAX_DEPTH) {
      throw new Bad("nested deeper than " + MAX_DEPTH);
    }
    switch (s.getType()) {
      case NULL -> { }
      case BOOLEAN -> {
        int b = next();
        if (b > 1) {
          throw new Bad("boolean byte " + b);
        }
      }
      case INT -> varint(5);
      case LONG -> varint(10);
      case FLOAT -> skip(4);
      case DOUBLE -> skip(8);
      case FIXED -> skip(s.getFixedSize());
      case STRING, BYTES -> skip(length(s.getType().getName()));
      case ENUM -> index(s.getEnumSymbols().size(), "enum");
      case UNION -> {
        List<Schema> branches = s.getTypes();
        value(branches.get(index(branches.size(), "union")), depth + 1);
      }
      case RECORD -> {
        for (Schema.Field field : s.getFields()) {
          value(field.schema(), depth + 1);
        }
      }
      case ARRAY -> blocks(s.getElementType(), false, depth);
      case MAP -> blocks(s.getValueType(), true, depth);
      default -> throw new Bad("unsupported type " + s.getType());
    }
  }

  /** Arrays and maps: blocks of {@code count} items, a negative count followed by the block's byte size; 0 ends. */
  private void blocks(Schema item, boolean map, int depth) {
    for (long count = varint(10); count != 0; count = varint(10)) {
      if (count < 0) {
        if (count == Long.MIN_VALUE) {
          throw new Bad("collection block count out of range");
        }
        count = -count;
        length("collection block");
      }
      items += Math.min(count, maxItems + 1);
      if (items > maxItems) {
        throw new Bad("collections claim more items than the record has bytes (" + maxItems + ")");
      }
      for (long i = 0; i < count; i++) {
        if (map) {
          skip(length("map key"));
        }
        value(item, depth + 1);
      }
    }
  }

  private int index(int size, String what) {
    long i = varint(5);
    if (i < 0 || i >= size) {
      throw new Bad(what + " index " + i + " of " + size);
    }
    return (int) i;
  }

  /** A length prefix that must fit in the bytes that remain. */
  private int length(String what) {
    long n = varint(10);
    if (n < 0 || n > end - pos) {
      throw new Bad(what + " length " + n + " but " + (end - pos) + " bytes remain");
    }
    return (int) n;
  }

  /** An Avro zig-zag varint of at most {@code maxBytes} bytes. */
  private long varint(int maxBytes) {
    long raw = 0;
    for (int i = 0; i < maxBytes; i++) {
      int b = next();
      raw |= (long) (b & 0x7f) << (7 * i);
      if ((b & 0x80) == 0) {
        return (raw >>> 1) ^ -(raw & 1);
      }
    }
    throw new Bad("varint longer than " + maxBytes + " bytes");
  }

  private int next() {
    skip(1);
    return bytes[pos - 1] & 0xff;
  }

  private void skip(int n) {
    if (n > end - pos) {
      throw new Bad("truncated: needs " + n + " more bytes, " + (end - pos) + " remain");
    }
    pos += n;
  }

  /** A structural problem; never leaves this class. */
  private static final class Bad extends RuntimeException {
    Bad(String message) {
      super(message, null, false, false);
    }
  }
}
