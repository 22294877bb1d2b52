package io.vigil.pipelines.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayCsvTest {

  @TempDir
  Path dir;

  @Test
  void readsIsoAndEpochTimesInTimeOrderWithGeneratedEventIds() throws Exception {
    Path csv = dir.resolve("d.csv");
    Files.writeString(csv, String.join("\n",
        "entity_id,time,cpu,kind,label,mem",
        "b,2014-03-01T17:35:00Z,2,spike,1,20",
        "a,2014-03-01 17:34:00,1,none,0,10",
        "\"a,x\",1393695300000,3,none,0,30",
        "a,2014-03-01T18:34:00+01:00,4,none,0,40",
        ""));
    ReplayCsv.Data data = ReplayCsv.read(csv, null);
    assertThat(data.featureNames()).containsExactly("cpu", "mem");
    assertThat(data.labelled()).isTrue();
    assertThat(data.rows()).extracting(ReplayCsv.Row::eventId).containsExactly("a#0", "a#1", "b#0", "a,x#0");
    assertThat(data.rows()).extracting(ReplayCsv.Row::timeMillis)
        .containsExactly(1_393_695_240_000L, 1_393_695_240_000L, 1_393_695_300_000L, 1_393_695_300_000L);
    assertThat(data.rows().get(2).features()).containsExactly(2f, 20f);
    assertThat(data.rows().get(2).label()).isTrue();
    assertThat(data.entities()).isEqualTo(3);
    assertThat(ReplayCsv.read(csv, List.of("mem")).rows().get(0).features()).containsExactly(10f);
  }

  @Test
  void badInputIsOneLineNamingTheFileAndLine() throws Exception {
    Path csv = dir.resolve("bad.csv");
    Files.writeString(csv, "entity_id,time,v\na,2014-03-01T00:00:00Z,1\na,yesterday,2\n");
    assertThatThrownBy(() -> ReplayCsv.read(csv, null)).hasMessage(csv + ":3: cannot parse row (time 'yesterday' is neither "
        + "epoch milliseconds nor ISO-8601 (e.g. 2014-03-01T17:34:00Z))");
    Files.writeString(csv, "entity,time,v\n");
    assertThatThrownBy(() -> ReplayCsv.read(csv, null)).hasMessageContaining("missing required column 'entity_id'");
    Files.writeString(csv, "entity_id,time,event_id,v\na,1,x,1\nb,2,x,2\n");
    assertThatThrownBy(() -> ReplayCsv.read(csv, null)).hasMessageContaining("event_id 'x' appears twice");
    assertThatThrownBy(() -> ReplayCsv.read(csv, List.of("w"))).hasMessageContaining("feature columns [w] not found");
  }

  @Test
  void labelPlanIsReproducibleAndLeavesOutItsShare() {
    LabelPlan plan = new LabelPlan(0, 0.3, 9);
    long labelled = java.util.stream.IntStream.range(0, 10_000).filter(i -> plan.labelled("e#" + i)).count();
    assertThat(labelled).isBetween(6_700L, 7_300L);
    assertThat(new LabelPlan(0, 0.3, 9).labelled("e#17")).isEqualTo(plan.labelled("e#17"));
    assertThat(new LabelPlan(0, 0, 9).labelled("anything")).isTrue();
  }
}
