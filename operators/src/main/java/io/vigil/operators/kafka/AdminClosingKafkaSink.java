package io.vigil.operators.kafka;

import java.io.IOException;
import java.lang.reflect.Field;
import java.util.Collection;
import java.util.List;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.kafka.sink.KafkaCommittable;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.KafkaWriterState;
import org.apache.flink.connector.kafka.sink.TwoPhaseCommittingStatefulSink;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.streaming.api.connector.sink2.CommittableMessage;
import org.apache.flink.streaming.api.connector.sink2.SupportsPostCommitTopology;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.lineage.LineageVertex;
import org.apache.flink.streaming.api.lineage.LineageVertexProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flink's {@link KafkaSink}, with every writer's Kafka admin client closed when the writer closes.
 *
 * <p>With the POOLING transaction naming (exactly-once), the connector's exactly-once writer
 * (flink-connector-kafka 5.0.0-2.2) opens an admin client at start-up to list lingering
 * transactions and never closes it: each writer start — every job start, every restart after a
 * failure — left an admin client thread and its broker connection behind (measured: 214 such
 * threads in one benchmark JVM after ~15 jobs). A job that restarts now and then for a year would
 * run its TaskManagers out of threads. Everything else is the wrapped sink's.
 */
public final class AdminClosingKafkaSink<T> implements TwoPhaseCommittingStatefulSink<T, KafkaWriterState, KafkaCommittable>,
    SupportsPostCommitTopology<KafkaCommittable>, LineageVertexProvider {

  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(AdminClosingKafkaSink.class);

  private final KafkaSink<T> sink;

  public AdminClosingKafkaSink(KafkaSink<T> sink) {
    this.sink = sink;
  }

  @Override
  public PrecommittingStatefulSinkWriter<T, KafkaWriterState, KafkaCommittable> createWriter(WriterInitContext context)
      throws IOException {
    return new Writer<>(sink.createWriter(context));
  }

  @Override
  public PrecommittingStatefulSinkWriter<T, KafkaWriterState, KafkaCommittable> restoreWriter(WriterInitContext context,
      Collection<KafkaWriterState> recoveredState) throws IOException {
    return new Writer<>(sink.restoreWriter(context, recoveredState));
  }

  @Override
  public SimpleVersionedSerializer<KafkaWriterState> getWriterStateSerializer() {
    return sink.getWriterStateSerializer();
  }

  @Override
  public Committer<KafkaCommittable> createCommitter(CommitterInitContext context) throws IOException {
    return sink.createCommitter(context);
  }

  @Override
  public SimpleVersionedSerializer<KafkaCommittable> getCommittableSerializer() {
    return sink.getCommittableSerializer();
  }

  @Override
  public void addPostCommitTopology(DataStream<CommittableMessage<KafkaCommittable>> committables) {
    sink.addPostCommitTopology(committables);
  }

  @Override
  public LineageVertex getLineageVertex() {
    return sink.getLineageVertex();
  }

  /** The connector's writer; on close, also the admin client it may have opened. */
  private static final class Writer<T> implements PrecommittingStatefulSinkWriter<T, KafkaWriterState, KafkaCommittable> {

    private final PrecommittingStatefulSinkWriter<T, KafkaWriterState, KafkaCommittable> writer;

    Writer(PrecommittingStatefulSinkWriter<T, KafkaWriterState, KafkaCommittable> writer) {
      this.writer = writer;
    }

    @Override
    public void write(T element, Context context) throws IOException, InterruptedException {
      writer.write(element, context);
    }

    @Override
    public void flush(boolean endOfInput) throws IOException, InterruptedException {
      writer.flush(endOfInput);
    }

    @Override
    public void writeWatermark(Watermark watermark) throws IOException, InterruptedException {
      writer.writeWatermark(watermark);
    }

    @Override
    public Collection<KafkaCommittable> prepareCommit() throws IOException, InterruptedException {
      return writer.prepareCommit();
    }

    @Override
    public List<KafkaWriterState> snapshotState(long checkpointId) throws IOException {
      return writer.snapshotState(checkpointId);
    }

    @Override
    public void close() throws Exception {
      try {
        writer.close();
      } finally {
        closeAdminClient(writer);
      }
    }
  }

  /** The writer's {@code adminClient} field, if it has one and it was opened (only exactly-once writers do). */
  static void closeAdminClient(Object writer) {
    for (Class<?> c = writer.getClass(); c != null; c = c.getSuperclass()) {
      Field field;
      try {
        field = c.getDeclaredField("adminClient");
      } catch (NoSuchFieldException e) {
        continue;
      }
      try {
        field.setAccessible(true);
        if (field.get(writer) instanceof AutoCloseable admin) {
          admin.close();
        }
      } catch (Exception e) {
        LOG.warn("Could not close the Kafka admin client of {}: its thread may outlive the writer", writer.getClass().getName(), e);
      }
      return;
    }
  }
}
