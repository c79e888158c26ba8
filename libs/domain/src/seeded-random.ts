/** A reproducible source of randomness: the same seed always yields the same stream. */
export interface SeededRandom {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  chance(probability: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** Picks an item with probability proportional to its weight. */
  weighted<T>(entries: readonly (readonly [T, number])[]): T;
  /** Number of events in an interval whose expected count is `mean`. */
  poisson(mean: number): number;
  /** Standard normal deviate. */
  gaussian(): number;
}

/** mulberry32: a tiny, fast seeded uniform generator in [0, 1); good for demos and tests, not for secrets. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Above this mean, Knuth's product method gets slow and a rounded normal is close enough. */
const POISSON_NORMAL_THRESHOLD = 30;

export function createSeededRandom(seed: number): SeededRandom {
  const next = mulberry32(seed);
  const gaussian = (): number => {
    // Box-Muller; 1 - u keeps the logarithm's argument away from 0.
    const u = 1 - next();
    const v = next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  const random: SeededRandom = {
    next,
    gaussian,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (probability) => next() < probability,
    pick<T>(items: readonly T[]): T {
      const item = items[Math.floor(next() * items.length)];
      if (item === undefined) throw new RangeError('cannot pick from an empty list');
      return item;
    },
    weighted<T>(entries: readonly (readonly [T, number])[]): T {
      const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
      let remaining = next() * total;
      for (const [item, weight] of entries) {
        remaining -= weight;
        if (remaining < 0) return item;
      }
      const last = entries[entries.length - 1];
      if (last === undefined) throw new RangeError('cannot pick from an empty list');
      return last[0];
    },
    poisson(mean) {
      if (mean <= 0) return 0;
      if (mean > POISSON_NORMAL_THRESHOLD) return Math.max(0, Math.round(mean + Math.sqrt(mean) * gaussian()));
      const limit = Math.exp(-mean);
      let count = 0;
      let product = next();
      while (product > limit) {
        count += 1;
        product *= next();
      }
      return count;
    },
  };
  return random;
}
