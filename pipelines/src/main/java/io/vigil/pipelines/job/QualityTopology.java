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
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The quality topology: scores joined with late labels into labelled scores, and from them each
 * model version's metrics, cumulative and over a sliding window; each challenger's comparison with
 * its champion; and each model's quality-regression alarm (QUALITY alerts). Sources and sinks are
 * the caller's.
 */
public final class QualityTopology {

  /** Its output streams; dead letters are bad feedback records. */
  public record Outputs(DataStream<LabelledScore> labelled, DataStream<MetricSnapshot> metrics,
      DataStream<FeedbackIssue> feedbackIssues, DataStream<DeadLetter> deadLetters,
      DataStream<ModelComparison> comparisons, DataStream<Alert> qualityAlerts) {}

  private QualityTopology() {}

  /**
   * Feedback is decoded within the same {@code ingest} limits as events; {@code models} (the
   * scored models) hold the validation metrics the quality alarm compares with.
   */
  public static Outputs attach(DataStream<Score> scores, DataStream<RawRecord> rawFeedback, QualitySettings settings,
      IngestLimits ingest, List<ModelSpec> models) {
    SingleOutputStreamOperator<Feedback> feedback = rawFeedback
        .process(new DecodeFeedback(ingest), AvroTypes.of(Feedback.class))
        .name("decode-feedback").uid("decode-feedback");
    DataStream<DeadLetter> deadLetters = feedback.getSideOutput(DecodeEvents.DEAD_LETTERS);
    SingleOutputStreamOperator<LabelledScore> labelled = scores
        .connect(feedback.transform("feedback-time", AvroTypes.of(Feedback.class),
                new StampEventTime<Feedback>(f -> f.getTime().toEpochMilli()))
            .uid("feedback-time"))
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
        qualityAlerts);
  }
}
