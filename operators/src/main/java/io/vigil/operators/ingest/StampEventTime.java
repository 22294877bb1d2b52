package io.vigil.operators.ingest;

import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.function.SerializableFunction;

/**
 * Sets each decoded record's Flink timestamp to the time in its payload and forwards watermarks
 * untouched: the watermarks come from the source, per Kafka partition ({@link RawEventTime}), and
 * unlike Flink's timestamp-assigning operator this one must not replace them.
 */
public final class StampEventTime<T> extends AbstractStreamOperator<T> implements OneInputStreamOperator<T, T> {

  private final SerializableFunction<T, Long> time;

  public StampEventTime(SerializableFunction<T, Long> time) {
    this.time = time;
  }

  @Override
  public void processElement(StreamRecord<T> element) throws Exception {
    output.collect(element.replace(element.getValue(), time.apply(element.getValue())));
  }
}
