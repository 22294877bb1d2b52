package io.vigil.operators.quality;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.schemas.LabelledScore;
import io.vigil.schemas.ModelRole;
import io.vigil.schemas.ModelScore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.junit.jupiter.api.Test;

class SplitByModelTest {

  @Test
  void oneRecordPerModelThatScoredTheEventAtTheTimeThePairWasComplete() {
    LabelledScore labelled = new LabelledScore("e1", "a", Instant.ofEpochMilli(1_000),
        Instant.ofEpochMilli(4_000), true, List.of(new ModelScore("lstm", "3", 0.8f, 0.5f, ModelRole.CHAMPION, null), new ModelScore("cnn", "1", null, 0.4f, ModelRole.CHAMPION, null),
            new ModelScore("ae", "2", Float.NaN, 0.1f, ModelRole.CHAMPION, null), new ModelScore("gru", "1", 0.2f, 0.6f, ModelRole.CHAMPION, null)));
    List<LabelledModelScore> out = new ArrayList<>();

    new SplitByModel().flatMap(labelled, new ListCollector<>(out));

    assertThat(out).containsExactly(
        new LabelledModelScore("lstm", "3", 0.8f, 0.5f, true, 4_000),
        new LabelledModelScore("gru", "1", 0.2f, 0.6f, true, 4_000));
  }

  @Test
  void isAFlinkPojo() {
    assertThat(TypeInformation.of(LabelledModelScore.class)).isInstanceOf(PojoTypeInfo.class);
  }
}
