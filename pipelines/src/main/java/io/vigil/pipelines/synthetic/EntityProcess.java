package io.vigil.pipelines.synthetic;

import java.util.SplittableRandom;

/**
 * One entity's multivariate sequence: per feature a level, a slowly wandering baseline, a
 * daily-like seasonality and Gaussian noise, with anomaly episodes injected at random.
 * Everything is drawn from the entity's own random stream, so an entity's sequence does not
 * depend on the others.
 *
 * <p>The baseline is a slow mean-reverting walk (AR(1), time constant hundreds of steps), not a
 * linear trend: over a few hundred steps it looks like a trend, yet the series stays stationary
 * around its level for any number of steps, as real telemetry does. (A linear trend carried
 * every series out of the trained range within minutes of a demo: issue 16.)
 *
 * <p>The {@link SyntheticStream.Profile#MULTI_SCALE} profile multiplies each entity by its own
 * scale (0.1 to 10^5) on top of its own offset, and widens the seasonal periods and noise
 * levels: a fleet like real monitoring series, for models that must be scale-free.
 */
final class EntityProcess {

  private static final double EPISODE_START_PROBABILITY = 0.012;

  private final SplittableRandom random;
  private final double[] level;
  private final double[] drift;
  private final double[] driftPersistence;
  private final double[] driftStep;
  private final double scale;
  private final double offset;
  private final double[] amplitude;
  private final double[] phase;
  private final double[] noise;
  private final double period;
  private final float[] last;

  private AnomalyKind episode = AnomalyKind.NONE;
  private int episodeLeft;
  private int[] episodeFeatures = new int[0];
  private double[] episodeShift = new double[0];

  EntityProcess(SplittableRandom random, int features, SyntheticStream.Profile profile) {
    this.random = random;
    boolean multiScale = profile == SyntheticStream.Profile.MULTI_SCALE;
    level = new double[features];
    drift = new double[features];
    driftPersistence = new double[features];
    driftStep = new double[features];
    amplitude = new double[features];
    phase = new double[features];
    noise = new double[features];
    last = new float[features];
    period = multiScale ? 12 + random.nextInt(280) : 20 + random.nextInt(40);
    scale = multiScale ? Math.pow(10, random.nextDouble(-1, 5)) : 1;
    offset = multiScale ? scale * random.nextDouble(0, 20) : 0;
    for (int f = 0; f < features; f++) {
      level[f] = random.nextDouble(-2, 2);
      amplitude[f] = random.nextDouble(0.3, 1.5);
      phase[f] = random.nextDouble(0, 2 * Math.PI);
      noise[f] = multiScale ? random.nextDouble(0.03, 0.6) : random.nextDouble(0.05, 0.25);
      // Stationary standard deviation of the baseline walk 0.2 to 0.6, time constant 200 to 800 steps.
      double tau = random.nextDouble(200, 800);
      driftPersistence[f] = 1 - 1 / tau;
      driftStep[f] = random.nextDouble(0.2, 0.6) * Math.sqrt(1 - driftPersistence[f] * driftPersistence[f]);
      drift[f] = random.nextGaussian() * driftStep[f] / Math.sqrt(1 - driftPersistence[f] * driftPersistence[f]);
    }
  }

  /** The features of step {@code t} and the anomaly kind it carries. */
  AnomalyKind next(int t, float[] out) {
    startOrContinueEpisode();
    AnomalyKind kind = episode;
    double noiseFactor = kind == AnomalyKind.VARIANCE_BURST ? 6 : 1;
    for (int f = 0; f < out.length; f++) {
      double seasonal = amplitude[f] * Math.sin(2 * Math.PI * t / period + phase[f]);
      drift[f] = driftPersistence[f] * drift[f] + driftStep[f] * random.nextGaussian();
      double unit = level[f] + drift[f] + seasonal + noiseFactor * noise[f] * random.nextGaussian();
      out[f] = (float) (offset + scale * unit);
    }
    for (int i = 0; i < episodeFeatures.length; i++) {
      int f = episodeFeatures[i];
      switch (kind) {
        case SPIKE, LEVEL_SHIFT -> out[f] += (float) (scale * episodeShift[i]);
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
