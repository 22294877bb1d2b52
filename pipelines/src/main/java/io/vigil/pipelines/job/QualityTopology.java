package io.vigil.pipelines.job;

import io.vigil.operators.AvroTypes;
import io.vigil.operators.alerts.QualityAlarm;
import io.vigil.operators.onnx.ModelSpec;
import io.vigil.operators.quality.ChallengerComparison;
import io.vigil.operators.quality.ChallengerPairs;
import io.vigil.operators.quality.LabelledPair;
import io.vigil.operators.ingest.DecodeEvents;
import io.vigil.operators.ingest.DecodeFeedback;
import io.vigil.operators.ingest.IngestLimits;
import io.vigil.operators.quality.FeedbackJoin;
import io.vigil.operators.quality.FeedbackJoinByEntity;
import io.vigil.operators.quality.LabelledModelScore;
import io.vigil.operators.ingest.RawRecord;
import io.vigil.operators.ingest.StampEventTime;
import io.vigil.operators.quality.SplitByModel;
import io.vigil.operators.quality.StreamingBinaryMetrics;
import io.vigil.schemas.Alert;
import io.vigil.schemas.DeadLetter;
import io.vigil.schemas.Feedback;
import io.vigil.schemas.FeedbackIssue;
import io.vigil.schemas.LabelledScore;
import io.vigil.schemas.MetricSnapshot;
import io.vigil.schemas.ModelComparison;
import io.vigil.schemas.Score;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The quality topology: scores joined with late labels (by entity or by eventId, as the settings
 * say) into labelled scores, and from them each
 * model version's metrics, cumulative and over a sliding window; each challenger's comparison with
 * its champion; and each model's quality-regression alarm (QUALITY alerts). Sources and sinks are
 * the caller's.
 */
public final class QualityTopology {

  /**
   * Its output streams; dead letters are bad feedback records; {@code scores} are the scores the
   * join received, forwarded unchanged (the scores sink reads them there, chained to the join).
   */
  public record Outputs(DataStream<LabelledScore> labelled, DataStream<MetricSnapshot> metrics,
      DataStream<FeedbackIssue> feedbackIssues, DataStream<DeadLetter> deadLetters,
      DataStream<ModelComparison> comparisons, DataStream<Alert> qualityAlerts, DataStream<Score> scores) {}

  private QualityTopology() {}

  /**
   * Feedback is decoded within the same {@code ingest} limits as events; {@code models} (the
   * scored models) hold the validation metrics the quality alarm compares with. Joined by entity,
   * {@code scores} must be partitioned by entity as the scoring topology leaves them.
   */
  public static Outputs attach(DataStream<Score> scores, DataStream<RawRecord> rawFeedback, QualitySettings settings,
      IngestLimits ingest, List<ModelSpec> models) {
    boolean byEntity = settings.labelJoin() == QualitySettings.LabelJoin.ENTITY;
    SingleOutputStreamOperator<Feedback> feedback = rawFeedback
        .process(new DecodeFeedback(ingest, byEntity), AvroTypes.of(Feedback.class))
        .name("decode-feedback").uid("decode-feedback");
    DataStream<DeadLetter> deadLetters = feedback.getSideOutput(DecodeEvents.DEAD_LETTERS);
    DataStream<Feedback> timedFeedback = feedback.transform("feedback-time", AvroTypes.of(Feedback.class),
            new StampEventTime<Feedback>(f -> f.getTime().toEpochMilli()))
        .uid("feedback-time");
    SingleOutputStreamOperator<LabelledScore> labelled = byEntity
        ? joinByEntity(scores, timedFeedback, settings)
        : scores.connect(timedFeedback)
            .keyBy(Score::getEventId, Feedback::getEventId)
            .process(new FeedbackJoin(settings.labelTtl()), AvroTypes.of(LabelledScore.class))
            .name("feedback-join").uid("feedback-join");
    DataStream<MetricSnapshot> metrics = labelled
        .flatMap(new SplitByModel(), TypeInformation.of(LabelledModelScore.class))
        .name("split-by-model").uid("split-by-model")
        .keyBy(LabelledModelScore::modelVersion, Types.STRING)
        .process(new StreamingBinaryMetrics(settings.metricsWindow(), settings.metricsSlide(), settings.metricsMaxDistinct()), AvroTypes.of(MetricSnapshot.class))
        .name("quality-metrics").uid("quality-metrics");
    DataStream<ModelComparison> comparisons = labelled
        .flatMap(new ChallengerPairs(), TypeInformation.of(LabelledPair.class))
        .name("challenger-pairs").uid("challenger-pairs")
        .keyBy(p -> p.challenger, Types.STRING)
        .process(new ChallengerComparison(settings.comparison()), AvroTypes.of(ModelComparison.class))
        .name("challenger-comparison").uid("challenger-comparison");
    DataStream<Alert> qualityAlerts = metrics
        .keyBy(MetricSnapshot::getModel, Types.STRING)
        .process(new QualityAlarm(settings.qualityRules(models)), AvroTypes.of(Alert.class))
        .name("quality-alarm").uid("quality-alarm");
    return new Outputs(labelled, metrics, labelled.getSideOutput(FeedbackJoin.ISSUES), deadLetters, comparisons,
        qualityAlerts, labelled.getSideOutput(FeedbackJoin.SCORES));
  }

  /**
   * Scores arrive partitioned by entity (they come from the alert detector, keyed by entity with the
   * scorer's parallelism): reinterpreted, not re-shuffled, they reach the join over a forward edge,
   * subtask to subtask; only the feedback is shuffled, by its entityId. Flink chains no operator
   * with two inputs to its upstream, so the scores are still serialized once on that local edge.
   * Its own uid: state of the eventId join ({@code feedback-join}) is not this operator's.
   */
  private static SingleOutputStreamOperator<LabelledScore> joinByEntity(DataStream<Score> scores,
      DataStream<Feedback> feedback, QualitySettings settings) {
    return DataStreamUtils.reinterpretAsKeyedStream(scores, Score::getEntityId)
        .connect(feedback.keyBy(Feedback::getEntityId))
        .transform("feedback-join", AvroTypes.of(LabelledScore.class),
            new FeedbackJoinByEntity(settings.labelTtl(), settings.labelJoinMaxPerEntity()))
        .uid("feedback-join-by-entity");
  }
}
