package io.vigil.pipelines.job;

import io.vigil.operators.alerts.AlertDetector;
import io.vigil.operators.AvroTypes;
import io.vigil.operators.ingest.DecodeEvents;
import io.vigil.operators.ingest.DecodeModelUpdates;
import io.vigil.operators.lifecycle.ModelEvents;
import io.vigil.operators.lifecycle.ValidateModelUpdates;
import io.vigil.operators.scoring.MicroBatchScorer;
import io.vigil.operators.scoring.ModelRoles;
import io.vigil.operators.ingest.RawRecord;
import io.vigil.operators.ingest.StampEventTime;
import io.vigil.operators.onnx.ModelCatalog;
import io.vigil.operators.onnx.ModelSpec;
import io.vigil.schemas.Alert;
import io.vigil.schemas.DeadLetter;
import io.vigil.schemas.ModelEvent;
import io.vigil.schemas.ModelUpdate;
import io.vigil.schemas.Score;
import io.vigil.schemas.SequenceEvent;
import java.util.List;
import java.util.Set;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The scoring topology, independent of sources and sinks: raw events and model updates in;
 * scores, dead letters, alerts and model events out. Production feeds it from Kafka, tests from
 * in-memory sources.
 */
public final class ScoringTopology {

  /**
   * The topology's output streams, and the checked models it starts with (champions and
   * challengers; updates may replace them while it runs).
   */
  public record Outputs(DataStream<Score> scores, DataStream<DeadLetter> deadLetters, DataStream<Alert> alerts,
      DataStream<ModelEvent> modelEvents, List<ModelSpec> models) {}

  private ScoringTopology() {}

  /**
   * Checks the models' contract (a bad one fails here, before submission) and wires the
   * operators. The check runs on CPU: the client may have no GPU; the device is checked where the
   * scorer opens its sessions.
   */
  public static Outputs attach(DataStream<RawRecord> raw, DataStream<RawRecord> rawUpdates, ScoringSettings settings) {
    List<ModelSpec> specs = ModelCatalog.check(settings.models(), settings.execution().onCpu(),
        Set.of(AlertDetector.DECISION_MODEL));
    ModelRoles roles = ModelRoles.assign(settings.models(), specs, settings.challengers());
    SingleOutputStreamOperator<SequenceEvent> events = raw
        .process(new DecodeEvents(specs.get(0).features(), settings.ingest()), AvroTypes.of(SequenceEvent.class))
        .name("decode-validate").uid("decode-validate");
    DataStream<DeadLetter> deadLetters = events.getSideOutput(DecodeEvents.DEAD_LETTERS);
    SingleOutputStreamOperator<ModelUpdate> decodedUpdates = rawUpdates
        .process(new DecodeModelUpdates(settings.ingest()), AvroTypes.of(ModelUpdate.class))
        .name("decode-model-updates").uid("decode-model-updates").setParallelism(1);
    // One judge of each update's file, so every scorer subtask receives the same accepted updates.
    SingleOutputStreamOperator<ModelUpdate> updates = decodedUpdates
        .process(new ValidateModelUpdates(), AvroTypes.of(ModelUpdate.class))
        .name("validate-model-updates").uid("validate-model-updates").setParallelism(1);
    SingleOutputStreamOperator<Score> scores = events
        // Watermarks come from the source, per partition; decoded events only get their payload's time.
        .transform("event-time", AvroTypes.of(SequenceEvent.class),
            new StampEventTime<SequenceEvent>(e -> e.getEventTime().toEpochMilli()))
        .uid("event-time")
        .keyBy(SequenceEvent::getEntityId)
        .connect(updates.broadcast())
        .transform("score", AvroTypes.of(Score.class),
            new MicroBatchScorer(settings.models(), settings.execution(), settings.batching(), settings.entityTtl(), settings.passThrough(),
                settings.warmUpEvents()).withRoles(roles))
        .uid("score");
    // Events the models failed on join the decoder's rejections: one dead-letter stream.
    deadLetters = deadLetters.union(scores.getSideOutput(MicroBatchScorer.REJECTED), decodedUpdates.getSideOutput(DecodeEvents.DEAD_LETTERS));
    DataStream<ModelEvent> modelEvents = updates.getSideOutput(ModelEvents.TAG).union(scores.getSideOutput(MicroBatchScorer.MODEL_EVENTS));
    // Scores leave the scorer already partitioned by entity: reinterpreting (not re-shuffling)
    // chains the alert detector to the scorer and saves serializing every score.
    SingleOutputStreamOperator<Alert> alerts = DataStreamUtils.reinterpretAsKeyedStream(scores, Score::getEntityId)
        .process(new AlertDetector(settings.alerts()), AvroTypes.of(Alert.class))
        .name("alerts").uid("alerts");
    // Scores leave with the alert decision attached, so it is judged against labels like a model.
    return new Outputs(alerts.getSideOutput(AlertDetector.DECISIONS), deadLetters, alerts, modelEvents, specs);
  }
}
