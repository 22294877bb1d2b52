package io.vigil.pipelines.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.pipelines.job.QualitySettings.LabelJoin;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

/** Which edges feed the label join: by entity the scores are not shuffled again, by eventId both sides are. */
class LabelJoinWiringTest {

  @Test
  void byEntityTheScoresComeForwardFromTheAlertDetectorAndOnlyFeedbackIsShuffled() {
    Join join = join(LabelJoin.ENTITY);

    assertThat(join.node().getTransformationUID()).isEqualTo("feedback-join-by-entity");
    assertThat(inputs(join)).isEqualTo(Map.of("alerts", "FORWARD", "feedback-time", "HASH"));
  }

  @Test
  void byEventIdBothSidesAreShuffledAndTheOldUidRestoresOldCheckpoints() {
    Join join = join(LabelJoin.EVENT);

    assertThat(join.node().getTransformationUID()).isEqualTo("feedback-join");
    assertThat(inputs(join)).isEqualTo(Map.of("alerts", "HASH", "feedback-time", "HASH"));
  }

  @Test
  void theScoresSinkReadsTheScoresTheJoinForwardsChainedToItInEveryDeliveryMode() {
    for (LabelJoin mode : LabelJoin.values()) {
      for (OutputDelivery delivery : List.of(OutputDelivery.defaults(), OutputDelivery.exactlyOnce())) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        KafkaScoringJob.attach(env, KafkaSettings.defaults("127.0.0.1:9"), ScoringJobIntegrationTest.scoring(),
            QualitySettings.defaults().withLabelJoin(mode), delivery);
        List<String> vertices = new ArrayList<>();
        env.getStreamGraph().getJobGraph().getVertices().forEach(v -> vertices.add(v.getName()));
        // One task holds the join and the scores sink's writer: the scores leave the scorer's task once.
        assertThat(vertices).as(mode + ", " + delivery)
            .anySatisfy(v -> assertThat(v).contains("feedback-join").contains("Score-sink: Writer"))
            .noneSatisfy(v -> assertThat(v).contains("score").contains("Score-sink: Writer").doesNotContain("feedback-join"));
      }
    }
  }

  @Test
  void theEntitiesAlertsSinkIsChainedToTheAlertDetectorAndQualityAlertsHaveTheirOwn() {
    for (OutputDelivery delivery : List.of(OutputDelivery.defaults(), OutputDelivery.exactlyOnce())) {
      StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
      env.setParallelism(2);
      KafkaScoringJob.attach(env, KafkaSettings.defaults("127.0.0.1:9"), ScoringJobIntegrationTest.scoring(),
          QualitySettings.defaults(), delivery);
      List<String> vertices = new ArrayList<>();
      env.getStreamGraph().getJobGraph().getVertices().forEach(v -> vertices.add(v.getName()));
      // No union in front of the alerts sink: its checkpoint barriers come from the scorer alone.
      assertThat(vertices).as(delivery.toString())
          .anySatisfy(v -> assertThat(v).contains("score -> alerts").contains("Alert-sink: Writer"))
          .anySatisfy(v -> assertThat(v).contains("quality-alarm").contains("QualityAlert-sink: Writer"));
    }
  }

  private record Join(StreamGraph graph, StreamNode node) {}

  private static Join join(LabelJoin mode) {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    KafkaScoringJob.attach(env, KafkaSettings.defaults("127.0.0.1:9"), ScoringJobIntegrationTest.scoring(),
        QualitySettings.defaults().withLabelJoin(mode));
    StreamGraph graph = env.getStreamGraph();
    List<StreamNode> joins = graph.getStreamNodes().stream().filter(n -> n.getOperatorName().equals("feedback-join")).toList();
    assertThat(joins).hasSize(1);
    return new Join(graph, joins.get(0));
  }

  /** The join's inputs: the upstream operator's name and the partitioner of the edge from it. */
  private static Map<String, String> inputs(Join join) {
    return join.node().getInEdges().stream().collect(Collectors.toMap(
        e -> join.graph().getStreamNode(e.getSourceId()).getOperatorName(), e -> e.getPartitioner().toString()));
  }
}
