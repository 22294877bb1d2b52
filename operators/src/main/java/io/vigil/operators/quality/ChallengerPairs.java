package io.vigil.operators.quality;

import io.vigil.schemas.LabelledScore;
import io.vigil.schemas.ModelRole;
import io.vigil.schemas.ModelScore;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * One {@link LabelledPair} per challenger in a labelled event whose champion scored the same
 * event: the paired data of a comparison, ready to be keyed by challenger. A missing or NaN score
 * of either model (a window model still filling its window) leaves the event out of that pair.
 */
public class ChallengerPairs implements FlatMapFunction<LabelledScore, LabelledPair> {

  private static final long serialVersionUID = 1L;

  @Override
  public void flatMap(LabelledScore labelled, Collector<LabelledPair> out) {
    for (ModelScore challenger : labelled.getScores()) {
      if (challenger.getRole() != ModelRole.CHALLENGER || challenger.getChallenges() == null || !scored(challenger)) {
        continue;
      }
      for (ModelScore champion : labelled.getScores()) {
        if (champion.getModel().equals(challenger.getChallenges()) && champion.getRole() == ModelRole.CHAMPION
            && scored(champion)) {
          out.collect(pair(labelled, champion, challenger));
        }
      }
    }
  }

  private static boolean scored(ModelScore s) {
    return s.getScore() != null && !s.getScore().isNaN();
  }

  private static LabelledPair pair(LabelledScore labelled, ModelScore champion, ModelScore challenger) {
    LabelledPair p = new LabelledPair();
    p.eventId = labelled.getEventId();
    p.champion = champion.getModel();
    p.championVersion = champion.getVersion();
    p.challenger = challenger.getModel();
    p.challengerVersion = challenger.getVersion();
    p.championScore = champion.getScore();
    p.challengerScore = challenger.getScore();
    p.championPredicted = champion.getScore() >= champion.getThreshold();
    p.challengerPredicted = challenger.getScore() >= challenger.getThreshold();
    p.label = labelled.getLabel();
    p.time = Math.max(labelled.getEventTime().toEpochMilli(), labelled.getLabelTime().toEpochMilli());
    return p;
  }
}
