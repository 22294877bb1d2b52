package io.vigil.pipelines.synthetic;

import java.util.SplittableRandom;

/**
 * One entity's multivariate sequence: per feature a level, a trend, a daily-like seasonality
 * and Gaussian noise, with anomaly episodes injected at random. Everything is drawn from the
 * entity's own random stream, so an entity's sequence does not depend on the others.
 */
final class EntityProcess {

  private static final double EPISODE_START_PROBABILITY = 0.012;

  private final SplittableRandom random;
  private final double[] level;
  private final double[] trend;
  private final double[] amplitude;
  private final double[] phase;
  private final double[] noise;
  private final double period;
  private final float[] last;

  private AnomalyKind episode = AnomalyKind.NONE;
  private int episodeLeft;
  private int[] episodeFeatures = new int[0];
  private double[] episodeShift = new double[0];

  EntityProcess(SplittableRandom random, int features) {
    this.random = random;
    level = new double[features];
    trend = new double[features];
    amplitude = new double[features];
    phase = new double[features];
    noise = new double[features];
    last = new float[features];
    period = 20 + random.nextInt(40);
    for (int f = 0; f < features; f++) {
      level[f] = random.nextDouble(-2, 2);
      trend[f] = random.nextDouble(-0.002, 0.002);
      amplitude[f] = random.nextDouble(0.3, 1.5);
      phase[f] = random.nextDouble(0, 2 * Math.PI);
      noise[f] = random.nextDouble(0.05, 0.25);
    }
  }

  /** The features of step {@code t} and the anomaly kind it carries. */
  AnomalyKind next(int t, float[] out) {
    startOrContinueEpisode();
    AnomalyKind kind = episode;
    double noiseFactor = kind == AnomalyKind.VARIANCE_BURST ? 6 : 1;
    for (int f = 0; f < out.length; f++) {
      double seasonal = amplitude[f] * Math.sin(2 * Math.PI * t / period + phase[f]);
      out[f] = (float) (level[f] + trend[f] * t + seasonal + noiseFactor * noise[f] * random.nextGaussian());
    }
    for (int i = 0; i < episodeFeatures.length; i++) {
      int f = episodeFeatures[i];
      switch (kind) {
        case SPIKE, LEVEL_SHIFT -> out[f] += (float) episodeShift[i];
        case STUCK_SENSOR -> out[f] = last[f];
        default -> { }
      }
    }
    System.arraycopy(out, 0, last, 0, out.length);
    if (kind != AnomalyKind.NONE && --episodeLeft == 0) {
      episode = AnomalyKind.NONE;
    }
    return kind;
  }

  private void startOrContinueEpisode() {
    if (episode != AnomalyKind.NONE || random.nextDouble() >= EPISODE_START_PROBABILITY) {
      return;
    }
    AnomalyKind[] kinds = {AnomalyKind.SPIKE, AnomalyKind.LEVEL_SHIFT, AnomalyKind.VARIANCE_BURST, AnomalyKind.STUCK_SENSOR};
    episode = kinds[random.nextInt(kinds.length)];
    episodeLeft = episode == AnomalyKind.SPIKE ? 1 : 5 + random.nextInt(16);
    int affected = episode == AnomalyKind.STUCK_SENSOR ? 1 : 1 + random.nextInt(Math.min(3, level.length));
    episodeFeatures = random.ints(0, level.length).distinct().limit(affected).toArray();
    episodeShift = new double[affected];
    for (int i = 0; i < affected; i++) {
      double sign = random.nextBoolean() ? 1 : -1;
      double size = episode == AnomalyKind.SPIKE ? random.nextDouble(4, 8) : random.nextDouble(1.5, 3.5);
      episodeShift[i] = sign * size * (amplitude[episodeFeatures[i]] + noise[episodeFeatures[i]]);
    }
  }
}
