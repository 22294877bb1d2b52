package io.vigil.operators.quality;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.schemas.Feedback;
import io.vigil.schemas.FeedbackIssue;
import io.vigil.schemas.LabelledScore;
import io.vigil.schemas.ModelRole;
import io.vigil.schemas.ModelScore;
import io.vigil.schemas.Score;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Property: on any arrival order of scores and labels (early and late labels, repeated labels and
 * scores, labels of unknown events, labels behind the watermark, watermarks advancing in jumps),
 * the join by entity gives exactly what the join by eventId gives: the same labelled scores and
 * issues (as multisets: when unlabelled / unmatched are reported may differ by a bucket) and the
 * same counters, also when both are snapshotted and restored mid-stream.
 */
class FeedbackJoinEquivalenceTest {

  private static final Duration TTL = Duration.ofMillis(1_000);
  private static final int RUNS = 300;

  @Test
  void entityJoinDecidesAsTheEventIdJoinOnRandomInterleavings() throws Exception {
    Map<String, Long> total = new TreeMap<>();
    for (int seed = 0; seed < RUNS; seed++) {
      Map<String, Long> counts = compare(seed, seed % 3 == 0);
      counts.forEach((name, n) -> total.merge(name, n, Long::sum));
    }
    // The generator reaches every outcome, so the comparison above covers each of them.
    assertThat(total).allSatisfy((name, n) -> assertThat(n).as(name).isGreaterThan(RUNS));
  }

  /** Feeds one random stream to both joins; returns their (equal) counters. */
  private static Map<String, Long> compare(long seed, boolean restartMidway) throws Exception {
    Random random = new Random(seed);
    List<Object> stream = stream(random);
    int restartAt = restartMidway ? random.nextInt(stream.size()) : -1;
    try (JoinRun byEventId = JoinRun.byEventId(TTL);
        JoinRun byEntity = JoinRun.byEntity(TTL, FeedbackJoinByEntity.DEFAULT_MAX_PER_ENTITY)) {
      for (int i = 0; i < stream.size(); i++) {
        if (i == restartAt) {
          byEventId.restart();
          byEntity.restart();
        }
        for (JoinRun run : List.of(byEventId, byEntity)) {
          Object item = stream.get(i);
          if (item instanceof Score s) {
            run.score(s);
          } else if (item instanceof Feedback f) {
            run.label(f);
          } else {
            run.watermark((Long) item);
          }
        }
      }
      for (JoinRun run : List.of(byEventId, byEntity)) {
        run.watermark(Long.MAX_VALUE);
      }
      String why = "seed " + seed + (restartMidway ? ", restarted before item " + restartAt : "");
      assertThat(sortedLabelled(byEntity.labelled())).as(why).isEqualTo(sortedLabelled(byEventId.labelled()));
      assertThat(sortedIssues(byEntity.issues())).as(why).isEqualTo(sortedIssues(byEventId.issues()));
      assertThat(byEntity.counts()).as(why).isEqualTo(byEventId.counts());
      return byEventId.counts();
    }
  }

  /**
   * About 40 events of 4 entities at increasing times; each scored (sometimes twice), labelled 0 to
   * 3 times at up to 2 TTL before or after it, plus labels of events never scored; shuffled locally
   * (so records come late and early), with strictly rising watermarks that may overtake records.
   */
  private static List<Object> stream(Random random) {
    List<Timed> timed = new ArrayList<>();
    int events = 20 + random.nextInt(40);
    for (int n = 0; n < events; n++) {
      String entity = "entity-" + random.nextInt(4);
      String eventId = "e" + n;
      long time = n * 100L + random.nextInt(100);
      boolean scored = random.nextInt(10) > 0;
      if (scored) {
        timed.add(new Timed(time + jitter(random), score(eventId, entity, time, random)));
        if (random.nextInt(8) == 0) {
          timed.add(new Timed(time + jitter(random), score(eventId, entity, time, random)));
        }
      }
      int labels = random.nextInt(10) < 4 ? 0 : 1 + (random.nextInt(5) == 0 ? 1 + random.nextInt(2) : 0);
      for (int l = 0; l < labels; l++) {
        long labelTime = time + random.nextInt((int) (4 * TTL.toMillis())) - 2 * TTL.toMillis() + 500;
        timed.add(new Timed(labelTime + jitter(random),
            new Feedback(eventId, random.nextBoolean(), Instant.ofEpochMilli(labelTime), entity)));
      }
    }
    timed.sort(Comparator.comparingLong(Timed::arrival));
    List<Object> stream = new ArrayList<>();
    long watermark = Long.MIN_VALUE;
    for (Timed t : timed) {
      stream.add(t.record);
      if (random.nextInt(4) == 0) {
        long next = t.arrival - random.nextInt((int) (3 * TTL.toMillis()));
        if (next > watermark) {
          watermark = next;
          stream.add(watermark);
        }
      }
    }
    return stream;
  }

  /** How far from its own time a record arrives: mostly a little, sometimes more than a TTL. */
  private static long jitter(Random random) {
    return random.nextInt(10) == 0 ? random.nextInt((int) (3 * TTL.toMillis())) : random.nextInt(300);
  }

  private static Score score(String eventId, String entity, long time, Random random) {
    return new Score(eventId, entity, Instant.ofEpochMilli(time),
        List.of(new ModelScore("lstm", "1", random.nextFloat(), 0.5f, ModelRole.CHAMPION, null)), null);
  }

  private record Timed(long arrival, Object record) {}

  private static List<String> sortedLabelled(List<LabelledScore> labelled) {
    List<String> all = new ArrayList<>(labelled.stream().map(LabelledScore::toString).toList());
    Collections.sort(all);
    return all;
  }

  private static List<String> sortedIssues(List<FeedbackIssue> issues) {
    List<String> all = new ArrayList<>(issues.stream().map(FeedbackIssue::toString).toList());
    Collections.sort(all);
    return all;
  }
}
