package io.vigil.operators.quality;

import io.vigil.schemas.LabelledScore;
import io.vigil.schemas.ModelScore;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * One {@link LabelledModelScore} per model that scored a labelled event, ready to be keyed by
 * model. A model without a score for the event (null: a window model still filling its window)
 * or with a NaN score has nothing to rank and is left out.
 */
public class SplitByModel implements FlatMapFunction<LabelledScore, LabelledModelScore> {

  private static final long serialVersionUID = 1L;

  @Override
  public void flatMap(LabelledScore labelled, Collector<LabelledModelScore> out) {
    long time = Math.max(labelled.getEventTime().toEpochMilli(), labelled.getLabelTime().toEpochMilli());
    for (ModelScore s : labelled.getScores()) {
      if (s.getScore() != null && !s.getScore().isNaN()) {
        out.collect(new LabelledModelScore(
            s.getModel(), s.getVersion(), s.getScore(), s.getThreshold(), labelled.getLabel(), time));
      }
    }
  }
}
