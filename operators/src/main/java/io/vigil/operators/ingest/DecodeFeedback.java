package io.vigil.operators.ingest;

import io.vigil.schemas.DeadLetterReason;
import io.vigil.schemas.Feedback;
import io.vigil.schemas.wire.Decoded;
import io.vigil.schemas.wire.WireCodec;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/** Decodes labels from the feedback topic; bad ones become dead letters, like bad events. */
public final class DecodeFeedback extends ProcessFunction<RawRecord, Feedback> {

  private transient WireCodec<Feedback> codec;
  private transient Rejections rejections;

  @Override
  public void open(OpenContext context) {
    codec = new WireCodec<>(Feedback.getClassSchema());
    rejections = new Rejections(getRuntimeContext().getMetricGroup());
  }

  @Override
  public void processElement(RawRecord raw, Context ctx, Collector<Feedback> out) {
    Decoded<Feedback> decoded = codec.decode(raw.value);
    long now = ctx.timerService().currentProcessingTime();
    if (!decoded.isOk()) {
      ctx.output(Rejections.TAG, rejections.reject(raw, Rejections.reasonFor(decoded.failure()), decoded.message(), now));
    } else if (decoded.value().getEventId().isEmpty()) {
      ctx.output(Rejections.TAG, rejections.reject(raw, DeadLetterReason.MISSING_FIELD, "eventId must not be empty", now));
    } else {
      out.collect(decoded.value());
    }
  }
}
