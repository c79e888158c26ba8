/**
 * Streaming spike detector for mention-count series: one point in, one verdict out, O(1) time
 * and a fixed-size, JSON-serialisable state per series.
 *
 * Model, on Anscombe-transformed counts (2√(x + 3/8): Poisson noise has unit spread there at any
 * mean): expected = level + seasonal[time of day]; spread = robust scale of the residual learnt
 * for that time of day (mentions are burstier than Poisson), never below the Poisson unit, so
 * 1 → 4 mentions at night is not news. Updates use a redescending influence so a spike hardly
 * moves the baseline it is judged against; a sustained one-sided run is accepted as a new level.
 * How unusual a point is comes from the series' own learnt tail (peaks over threshold), so a
 * brand that is always bursty needs a bigger burst. Alerts are one-sided (more talk than usual)
 * and fire once at the onset of an episode, then stay quiet for a refractory period: a CM needs
 * one page per buzz, not one per minute.
 */

/** Detector settings; every duration is in ms so one setting fits 1-minute and 5-minute series. */
export interface DetectorSettings {
  /** Length of the seasonal cycle (a day of mention habits). */
  seasonalPeriodMs: number;
  /** Width of one seasonal slot; the profile is interpolated between slot centres. */
  seasonalSlotMs: number;
  /** Half-life of the level (slow drift, weekday/weekend changes). */
  levelHalfLifeMs: number;
  /** Half-life of each slot's seasonal offset and spread, counted in seasonal periods. */
  seasonalHalfLifePeriods: number;
  /** No alert before the series has been observed this long. */
  warmUpMs: number;
  /**
   * How rare a point must be to page someone: one whose upward surprise the series' own tail
   * would produce less than once per this duration scores 0.5. Five days: a missed buzz costs
   * far more than a spurious page (NAB weighs them about 9 : 1), yet pages must stay rarer than
   * daily or a CM stops reading them.
   */
  alertRarityMs: number;
  /**
   * Never page for fewer spreads above expected than this, however light the learnt tail: on a
   * series of pure counting noise even the week's rarest point is not a buzz.
   */
  minAlertZ: number;
  /**
   * Residuals beyond this many spreads update the baseline with a shrinking influence (clipZ²/z
   * spreads), and past it starts the tail whose heaviness is learnt per series.
   */
  clipZ: number;
  /** A run of |z| ≥ clipZ on one side lasting this long becomes the new level. */
  levelShiftAfterMs: number;
  /**
   * After an alert, no new alert until the score has stayed below 0.5 this long. Half a day:
   * a story's aftershocks (replies, the evening re-share) come hours after its first burst and
   * are the same buzz; a full day would swallow the onset of the next, unrelated one.
   */
  refractoryMs: number;
}

/**
 * Defaults chosen on principle (a day cycle, hour slots, a week of memory, a page at most every
 * few days from noise alone, one page per half-day story), the same for every brand.
 */
export const DEFAULT_DETECTOR_SETTINGS: Readonly<DetectorSettings> = {
  seasonalPeriodMs: 24 * 3_600_000,
  seasonalSlotMs: 3_600_000,
  levelHalfLifeMs: 12 * 3_600_000,
  seasonalHalfLifePeriods: 7,
  warmUpMs: 24 * 3_600_000,
  alertRarityMs: 5 * 24 * 3_600_000,
  minAlertZ: 5,
  clipZ: 3,
  levelShiftAfterMs: 3 * 3_600_000,
  refractoryMs: 12 * 3_600_000,
};

/** Plain JSON state of one series; restore it as-is to resume with identical verdicts. */
export interface DetectorState {
  /** Event time of the first and the last point, ms since epoch; null before the first. */
  firstTimeMs: number | null;
  lastTimeMs: number | null;
  level: number;
  /** Seasonal offset per slot, in transformed units. */
  seasonal: number[];
  /** Mean absolute residual per slot, in transformed units. */
  spread: number[];
  /** Observed time credited to each slot, for warm-up weighting, ms. */
  slotWeightMs: number[];
  /** Ongoing one-sided run of large residuals: sign, start, mean residual. */
  runSign: -1 | 0 | 1;
  runStartMs: number | null;
  runMeanResidual: number;
  runPoints: number;
  /** Exponentially weighted tally of points, of points with z ≥ clipZ and of their excess z. */
  tailPoints: number;
  tailExceedances: number;
  tailExcessSum: number;
  /** Current episode: when it began, the last time the score was ≥ 0.5. */
  episodeStartMs: number | null;
  episodeLastHotMs: number | null;
}

/** Verdict for one point. */
export interface DetectorVerdict {
  /** In [0, 1]; 0.5 means "worth waking someone". */
  score: number;
  /** True only at the onset of an anomalous episode. */
  alert: boolean;
  observed: number;
  /** Expected value and the band outside of which a point alerts, in the series' units. */
  expected: number;
  lower: number;
  upper: number;
  /** Robust z of the observed value (spreads above expected). */
  z: number;
  /** Start of the current anomalous episode, ms since epoch, if one is under way. */
  sinceMs: number | null;
  warmingUp: boolean;
}

/** Converts a mean absolute deviation to a normal standard deviation. */
const MEAN_ABS_TO_SD = Math.sqrt(Math.PI / 2);
/** Largest step credited to one point, so a gap in the data does not wipe the memory. */
const MAX_STEP_PERIODS = 0.25;

/** Validates settings; throws RangeError naming the setting. */
export function validateDetectorSettings(settings: DetectorSettings): DetectorSettings {
  const positive: (keyof DetectorSettings)[] = [
    'seasonalPeriodMs',
    'seasonalSlotMs',
    'levelHalfLifeMs',
    'seasonalHalfLifePeriods',
    'alertRarityMs',
    'minAlertZ',
    'clipZ',
    'levelShiftAfterMs',
  ];
  for (const key of positive) {
    if (!(settings[key] > 0) || !Number.isFinite(settings[key])) {
      throw new RangeError(`detector setting ${key} must be a finite number > 0, got ${settings[key]}`);
    }
  }
  if (!(settings.warmUpMs >= 0) || !(settings.refractoryMs >= 0)) {
    throw new RangeError('detector settings warmUpMs and refractoryMs must be ≥ 0');
  }
  const slots = settings.seasonalPeriodMs / settings.seasonalSlotMs;
  if (!Number.isInteger(slots) || slots < 2) {
    throw new RangeError(`seasonalPeriodMs must be a multiple (≥ 2) of seasonalSlotMs, got ratio ${slots}`);
  }
  return settings;
}

/** A fresh state; its size depends only on the number of seasonal slots. */
export function createDetectorState(settings: DetectorSettings = DEFAULT_DETECTOR_SETTINGS): DetectorState {
  const slots = Math.round(settings.seasonalPeriodMs / settings.seasonalSlotMs);
  return {
    firstTimeMs: null,
    lastTimeMs: null,
    level: 0,
    seasonal: new Array<number>(slots).fill(0),
    spread: new Array<number>(slots).fill(0),
    slotWeightMs: new Array<number>(slots).fill(0),
    runSign: 0,
    runStartMs: null,
    runMeanResidual: 0,
    runPoints: 0,
    tailPoints: TAIL_PRIOR_EXCEEDANCES / TAIL_PRIOR_RATE,
    tailExceedances: TAIL_PRIOR_EXCEEDANCES,
    tailExcessSum: TAIL_PRIOR_EXCEEDANCES * TAIL_PRIOR_MEAN_EXCESS,
    episodeStartMs: null,
    episodeLastHotMs: null,
  };
}

/** Both neighbouring slot centres of an instant and their interpolation weights. */
function locateSlots(timeMs: number, settings: DetectorSettings, slots: number): [number, number, number] {
  const phase =
    (((timeMs % settings.seasonalPeriodMs) + settings.seasonalPeriodMs) % settings.seasonalPeriodMs) /
      settings.seasonalSlotMs -
    0.5;
  const lowFloor = Math.floor(phase);
  const fraction = phase - lowFloor;
  const low = (lowFloor + slots) % slots;
  return [low, (low + 1) % slots, fraction];
}

function blend(values: readonly number[], low: number, high: number, fraction: number): number {
  return (1 - fraction) * (values[low] ?? 0) + fraction * (values[high] ?? 0);
}

/** Weight of a step of `stepMs` for an exponential memory of half-life `halfLifeMs`. */
function decayWeight(stepMs: number, halfLifeMs: number): number {
  return 1 - Math.pow(2, -stepMs / halfLifeMs);
}

/**
 * Prior of the tail model, worth a few exceedances, so a young series is judged by a heavy tail
 * until it shows its own: mention bursts beyond 3 spreads typically run 1–4 spreads further
 * (retweet cascades), so a light prior pages on a young series' first ordinary burst.
 */
const TAIL_PRIOR_EXCEEDANCES = 3;
const TAIL_PRIOR_RATE = 0.01;
const TAIL_PRIOR_MEAN_EXCESS = 2.5;

/** Parameters of the learnt upper tail of z: P(Z ≥ clipZ + e) = rate · exp(−e / meanExcess). */
interface TailModel {
  rate: number;
  meanExcess: number;
}

function readTail(state: DetectorState): TailModel {
  return { rate: state.tailExceedances / state.tailPoints, meanExcess: state.tailExcessSum / state.tailExceedances };
}

/**
 * Upward surprise of a robust z, in decimal digits (−log10 of its tail probability). Peaks over
 * clipZ follow an exponential tail fitted online (peaks-over-threshold with the shape fixed at
 * 0), so a brand whose mentions are always bursty needs a bigger burst to page anyone.
 */
function surpriseOf(z: number, tail: TailModel, clipZ: number): number {
  if (z <= clipZ) {
    return 0;
  }
  return -Math.log10(tail.rate) + (z - clipZ) / (tail.meanExcess * Math.LN10);
}

/** The robust z at which the surprise reaches `alertSurprise`. */
function zAtSurprise(alertSurprise: number, tail: TailModel, clipZ: number): number {
  return clipZ + Math.max(0, (alertSurprise + Math.log10(tail.rate)) * tail.meanExcess * Math.LN10);
}

/**
 * Maps a surprise (decimal digits) to a score in [0, 1): 0.5 exactly at the alert surprise,
 * tending to 1 as the point gets rarer.
 */
export function scoreFromSurprise(surprise: number, alertSurprise: number): number {
  return surprise <= 0 ? 0 : surprise / (surprise + alertSurprise);
}

/** Six decimals of a transformed quantity are far below any noise; shorter numbers keep the JSON small. */
function roundTo6(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/** Rounds the state's reals in place so its JSON stays small and exactly reproducible. */
function compactState(state: DetectorState): void {
  state.level = roundTo6(state.level);
  state.runMeanResidual = roundTo6(state.runMeanResidual);
  state.tailPoints = roundTo6(state.tailPoints);
  state.tailExceedances = roundTo6(state.tailExceedances);
  state.tailExcessSum = roundTo6(state.tailExcessSum);
  for (let slot = 0; slot < state.seasonal.length; slot += 1) {
    state.seasonal[slot] = roundTo6(state.seasonal[slot] ?? 0);
    state.spread[slot] = roundTo6(state.spread[slot] ?? 0);
    state.slotWeightMs[slot] = Math.round(state.slotWeightMs[slot] ?? 0);
  }
}

/** Anscombe's variance-stabilising transform of a count. */
function stabilise(count: number): number {
  return 2 * Math.sqrt(Math.max(0, count) + 0.375);
}

/** Inverse of `stabilise` for bands, floored at 0 as counts cannot be negative. */
function toCounts(stabilised: number): number {
  return Math.max(0, (Math.max(0, stabilised) / 2) ** 2 - 0.375);
}

/**
 * Judges one point and learns from it.
 * @param state the series state, not modified
 * @param timeMs event time of the point, ms since epoch; a point at or before the last one (a
 *   repeated sample, a late one) is judged at its own time of day and learnt as if it came with
 *   no time elapsed
 * @param value observed value, ≥ 0 (counts, or any non-negative magnitude)
 * @returns the next state and the verdict; the state stays the same size forever
 */
export function detectSpike(
  state: DetectorState,
  timeMs: number,
  value: number,
  settings: DetectorSettings = DEFAULT_DETECTOR_SETTINGS,
): { state: DetectorState; verdict: DetectorVerdict } {
  const slots = state.seasonal.length;
  const y = stabilise(value);
  const next: DetectorState = {
    ...state,
    seasonal: [...state.seasonal],
    spread: [...state.spread],
    slotWeightMs: [...state.slotWeightMs],
  };

  if (state.lastTimeMs === null || state.firstTimeMs === null) {
    next.firstTimeMs = timeMs;
    next.lastTimeMs = timeMs;
    next.level = y;
    return {
      state: next,
      verdict: {
        score: 0,
        alert: false,
        observed: value,
        expected: value,
        lower: value,
        upper: value,
        z: 0,
        sinceMs: null,
        warmingUp: true,
      },
    };
  }

  const stepMs = Math.min(Math.max(timeMs - state.lastTimeMs, 0), MAX_STEP_PERIODS * settings.seasonalPeriodMs);
  const [low, high, fraction] = locateSlots(timeMs, settings, slots);
  const expectedStable = state.level + blend(state.seasonal, low, high, fraction);
  const expectedCount = toCounts(expectedStable);
  const learntSpread = blend(state.spread, low, high, fraction) * MEAN_ABS_TO_SD;
  const slotWeightMs = blend(state.slotWeightMs, low, high, fraction);
  // Until a slot has seen a few periods of data its learnt spread is shrunk toward zero, so
  // lean on twice the Poisson spread (1 after the transform) rather than trust it.
  const maturity = Math.min(1, slotWeightMs / (2 * settings.seasonalSlotMs));
  const spread = Math.max(2 - maturity, learntSpread / Math.max(maturity, 0.25));
  const residual = y - expectedStable;
  const z = residual / spread;

  const warmingUp = timeMs - state.firstTimeMs < settings.warmUpMs;
  const tail = readTail(state);
  // The per-point probability that pages once per alertRarityMs at this sampling interval.
  const alertSurprise = Math.log10(settings.alertRarityMs / Math.max(stepMs, 1));
  const tailScore = scoreFromSurprise(surpriseOf(z, tail, settings.clipZ), alertSurprise);
  // Below minAlertZ the score is held under 0.5, still rising with z so that ranks are kept.
  const rawScore = warmingUp
    ? 0
    : z >= settings.minAlertZ
      ? tailScore
      : Math.min(tailScore, (0.49 * Math.max(z, 0)) / settings.minAlertZ);
  const hot = rawScore >= 0.5;

  let alert = false;
  let score = rawScore;
  const episodeOver = state.episodeLastHotMs !== null && timeMs - state.episodeLastHotMs > settings.refractoryMs;
  if (episodeOver) {
    next.episodeStartMs = null;
    next.episodeLastHotMs = null;
  }
  if (hot) {
    if (next.episodeStartMs === null) {
      alert = true;
      next.episodeStartMs = timeMs;
    } else {
      // One page per buzz: later hot points of the same episode stay just under the threshold.
      score = Math.min(rawScore, 0.49);
    }
    next.episodeLastHotMs = Math.max(next.episodeLastHotMs ?? timeMs, timeMs);
  }

  // Learning: a redescending influence (clipZ²/z spreads beyond clipZ) so the bigger the
  // anomaly, the less it moves the baseline it is judged against; real changes of level are
  // taken by the level-shift rule below instead.
  const clipped = Math.abs(z) <= settings.clipZ ? residual : ((settings.clipZ * settings.clipZ) / z) * spread;
  const earlyMs = Math.max(0, timeMs - state.firstTimeMs);
  // A young series learns as a running mean, then settles to its half-life.
  const levelWeight = Math.max(decayWeight(stepMs, settings.levelHalfLifeMs), stepMs / Math.max(earlyMs, stepMs, 1));
  const seasonalHalfLifeMs = settings.seasonalHalfLifePeriods * settings.seasonalSlotMs;
  const slotStepMs = [stepMs * (1 - fraction), stepMs * fraction];
  [low, high].forEach((slot, index) => {
    const share = slotStepMs[index] ?? 0;
    const credited = (next.slotWeightMs[slot] ?? 0) + share;
    // Past two half-lives the running-mean weight no longer matters, so the tally can stop.
    next.slotWeightMs[slot] = Math.min(credited, 2 * seasonalHalfLifeMs);
    const weight = Math.max(decayWeight(share, seasonalHalfLifeMs), share / Math.max(credited, 1));
    next.seasonal[slot] = (next.seasonal[slot] ?? 0) + weight * (1 - levelWeight) * clipped;
    const absResidual = Math.min(Math.abs(residual), settings.clipZ * spread);
    next.spread[slot] = (next.spread[slot] ?? 0) + weight * (absResidual - (next.spread[slot] ?? 0));
  });
  next.level = state.level + levelWeight * clipped;
  const tailKeep = 1 - decayWeight(stepMs, settings.seasonalHalfLifePeriods * settings.seasonalPeriodMs);
  next.tailPoints = state.tailPoints * tailKeep + 1;
  next.tailExceedances = state.tailExceedances * tailKeep + (z > settings.clipZ ? 1 : 0);
  next.tailExcessSum = state.tailExcessSum * tailKeep + Math.max(0, z - settings.clipZ);

  // Level-shift acceptance: a long one-sided run of large residuals is the new normal.
  const sign: -1 | 0 | 1 = Math.abs(z) >= settings.clipZ ? (z > 0 ? 1 : -1) : 0;
  if (sign === 0 || sign !== state.runSign || state.runStartMs === null) {
    next.runSign = sign;
    next.runStartMs = sign === 0 ? null : timeMs;
    next.runMeanResidual = sign === 0 ? 0 : residual;
    next.runPoints = sign === 0 ? 0 : 1;
  } else {
    next.runPoints = state.runPoints + 1;
    next.runMeanResidual = state.runMeanResidual + (residual - state.runMeanResidual) / next.runPoints;
    if (timeMs - state.runStartMs >= settings.levelShiftAfterMs) {
      next.level = state.level + next.runMeanResidual;
      next.runSign = 0;
      next.runStartMs = null;
      next.runMeanResidual = 0;
      next.runPoints = 0;
    }
  }
  next.lastTimeMs = Math.max(state.lastTimeMs, timeMs);
  compactState(next);
  const alertZ = Math.max(settings.minAlertZ, zAtSurprise(alertSurprise, tail, settings.clipZ));

  return {
    state: next,
    verdict: {
      score,
      alert,
      observed: value,
      expected: expectedCount,
      lower: toCounts(expectedStable - alertZ * spread),
      upper: toCounts(expectedStable + alertZ * spread),
      z,
      sinceMs: next.episodeStartMs,
      warmingUp,
    },
  };
}
