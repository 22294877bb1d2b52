package io.vigil.operators.ingest;

import io.vigil.schemas.DeadLetter;
import io.vigil.schemas.wire.Decoded;
import io.vigil.schemas.wire.WireCodec;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Decodes raw input of one record type within {@link IngestLimits} and validates it: good records
 * go on, everything else becomes a {@link DeadLetter} on {@link Rejections#TAG} with its reason,
 * and is counted per reason. Nothing thrown, nothing dropped.
 */
abstract class ValidatingDecoder<T extends SpecificRecord> extends ProcessFunction<RawRecord, T> {

  protected final IngestLimits limits;
  private transient WireCodec<T> codec;
  private transient Rejections rejections;

  ValidatingDecoder(IngestLimits limits) {
    this.limits = limits;
  }

  /** The schema records must be written with. */
  abstract Schema schema();

  /** Earlier versions of {@link #schema()} whose records are still read (oldest first). */
  List<Schema> earlierSchemas() {
    return List.of();
  }

  /** Null when {@code record}, decoded at processing time {@code now}, can be used; else why not. */
  abstract Invalid validate(T record, long now);

  @Override
  public void open(OpenContext context) {
    codec = new WireCodec<>(schema(), limits.maxRecordBytes(), earlierSchemas());
    rejections = new Rejections(getRuntimeContext().getMetricGroup(), limits.deadLetterMaxBytes());
  }

  @Override
  public void processElement(RawRecord raw, Context ctx, Collector<T> out) {
    long now = ctx.timerService().currentProcessingTime();
    Decoded<T> decoded = codec.decode(raw.value);
    Invalid invalid = decoded.isOk()
        ? validate(decoded.value(), now)
        : new Invalid(Rejections.reasonFor(decoded.failure()), decoded.message());
    if (invalid == null) {
      out.collect(decoded.value());
    } else {
      ctx.output(Rejections.TAG, rejections.reject(raw, invalid, now));
    }
  }
}
