/**
 * Streaming shape-novelty detector for mention-count series, after the idea of ARTime (Adaptive
 * Resonance Theory for time series, M. Hampton): an alert marks the first time the series does
 * something it has not done before, not merely a big value. A nightly burst or the weekly peak
 * has been seen before and is not news, however large.
 *
 * Per block of a few points: one representative value (the block's extreme on the side it
 * departs from its recent mean), scaled against a multiple of the series' typical volume and
 * quantised; values near the running median snap to it so quiet hours have no shape. The
 * last few blocks form a feature vector: their normalised shape (Haar wavelet of the min-max
 * scaled window) beside their levels. A fuzzy ART memory with two vigilances holds the
 * patterns seen so far as hyperboxes: a window that resonates with a box widens it, one that
 * half-resonates becomes a sibling box, and one that matches nothing is a new cluster — novel.
 * A novel cluster pages unless the detector is still absorbing the aftermath of the last
 * novelty. Vigilance follows the series' own typical match, so a noisy series needs a stranger
 * shape to page. Memory is capped (least recently matched boxes are forgotten) so the state
 * stays bounded.
 */

/** Novelty detector settings; durations are in ms so one setting fits any sampling interval. */
export interface NoveltySettings {
  /** Width of one block, the unit of shape. */
  blockMs: number;
  /** Blocks per shape window. */
  windowBlocks: number;
  /** Quantisation levels of a block value, so counting noise does not make every window new. */
  levels: number;
  /** A block value within this fraction of the full scale of the running median is the median. */
  medianSnap: number;
  /** A block extreme within this share of the block mean is the mean: a ripple, not a spike. */
  minSpikeShare: number;
  /** Observation before paging: the memory is seeded and its vigilance calibrated over it. */
  warmUpMs: number;
  /** Vigilance used to calibrate the memory during warm-up. */
  initialVigilance: number;
  /** Upper bound of vigilance, never exceeded (a perfect match is never required). */
  maxVigilance: number;
  /** Largest number of boxes kept; beyond it the least recently matched is forgotten. */
  maxCategories: number;
  /**
   * Block values are scaled so this multiple of the series' typical block mean is full scale
   * (larger ones saturate); null scales by the largest value seen so far instead.
   */
  saturationRatio: number | null;
}

/**
 * Defaults: 35-minute blocks and 8-block (≈ 4.7 h) windows, a bit under 3 days of warm-up,
 * full scale at 50× the typical volume, ARTime's quantisation and vigilance constants; the
 * same for every brand.
 */
export const DEFAULT_NOVELTY_SETTINGS: Readonly<NoveltySettings> = {
  blockMs: 35 * 60_000,
  windowBlocks: 8,
  levels: 80,
  medianSnap: 0.075,
  minSpikeShare: 0.1,
  warmUpMs: 750 * 5 * 60_000,
  initialVigilance: 0.8,
  maxVigilance: 0.97,
  maxCategories: 300,
  saturationRatio: 50,
};

/** One hyperbox of the fuzzy ART memory, complement coded, with its cluster and last match. */
export interface NoveltyCategory {
  weights: number[];
  cluster: number;
  lastBlock: number;
}

/** Plain JSON state of one series; restore it as-is to resume with identical verdicts. */
export interface NoveltyState {
  firstTimeMs: number | null;
  lastTimeMs: number | null;
  lastStepMs: number;
  /** Raw values of the block being filled, and when it started. */
  blockStartMs: number | null;
  blockValues: number[];
  /** Blocks closed so far. */
  blocks: number;
  blockMeanAverage: number;
  /** Running scale: largest value seen so far. */
  scaleMax: number;
  /** Typical block mean, tracked as a running median in log space. */
  typicalLog: number;
  /** Histogram of quantised levels and the running median read from it. */
  levelCounts: number[];
  medianLevel: number;
  belowMedian: number;
  aboveMedian: number;
  /** Last windowBlocks quantised block values. */
  recentLevels: number[];
  /** Features of the warm-up blocks, kept only until the memory is calibrated. */
  warmUpFeatures: number[][];
  calibrated: boolean;
  vigilanceLow: number;
  vigilanceHigh: number;
  categories: NoveltyCategory[];
  nextCluster: number;
  /** Running mean of every window's best match: the series' typical resonance. */
  matchSum: number;
  matchCount: number;
  /** Recent best matches and their shortfall from the upper vigilance, for vigilance updates. */
  recentMatches: number[];
  recentShortfalls: number[];
  lastNoveltyBlock: number;
  lastNoveltyMatch: number;
  noveltyMatchSum: number;
  noveltyMatchCount: number;
  lastVigilanceBlock: number;
  maskAfterCluster: boolean;
  blocksSinceCluster: number;
}

/** Verdict for one point. */
export interface NoveltyVerdict {
  /** In [0, 1]; 0.5 or more means a novel shape worth a page. */
  score: number;
  alert: boolean;
  /** Best resonance of the last closed window with the memory, in [0, 1]. */
  match: number;
  warmingUp: boolean;
}

/** Validates settings; throws RangeError naming the setting. */
export function validateNoveltySettings(settings: NoveltySettings): NoveltySettings {
  const positive = ['blockMs', 'windowBlocks', 'levels', 'maxCategories'] as const;
  for (const key of positive) {
    if (!(settings[key] > 0) || !Number.isFinite(settings[key])) {
      throw new RangeError(`novelty setting ${key} must be a finite number > 0, got ${settings[key]}`);
    }
  }
  if (
    settings.saturationRatio !== null &&
    !(settings.saturationRatio > 1 && Number.isFinite(settings.saturationRatio))
  ) {
    throw new RangeError(
      `novelty setting saturationRatio must be null or a finite number > 1, got ${settings.saturationRatio}`,
    );
  }
  if (!Number.isInteger(Math.log2(settings.windowBlocks))) {
    throw new RangeError(`novelty setting windowBlocks must be a power of two, got ${settings.windowBlocks}`);
  }
  for (const key of ['initialVigilance', 'maxVigilance', 'medianSnap', 'minSpikeShare'] as const) {
    if (!(settings[key] >= 0 && settings[key] <= 1)) {
      throw new RangeError(`novelty setting ${key} must be in [0, 1], got ${settings[key]}`);
    }
  }
  return settings;
}

/** Blocks of warm-up before the memory is calibrated. */
function warmUpBlocks(settings: NoveltySettings): number {
  return Math.max(settings.windowBlocks * 2, Math.floor(settings.warmUpMs / settings.blockMs));
}

/** Blocks a novelty masks the next one for: one and a half windows, its own aftermath. */
function maskBlocks(settings: NoveltySettings): number {
  return Math.round(settings.windowBlocks * 1.5);
}

/**
 * A fresh state. `knownMaxValue` seeds the running scale with a range known in advance (a
 * brand's history; NAB hands every detector its whole file's range, which a stream cannot know).
 */
export function createNoveltyState(
  settings: NoveltySettings = DEFAULT_NOVELTY_SETTINGS,
  knownMaxValue = 0,
): NoveltyState {
  if (!(knownMaxValue >= 0 && Number.isFinite(knownMaxValue))) {
    throw new RangeError(`knownMaxValue must be a finite number ≥ 0, got ${knownMaxValue}`);
  }
  const trend = warmUpBlocks(settings);
  return {
    firstTimeMs: null,
    lastTimeMs: null,
    lastStepMs: 0,
    blockStartMs: null,
    blockValues: [],
    blocks: 0,
    blockMeanAverage: 0,
    scaleMax: knownMaxValue,
    typicalLog: 0,
    levelCounts: new Array<number>(settings.levels + 1).fill(0),
    medianLevel: 0,
    belowMedian: 0,
    aboveMedian: 0,
    recentLevels: new Array<number>(settings.windowBlocks).fill(0),
    warmUpFeatures: [],
    calibrated: false,
    vigilanceLow: settings.initialVigilance,
    vigilanceHigh: settings.initialVigilance,
    categories: [],
    nextCluster: 0,
    matchSum: 0,
    matchCount: 0,
    recentMatches: new Array<number>(Math.floor(trend / 2) + 1).fill(1),
    recentShortfalls: new Array<number>(trend + 1).fill(0),
    lastNoveltyBlock: -1_000_000,
    lastNoveltyMatch: 0,
    noveltyMatchSum: 0,
    noveltyMatchCount: 0,
    lastVigilanceBlock: 0,
    maskAfterCluster: false,
    blocksSinceCluster: 0,
  };
}

/** Multi-level orthonormal Haar transform of a power-of-two-length vector: [approx, coarse … fine]. */
function haar(values: readonly number[]): number[] {
  let approx = [...values];
  const details: number[][] = [];
  while (approx.length > 1) {
    const nextApprox: number[] = [];
    const detail: number[] = [];
    for (let i = 0; i + 1 < approx.length; i += 2) {
      const a = approx[i] ?? 0;
      const b = approx[i + 1] ?? 0;
      nextApprox.push((a + b) / Math.SQRT2);
      detail.push((a - b) / Math.SQRT2);
    }
    details.unshift(detail);
    approx = nextApprox;
  }
  return [...approx, ...details.flat()];
}

/** Rescales to [0, 1] by its own min and max; a flat vector becomes zeros. */
function minMax(values: readonly number[]): number[] {
  const low = Math.min(...values);
  const high = Math.max(...values);
  return values.map((value) => (high > low ? (value - low) / (high - low) : 0));
}

/** Four decimals are far finer than the quantisation; shorter numbers keep the JSON small. */
function round4(value: number): number {
  return Math.round(value * 1e4) / 1e4;
}

/** Fuzzy ART resonance of a complement-coded input with one box: shape match³ · level match². */
function resonance(input: readonly number[], weights: readonly number[]): { match: number; levelMatch: number } {
  let overlap = 0;
  let size = 0;
  for (let i = 0; i < weights.length; i += 1) {
    const w = weights[i] ?? 0;
    overlap += Math.min(input[i] ?? 0, w);
    size += w;
  }
  // The newest level and its complement: how close the current value is to the box's.
  const last = weights.length / 2 - 1;
  const levelOverlap =
    Math.min(input[last] ?? 0, weights[last] ?? 0) + Math.min(input.at(-1) ?? 0, weights.at(-1) ?? 0);
  const levelSize = (weights[last] ?? 0) + (weights.at(-1) ?? 0);
  const featureMatch = overlap / Math.max(size, 1e-3);
  const levelMatch = levelSize > 0 ? levelOverlap / levelSize : 0;
  return { match: featureMatch ** 3 * levelMatch ** 2, levelMatch };
}

/** Outcome of presenting one window to the memory. */
interface Presentation {
  novel: boolean;
  match: number;
  levelMatch: number;
}

/**
 * Dual-vigilance fuzzy ART step: every box resonating above the upper vigilance learns (shrinks
 * toward the input by fuzzy AND); otherwise a best match above the lower one adds a sibling box
 * of the same cluster; below both, a new cluster is born — the window is novel.
 */
function present(
  categories: NoveltyCategory[],
  features: readonly number[],
  state: Pick<NoveltyState, 'vigilanceLow' | 'vigilanceHigh' | 'nextCluster'>,
  block: number,
  maxCategories: number,
): Presentation & { nextCluster: number } {
  const input = [...features, ...features.map((value) => 1 - value)];
  let best = -1;
  let bestMatch = 0;
  let bestLevel = 0;
  let resonated = false;
  categories.forEach((category, index) => {
    const { match, levelMatch } = resonance(input, category.weights);
    if (match > bestMatch) {
      best = index;
      bestMatch = match;
      bestLevel = levelMatch;
    }
    if (match >= state.vigilanceHigh) {
      resonated = true;
      categories[index] = {
        weights: category.weights.map((w, i) => round4(Math.min(w, input[i] ?? 0))),
        cluster: category.cluster,
        lastBlock: block,
      };
    }
  });
  let nextCluster = state.nextCluster;
  let novel = false;
  if (!resonated) {
    const bestCategory = categories[best];
    const sibling = bestCategory !== undefined && bestMatch >= state.vigilanceLow;
    if (sibling) {
      categories[best] = { ...bestCategory, lastBlock: block };
    } else {
      novel = true;
      nextCluster += 1;
    }
    categories.push({
      weights: input.map(round4),
      cluster: sibling ? bestCategory.cluster : nextCluster,
      lastBlock: block,
    });
    if (categories.length > maxCategories) {
      let oldest = 0;
      categories.forEach((category, index) => {
        if (category.lastBlock < (categories[oldest]?.lastBlock ?? Infinity)) {
          oldest = index;
        }
      });
      categories.splice(oldest, 1);
    }
  }
  return { novel, match: bestMatch, levelMatch: bestLevel, nextCluster };
}

/** Cosine-like similarity used to order warm-up windows from most atypical to most typical. */
function similarity(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i += 1) {
    dot += (a[i] ?? 0) * (b[i] ?? 0);
    na += (a[i] ?? 0) ** 2;
    nb += (b[i] ?? 0) ** 2;
  }
  na = Math.sqrt(na);
  nb = Math.sqrt(nb);
  if (na === 0 || nb === 0) {
    return 1 - Math.max(na, nb);
  }
  return dot / (na * nb);
}

/**
 * Calibrates vigilance on the warm-up windows: learns them in order of typicality at the
 * initial vigilance and takes the mean match of the later half as the series' resonance level.
 */
function calibrateVigilance(features: readonly number[][], settings: NoveltySettings): number {
  const sums = features.map((a) => features.reduce((sum, b) => sum + similarity(a, b), 0));
  const order = sums.map((sum, index) => ({ sum, index })).sort((x, y) => x.sum - y.sum || x.index - y.index);
  const categories: NoveltyCategory[] = [];
  const probe = { vigilanceLow: settings.initialVigilance, vigilanceHigh: settings.initialVigilance, nextCluster: 0 };
  const matches: number[] = [];
  order.forEach(({ index }, step) => {
    const result = present(categories, features[index] ?? [], probe, step, Number.MAX_SAFE_INTEGER);
    probe.nextCluster = result.nextCluster;
    matches.push(result.match);
  });
  const tail = matches.slice(Math.floor(matches.length / 2));
  return tail.reduce((sum, m) => sum + m, 0) / Math.max(tail.length, 1);
}

/** Score of a novel window: how far below both vigilances it resonates, plus level surprise. */
function confidenceOf(match: number, levelMatch: number, state: NoveltyState): number {
  const m = Math.min(0.999, match);
  const upper = (state.vigilanceHigh - m) / (1 - m);
  const lower = (state.vigilanceLow - m) / (1 - m);
  return Math.min(1, 0.35 * upper + 0.65 * lower + 1.5 * (1 - levelMatch));
}

/** Maps an ARTime-style confidence (its published page level 0.317) onto Tocsin's 0.5. */
function pageScore(confidence: number): number {
  const paged = 0.317;
  return confidence < paged ? (0.5 * confidence) / paged : 0.5 + (0.5 * (confidence - paged)) / (1 - paged);
}

/**
 * Steps of the log-space running median of block means, per block: fast enough in warm-up to
 * find the series' volume from its first block, then a doubling in about a day.
 */
const WARM_UP_TYPICAL_STEP = 0.05;
const TYPICAL_STEP = 0.02;

/** Quantised, median-snapped value of a closed block; updates the running scale and median. */
function closeBlock(state: NoveltyState, settings: NoveltySettings): number {
  const values = state.blockValues;
  const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
  const high = Math.max(...values);
  const low = Math.min(...values);
  state.blockMeanAverage = state.blocks === 0 ? mean : (state.blockMeanAverage + mean) / 2;
  let value = Math.abs(high - state.blockMeanAverage) < Math.abs(low - state.blockMeanAverage) ? low : high;
  if (Math.abs(value - mean) < settings.minSpikeShare * mean) {
    value = mean;
  }
  state.scaleMax = Math.max(state.scaleMax, high);
  const meanLog = Math.log(mean + 1);
  state.typicalLog =
    state.blocks === 0
      ? meanLog
      : state.typicalLog +
        (state.calibrated ? TYPICAL_STEP : WARM_UP_TYPICAL_STEP) * Math.sign(meanLog - state.typicalLog);
  const typical = Math.exp(state.typicalLog) - 1;
  const fullScale =
    settings.saturationRatio === null ? state.scaleMax : settings.saturationRatio * Math.max(typical, 1);
  const scaled = fullScale > 0 ? Math.min(1, value / fullScale) : 0;
  const level = Math.max(0, Math.min(settings.levels, Math.round(scaled * settings.levels)));
  const counts = state.levelCounts;
  counts[level] = (counts[level] ?? 0) + 1;
  if (state.blocks === 0) {
    state.medianLevel = level;
  }
  if (state.medianLevel > level) {
    state.belowMedian += 1;
  } else if (state.medianLevel < level) {
    state.aboveMedian += 1;
  }
  // Walks the median one occupied level at a time: close enough to a running median.
  const half = Math.floor((state.blocks + 1) / 2);
  if (half < state.aboveMedian) {
    state.belowMedian += counts[state.medianLevel] ?? 0;
    state.medianLevel += 1;
    while (state.medianLevel < settings.levels && (counts[state.medianLevel] ?? 0) === 0) {
      state.medianLevel += 1;
    }
    state.aboveMedian -= counts[state.medianLevel] ?? 0;
  } else if (half < state.belowMedian) {
    state.aboveMedian += counts[state.medianLevel] ?? 0;
    state.medianLevel -= 1;
    while (state.medianLevel > 0 && (counts[state.medianLevel] ?? 0) === 0) {
      state.medianLevel -= 1;
    }
    state.belowMedian -= counts[state.medianLevel] ?? 0;
  }
  const quantised = level / settings.levels;
  const median = state.medianLevel / settings.levels;
  return Math.abs(quantised - median) < settings.medianSnap ? median : quantised;
}

/** Presents one window after warm-up and decides whether it pages; adapts vigilance. */
function judgeWindow(state: NoveltyState, features: readonly number[], settings: NoveltySettings): number {
  const block = state.blocks;
  const trend = warmUpBlocks(settings);
  const mask = maskBlocks(settings);
  const sinceNovelty = block - state.lastNoveltyBlock;
  const rhoAfterNovelty = sinceNovelty === mask;
  const rhoForTrend = block - state.lastVigilanceBlock >= Math.floor(trend / 2);
  const maskedByNovelty = sinceNovelty <= mask;
  if (state.maskAfterCluster && state.blocksSinceCluster >= mask) {
    state.maskAfterCluster = false;
  }
  state.categories = [...state.categories];
  const result = present(state.categories, features, state, block, settings.maxCategories);
  state.nextCluster = result.nextCluster;
  state.blocksSinceCluster = result.novel ? 0 : state.blocksSinceCluster + 1;
  state.matchSum += result.match;
  state.matchCount += 1;
  state.recentMatches = [...state.recentMatches.slice(1), round4(result.match)];
  state.recentShortfalls = [...state.recentShortfalls.slice(1), round4(state.vigilanceHigh - result.match)];
  if (sinceNovelty < mask && state.noveltyMatchCount > 0 && result.match < state.lastNoveltyMatch) {
    // The novelty's depth is the lowest match of its aftermath.
    state.noveltyMatchSum += result.match - state.lastNoveltyMatch;
    state.lastNoveltyMatch = result.match;
  }
  const masked = state.maskAfterCluster || maskedByNovelty;
  // Inside the aftermath, only a markedly deeper novelty pages again.
  const deeper = result.match < state.lastNoveltyMatch * (maskedByNovelty ? 0.9 : 0.7);
  let confidence = 0;
  if (result.novel && (!masked || deeper)) {
    confidence = confidenceOf(result.match, result.levelMatch, state);
    state.noveltyMatchSum += result.match;
    state.noveltyMatchCount += 1;
    state.lastNoveltyMatch = result.match;
    state.lastNoveltyBlock = block;
  }
  state.maskAfterCluster = result.novel || state.maskAfterCluster;
  if (rhoAfterNovelty || rhoForTrend) {
    adaptVigilance(state, settings, block, trend);
  }
  return confidence;
}

/**
 * Vigilance follows the series: the upper bound is its typical match (capped), the lower one
 * rises toward the worst recent match when the series is calm and sinks by the recent shortfall
 * when it is not, never below the typical depth of past novelties.
 */
function adaptVigilance(state: NoveltyState, settings: NoveltySettings, block: number, trend: number): void {
  const worstRecent = Math.min(...state.recentMatches);
  const high = Math.min(settings.maxVigilance, state.matchSum / Math.max(state.matchCount, 1));
  let low: number;
  if (state.vigilanceLow <= worstRecent) {
    low = state.vigilanceLow + (worstRecent - state.vigilanceLow) * 0.19;
  } else {
    let decrease = 0;
    if (block > trend * 2) {
      const short = state.recentShortfalls.filter((s) => s > 0.05).map((s) => Math.min(0.37, s));
      if (short.length > 0) {
        decrease = short.reduce((sum, s) => sum + s, 0) / short.length;
      }
    }
    low = state.vigilanceLow - Math.max(0.01, decrease) / 2;
    if (state.noveltyMatchCount > 0) {
      low = Math.max(state.noveltyMatchSum / state.noveltyMatchCount, low);
    }
  }
  state.vigilanceLow = round4(Math.min(high, low));
  state.vigilanceHigh = round4(high);
  state.lastVigilanceBlock = block;
  state.maskAfterCluster = true;
}

/**
 * Judges one point and learns from it. Scores are given when a block closes (at its last
 * point); other points score 0.
 * @param state the series state, not modified
 * @param timeMs event time of the point, ms since epoch; points must come in increasing time
 * @param value observed value, ≥ 0
 * @returns the next state and the verdict
 */
export function detectNovelty(
  state: NoveltyState,
  timeMs: number,
  value: number,
  settings: NoveltySettings = DEFAULT_NOVELTY_SETTINGS,
): { state: NoveltyState; verdict: NoveltyVerdict } {
  const next: NoveltyState = { ...state, blockValues: [...state.blockValues, Math.max(0, value)] };
  next.lastStepMs = state.lastTimeMs === null ? 0 : Math.max(0, timeMs - state.lastTimeMs);
  next.firstTimeMs = state.firstTimeMs ?? timeMs;
  next.lastTimeMs = timeMs;
  next.blockStartMs = state.blockStartMs ?? timeMs;
  const warmingUp = next.blocks < warmUpBlocks(settings);
  // A block closes at the last point that fits in it, judged by the current sampling step.
  const closes = timeMs + next.lastStepMs - next.blockStartMs >= settings.blockMs && next.lastStepMs > 0;
  if (!closes) {
    return { state: next, verdict: { score: 0, alert: false, match: 1, warmingUp } };
  }
  next.levelCounts = [...state.levelCounts];
  const quantised = closeBlock(next, settings);
  next.blockValues = [];
  next.blockStartMs = null;
  next.recentLevels = [...state.recentLevels.slice(1), quantised];
  next.blocks = state.blocks + 1;
  const features =
    next.blocks >= settings.windowBlocks
      ? [...minMax(haar(minMax(next.recentLevels))), ...next.recentLevels].map(round4)
      : new Array<number>(settings.windowBlocks * 2).fill(0);
  const trend = warmUpBlocks(settings);
  let confidence = 0;
  let match = 1;
  if (!next.calibrated) {
    if (next.blocks >= settings.windowBlocks) {
      next.warmUpFeatures = [...state.warmUpFeatures, features];
    }
    if (next.blocks >= trend) {
      const vigilance = calibrateVigilance(next.warmUpFeatures, settings);
      next.vigilanceLow = vigilance;
      next.vigilanceHigh = vigilance;
      next.calibrated = true;
      const seeded = next.warmUpFeatures;
      next.warmUpFeatures = [];
      next.categories = [];
      for (const seed of seeded) {
        const result = present(next.categories, seed, next, 0, settings.maxCategories);
        next.nextCluster = result.nextCluster;
        next.blocksSinceCluster = result.novel ? 0 : next.blocksSinceCluster + 1;
        next.matchSum += result.match;
        next.matchCount += 1;
        next.recentMatches = [...next.recentMatches.slice(1), round4(result.match)];
        next.recentShortfalls = [...next.recentShortfalls.slice(1), round4(next.vigilanceHigh - result.match)];
        next.maskAfterCluster = result.novel || next.maskAfterCluster;
      }
    }
  } else {
    confidence = judgeWindow(next, features, settings);
    match = next.recentMatches.at(-1) ?? 1;
  }
  const score = confidence > 0 ? pageScore(confidence) : 0;
  return { state: next, verdict: { score, alert: score >= 0.5, match, warmingUp } };
}
