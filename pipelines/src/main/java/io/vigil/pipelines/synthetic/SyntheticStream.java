package io.vigil.pipelines.synthetic;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * The one source of synthetic data: the demo, the benchmark, the tests and the training CSV all
 * read it. Each tick every entity emits one event (in a per-tick shuffled order, so keys
 * interleave); labels become due after a random event-time delay, a share is never labelled
 * and a few are sent twice. Deterministic for a given {@link Settings}.
 */
public final class SyntheticStream {

  /** How entities differ: the demo's fleet of similar series, or scales orders of magnitude apart. */
  public enum Profile { DEFAULT, MULTI_SCALE }

  /** Generation settings; {@link #defaults()} are those the shipped models were trained on. */
  public record Settings(
      int entities, int features, long seed, long startMillis, long stepMillis,
      double labelledShare, double duplicateLabelShare, long maxLabelDelayMillis, Profile profile) {

    public static Settings defaults() {
      return new Settings(1000, 8, 42L, 1_767_225_600_000L, 1000L, 0.8, 0.02, 30_000L, Profile.DEFAULT);
    }

    public Settings withEntities(int n) {
      return new Settings(n, features, seed, startMillis, stepMillis, labelledShare, duplicateLabelShare, maxLabelDelayMillis, profile);
    }

    public Settings withSeed(long s) {
      return new Settings(entities, features, s, startMillis, stepMillis, labelledShare, duplicateLabelShare, maxLabelDelayMillis, profile);
    }

    /** Event time starting at {@code start}, advancing one step every {@code step} ms. */
    public Settings withClock(long start, long step) {
      return new Settings(entities, features, seed, start, step, labelledShare, duplicateLabelShare, maxLabelDelayMillis, profile);
    }

    public Settings withFeatures(int f) {
      return new Settings(entities, f, seed, startMillis, stepMillis, labelledShare, duplicateLabelShare, maxLabelDelayMillis, profile);
    }

    public Settings withProfile(Profile p) {
      return new Settings(entities, features, seed, startMillis, stepMillis, labelledShare, duplicateLabelShare, maxLabelDelayMillis, p);
    }
  }

  /** What the stream yields next: an event, or a label that has become due. Exactly one is set. */
  public record Item(SyntheticEvent event, SyntheticLabel label) {}

  private final Settings settings;
  private final EntityProcess[] processes;
  private final String[] entityIds;
  private final SplittableRandom order;
  private final SplittableRandom labels;
  private final PriorityQueue<SyntheticLabel> dueLabels =
      new PriorityQueue<>((a, b) -> Long.compare(a.timeMillis(), b.timeMillis()));
  private final List<Item> pending = new ArrayList<>();
  private int tick;
  private int pendingIndex;

  public SyntheticStream(Settings settings) {
    if (settings.entities() < 1 || settings.features() < 1) {
      throw new IllegalArgumentException("need at least one entity and one feature");
    }
    this.settings = settings;
    SplittableRandom root = new SplittableRandom(settings.seed());
    processes = new EntityProcess[settings.entities()];
    entityIds = new String[settings.entities()];
    for (int e = 0; e < processes.length; e++) {
      processes[e] = new EntityProcess(root.split(), settings.features(), settings.profile());
      entityIds[e] = String.format("entity-%05d", e);
    }
    order = root.split();
    labels = root.split();
  }

  public Settings settings() {
    return settings;
  }

  /** The next item; the stream is endless. */
  public Item next() {
    if (pendingIndex == pending.size()) {
      fillTick();
    }
    return pending.get(pendingIndex++);
  }

  /** Only events, skipping labels: for callers that want the sequences alone. */
  public SyntheticEvent nextEvent() {
    Item item;
    do {
      item = next();
    } while (item.event() == null);
    return item.event();
  }

  private void fillTick() {
    pending.clear();
    pendingIndex = 0;
    long tickStart = settings.startMillis() + tick * settings.stepMillis();
    while (!dueLabels.isEmpty() && dueLabels.peek().timeMillis() <= tickStart) {
      pending.add(new Item(null, dueLabels.poll()));
    }
    int[] permutation = shuffled(processes.length);
    for (int i = 0; i < permutation.length; i++) {
      int e = permutation[i];
      float[] features = new float[settings.features()];
      AnomalyKind kind = processes[e].next(tick, features);
      // Spread a tick's events over the step so event times are distinct and increasing.
      long time = tickStart + (long) i * settings.stepMillis() / permutation.length;
      String eventId = entityIds[e] + "#" + tick;
      pending.add(new Item(new SyntheticEvent(entityIds[e], eventId, time, features, kind), null));
      scheduleLabel(entityIds[e], eventId, kind != AnomalyKind.NONE, time);
    }
    tick++;
  }

  private void scheduleLabel(String entityId, String eventId, boolean anomalous, long eventTime) {
    if (labels.nextDouble() >= settings.labelledShare()) {
      return;
    }
    long due = eventTime + 1 + labels.nextLong(settings.maxLabelDelayMillis());
    dueLabels.add(new SyntheticLabel(entityId, eventId, anomalous, due));
    if (labels.nextDouble() < settings.duplicateLabelShare()) {
      dueLabels.add(new SyntheticLabel(entityId, eventId, anomalous, due + 1 + labels.nextLong(settings.maxLabelDelayMillis())));
    }
  }

  private int[] shuffled(int n) {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) {
      a[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = order.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }
}
