package io.vigil.schemas.wire;

import static io.vigil.schemas.wire.WireCodecTest.concat;
import static io.vigil.schemas.wire.WireCodecTest.varint;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/** The structural walk on schema shapes Vigil's own records do not use. */
class BodyBoundsTest {

  private static final Schema LIST = new Schema.Parser().parse("""
      {"type": "record", "name": "Node", "fields": [
        {"name": "value", "type": "int"},
        {"name": "next", "type": ["null", "Node"]}]}""");

  private static final Schema SHAPES = new Schema.Parser().parse("""
      {"type": "record", "name": "Shapes", "fields": [
        {"name": "flag", "type": "boolean"},
        {"name": "kind", "type": {"type": "enum", "name": "Kind", "symbols": ["A", "B"]}},
        {"name": "tags", "type": {"type": "map", "values": "long"}},
        {"name": "nulls", "type": {"type": "array", "items": "null"}},
        {"name": "id", "type": {"type": "fixed", "name": "Id", "size": 2}}]}""");

  /** A linked list {@code depth} nodes long. */
  private static byte[] list(int depth) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < depth; i++) {
      out.writeBytes(varint(i));
      out.writeBytes(varint(i == depth - 1 ? 0 : 1));
    }
    return out.toByteArray();
  }

  @Test
  void recursionIsBoundedSoNoInputCanOverflowTheStack() {
    assertThat(BodyBounds.check(LIST, list(10), 0)).isNull();
    assertThat(BodyBounds.check(LIST, list(100_000), 0)).startsWith("nested deeper than " + BodyBounds.MAX_DEPTH);
  }

  @Test
  void everyShapeIsWalkedAndItsBoundsChecked() {
    byte[] valid = concat(new byte[] {1}, varint(1), varint(1), varint(1), "k".getBytes(), varint(9), varint(0),
        varint(3), varint(0), new byte[] {7, 7});
    assertThat(BodyBounds.check(SHAPES, valid, 0)).isNull();
    assertThat(BodyBounds.check(SHAPES, concat(new byte[] {2}), 0)).startsWith("boolean byte 2");
    assertThat(BodyBounds.check(SHAPES, concat(new byte[] {0}, varint(2)), 0)).startsWith("enum index 2 of 2");
    assertThat(BodyBounds.check(SHAPES, concat(new byte[] {0}, varint(0), varint(1), varint(50)), 0))
        .startsWith("map key length 50");
    // Zero-byte items still count: an array of nulls cannot claim more items than the record has bytes.
    assertThat(BodyBounds.check(SHAPES, concat(new byte[] {0}, varint(0), varint(0), varint(1_000_000)), 0))
        .startsWith("collections claim more items");
    assertThat(BodyBounds.check(SHAPES, concat(new byte[] {0}, varint(0), varint(0), varint(0), new byte[] {7}), 0))
        .startsWith("truncated");
    assertThat(BodyBounds.check(LIST, concat(varint(1), varint(5)), 0)).startsWith("union index 5 of 2");
  }
}
