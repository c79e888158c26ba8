/**
 * Streaming spike detector for any non-negative series (mention counts first): one point in,
 * one verdict out, O(1) time and a fixed-size, JSON-serialisable state per series.
 *
 * The series chooses its own treatment from what it has shown so far, never from a name or a
 * range: while every value is a non-negative integer it is a count, judged on Anscombe's
 * 2√(x + 3/8) where Poisson noise has unit spread at any mean, so 1 → 4 mentions at night is
 * not news; a non-integer makes it a magnitude, judged on 2√x (scale-free: the same verdicts
 * for bytes, percent or dollars) without the count-noise floor; a negative value makes it a
 * signed quantity, judged as is.
 *
 * Model on that scale: expected = level + seasonal[time of day] (+ the weekday's offset, in the
 * mention reading); spread = robust scale of the residual learnt for that time of day. Two
 * horizons judge each point: the point itself (a burst) and a short moving mean of its
 * residuals (a buzz that builds over an hour). Each has a
 * tail learnt from the series' own quiet times (peaks over threshold), so a brand that is always
 * bursty needs a bigger burst, and a building buzz does not teach the detector to expect itself.
 * The score comes from the rarer of the two. A third, slower horizon (6 h in the defaults) reads
 * volatility: the moving mean of |z| above its usual. Alerts fire once at the onset of an episode, then
 * stay quiet for a refractory period: a CM needs one page per buzz, not one per minute.
 */

/** Detector settings; every duration is in ms so one setting fits 1-minute and 5-minute series. */
export interface DetectorSettings {
  /** Length of the seasonal cycle (a day of mention habits). */
  seasonalPeriodMs: number;
  /** Width of one seasonal slot; the profile is interpolated between slot centres. */
  seasonalSlotMs: number;
  /** Half-life of the level (slow drift, weekday/weekend changes). */
  levelHalfLifeMs: number;
  /** Half-life of each slot's seasonal offset and spread, and of the tails, in seasonal periods. */
  seasonalHalfLifePeriods: number;
  /** No verdict counts (score 0, warmingUp true) before the series has been observed this long. */
  warmUpMs: number;
  /**
   * How rare a point must be to page someone: one whose surprise the series' own tails would
   * produce less than once per this duration scores 0.5.
   */
  alertRarityMs: number;
  /**
   * Never page for fewer spreads from expected than this, however light the learnt tail: on a
   * series of pure counting noise even the week's rarest point is not a buzz.
   */
  minAlertZ: number;
  /**
   * Residuals beyond this many spreads update the baseline with a shrinking influence
   * (clipZ·√(clipZ/|z|) spreads), and past it starts the tail whose heaviness is learnt per series.
   */
  clipZ: number;
  /** A run of |z| ≥ clipZ on one side lasting this long becomes the new level. */
  levelShiftAfterMs: number;
  /** After an alert, no new alert until the score has stayed below 0.5 this long. */
  refractoryMs: number;
  /**
   * Half-lives of the moving means of residuals that catch a buzz building up, one horizon each;
   * every horizon added widens the rarity budget's factor, so more is not free. Empty: none.
   */
  sustainedHalfLivesMs: readonly number[];
  /**
   * Half-lives of the moving means of winsorised |z| (the series' volatility), one horizon
   * each, judged upward only against their own quiet mean and spread, on their own tails: a
   * change of shape at an ordinary level (a reading swinging between its usual extremes).
   * Empty or absent: none. Optional so that settings written before it stay valid. They stay
   * outside the rarity budget's factor: pages come once per episode, and a moving mean with a
   * half-life of hours crosses its line in runs that long, so it spends a small share of a
   * budget counted per point (counting it made every point's line stricter and cost the tweets
   * their windows).
   */
  volatilityHalfLivesMs?: readonly number[];
  /**
   * 'both': a drop pages too, judged on its own tails (a fall is the failure of a speed, a
   * temperature, a server's traffic; NAB labels both); 'upper': only more than usual pages, the
   * reading for mentions (a bad buzz is more talk; a quiet night is not news).
   */
  sides: 'upper' | 'both';
  /**
   * A point past every value the series has shown since its warm-up (above the highest, or below
   * the lowest when drops page) and at least minAlertZ spreads from expected pages even under the
   * tails' line, once those values span alertRarityMs: a record is no likelier than 1 in the
   * points seen, so no likelier than the paging budget. The tails' parametric line misjudges
   * heavy tails; the record is the series' own, model-free reading of "never seen before".
   */
  recordAlerts: boolean;
  /**
   * A record must pass the old extreme by more than this many spreads: creeping a hair past it
   * (a bounded noise piling up at its bound) is the same extreme again.
   */
  recordMarginSpreads: number;
  /**
   * A count's time-of-day slot younger than two days spreads at least this share of the
   * series' typical transformed value, fading as the slot matures: a brand's day is unknown
   * until seen (its first morning may bring five times the night's talk), and what the detector
   * does not know yet is not news, nor a lesson for its tails. 0 or absent: none. Optional so
   * that settings written before it stay valid.
   */
  youngSlotSpreadShare?: number;
  /**
   * Half-life of each weekday's offset: how far that day's values sit from the mean of its week,
   * learnt from whole days once seven running days have been seen, so a brand whose weekends are
   * a third of its weekdays is not paged every Monday (nor blinded by the weekly swing taken for
   * noise). Days are the seasonal cycle's, starting at `weekdayUtcOffsetMs`. 0 or absent: no
   * weekly cycle. Optional so that settings written before it stay valid.
   */
  weekdayHalfLifeMs?: number;
  /**
   * Where the weekly cycle's days begin: the series' local time's offset from UTC (Paris in
   * winter: +1 h, San Francisco: −8 h), so a weekend is Saturday and Sunday where the brand's
   * people live; 9 hours off, a weekly cycle on UTC days made a tripling of the talk page less
   * often than none. 0 or absent: UTC days.
   */
  weekdayUtcOffsetMs?: number;
}

const HOUR_MS = 3_600_000;
const WEEK_MS = 7 * 24 * HOUR_MS;

/**
 * Defaults for any series: a day cycle in hour slots, a week of memory and both sides are
 * principles; the rarity, the refractory period and the least z that pages are the
 * cross-validated choice of `npm run -s bench:nab -- --corpus` (each held-out series scored
 * with settings chosen on the others), and the record alerts the choice of
 * `bench/nab/variant-cv.ts` with and without them pooled into one grid, the volatility horizon
 * (6 h, outside the budget's factor) the same test's choice among its variants (seventh look),
 * and the young slots' spread share (0.5) its choice among nine shares from 0 to 1 (eighth look).
 */
export const DEFAULT_DETECTOR_SETTINGS: Readonly<DetectorSettings> = {
  seasonalPeriodMs: 24 * HOUR_MS,
  seasonalSlotMs: HOUR_MS,
  levelHalfLifeMs: 24 * HOUR_MS,
  seasonalHalfLifePeriods: 7,
  warmUpMs: 6 * HOUR_MS,
  alertRarityMs: 2 * 24 * HOUR_MS,
  minAlertZ: 3.5,
  clipZ: 3,
  levelShiftAfterMs: 3 * HOUR_MS,
  refractoryMs: 12 * HOUR_MS,
  sustainedHalfLivesMs: [20 * 60_000],
  volatilityHalfLivesMs: [6 * HOUR_MS],
  sides: 'both',
  recordAlerts: true,
  recordMarginSpreads: 0.25,
  youngSlotSpreadShare: 0.5,
};

/**
 * What the pipeline runs on a brand's mention series: the defaults' model, paging only on more
 * than usual (fewer mentions than expected is no bad buzz for a community manager to answer),
 * with the paging budget of someone woken at night: never under 4 spreads (at 1-minute
 * intervals, 3.5 spreads of plain Poisson noise come several times a week), noise alone at
 * most about once in 2 days, and a story's aftershocks within 12 h are the same buzz. No
 * volatility horizon: it was chosen on NAB's machine readings, and a brand's talk getting
 * noisier at an ordinary volume is no bad buzz. A weekly cycle with a month's memory per
 * weekday: many brands talk a third as much at weekends, and without it every Monday pages and
 * the weekly swing, taken for noise, hides a tripling of a weekday's talk (NAB's machine
 * readings, whose holidays it would learn into their weekdays, score lower with it: the
 * defaults go without).
 */
export const MENTION_DETECTOR_SETTINGS: Readonly<DetectorSettings> = {
  ...DEFAULT_DETECTOR_SETTINGS,
  alertRarityMs: 2 * 24 * HOUR_MS,
  minAlertZ: 4,
  refractoryMs: 12 * HOUR_MS,
  volatilityHalfLivesMs: [],
  sides: 'upper',
  recordAlerts: false,
  weekdayHalfLifeMs: 4 * WEEK_MS,
};

/** How the series' values are read, chosen from the values seen so far. */
export type SeriesKind = 'count' | 'magnitude' | 'signed';

/** Online peaks-over-threshold tally of one horizon: exponentially weighted counts. */
export interface TailTally {
  points: number;
  exceedances: number;
  excessSum: number;
  excessSquareSum: number;
}

/** Plain JSON state of one series; restore it as-is to resume with identical verdicts. */
export interface DetectorState {
  /** Event time of the first and the latest point, ms since epoch; null before the first. */
  firstTimeMs: number | null;
  lastTimeMs: number | null;
  kind: SeriesKind;
  level: number;
  /** Seasonal offset per slot, on the transformed scale. */
  seasonal: number[];
  /** Mean absolute residual per slot, on the transformed scale. */
  spread: number[];
  /** Observed time credited to each slot, for warm-up weighting, ms. */
  slotWeightMs: number[];
  /** Mean absolute residual over all slots: the spread of a slot too young to have its own. */
  overallSpread: number;
  /** Mean absolute transformed value: the scale of a magnitude's spread floor. */
  magnitude: number;
  /** Ongoing one-sided run of large residuals: sign, start, mean residual. */
  runSign: -1 | 0 | 1;
  runStartMs: number | null;
  runMeanResidual: number;
  runPoints: number;
  /**
   * The run's mean expected value, on the transformed scale: what a count's new level is a
   * multiple of. Absent in a state kept before it; the current expected value stands in.
   */
  runMeanExpected?: number;
  /**
   * Moving means of winsorised z (the sustained horizons, one per half-life) and their mean
   * absolute values when quiet.
   */
  sustained: number[];
  sustainedSpread: number[];
  /**
   * With volatilityHalfLivesMs: per horizon, the moving mean of winsorised |z|, its quiet mean
   * and its quiet mean absolute deviation, flattened (absent without them).
   */
  volatility?: number[];
  /**
   * One tail per horizon and side: the point and each sustained horizon above expected, then,
   * when drops page too, the same below it; then one per volatility horizon. Each side learns
   * its own tail, so a series whose dips are ordinary does not excuse its bursts, nor the
   * reverse.
   */
  tails: TailTally[];
  /**
   * What the last quiet stretch would teach the tails, held back for levelShiftAfterMs from
   * `pendingSinceMs`: if that stretch was a buzz building up, its alert drops it, so a slow ramp
   * does not raise the line it has to cross.
   */
  pendingTails: TailTally[];
  pendingSinceMs: number | null;
  /** Current episode: when it began, the last time the score was ≥ 0.5. */
  episodeStartMs: number | null;
  episodeLastHotMs: number | null;
  /**
   * With recordAlerts: the highest and lowest transformed values since warm-up, and when they
   * began (null until then; a state kept without them starts its records afresh).
   */
  records?: [number, number] | null;
  recordsSinceMs?: number | null;
  /**
   * With weekdayHalfLifeMs: each weekday's offset on the transformed scale and how many of its
   * days taught it; the mean of each of the last seven whole days (value less its time-of-day
   * offset) by day number modulo 7, and that day number (null: none yet); and the day under
   * way: its number, sum, count, first and last time (null before the first). A state kept
   * without them starts them afresh.
   */
  weekdays?: WeekdayState;
}

/** The weekly cycle's state (see `DetectorState.weekdays`). */
export interface WeekdayState {
  offsets: number[];
  learnt: number[];
  dayMeans: number[];
  dayNumbers: (number | null)[];
  today: [day: number, sum: number, count: number, firstMs: number, lastMs: number] | null;
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
  /** Robust z of the observed value (spreads above expected, negative below). */
  z: number;
  /** Start of the current anomalous episode, ms since epoch, if one is under way. */
  sinceMs: number | null;
  warmingUp: boolean;
}

/** Converts a mean absolute deviation to a normal standard deviation. */
const MEAN_ABS_TO_SD = Math.sqrt(Math.PI / 2);
/** Largest step credited to one point, so a gap in the data does not wipe the memory. */
const MAX_STEP_PERIODS = 0.25;
/** A magnitude's spread never falls below this share of its typical transformed value. */
const RELATIVE_SPREAD_FLOOR = 1e-3;
/** Standard deviation of |z| for normal z: √(1 − 2/π). */
const ABS_NORMAL_SD = Math.sqrt(1 - 2 / Math.PI);

/** Validates settings; throws RangeError naming the setting. */
export function validateDetectorSettings(settings: DetectorSettings): DetectorSettings {
  const positive = [
    'seasonalPeriodMs',
    'seasonalSlotMs',
    'levelHalfLifeMs',
    'seasonalHalfLifePeriods',
    'alertRarityMs',
    'minAlertZ',
    'clipZ',
    'levelShiftAfterMs',
  ] as const;
  for (const key of positive) {
    if (!(settings[key] > 0) || !Number.isFinite(settings[key])) {
      throw new RangeError(`detector setting ${key} must be a finite number > 0, got ${settings[key]}`);
    }
  }
  for (const key of [
    'warmUpMs',
    'refractoryMs',
    'recordMarginSpreads',
    'youngSlotSpreadShare',
    'weekdayHalfLifeMs',
  ] as const) {
    const value = settings[key] ?? 0;
    if (!(value >= 0) || !Number.isFinite(value)) {
      throw new RangeError(`detector setting ${key} must be a finite number ≥ 0, got ${value}`);
    }
  }
  for (const halfLifeMs of [...settings.sustainedHalfLivesMs, ...(settings.volatilityHalfLivesMs ?? [])]) {
    if (!(halfLifeMs > 0) || !Number.isFinite(halfLifeMs)) {
      throw new RangeError(
        `detector settings sustainedHalfLivesMs and volatilityHalfLivesMs must hold finite numbers > 0, got ${halfLifeMs}`,
      );
    }
  }
  const utcOffsetMs = settings.weekdayUtcOffsetMs ?? 0;
  if (!Number.isFinite(utcOffsetMs) || Math.abs(utcOffsetMs) >= settings.seasonalPeriodMs) {
    throw new RangeError(
      `detector setting weekdayUtcOffsetMs must be a finite number within a seasonal period of 0, got ${utcOffsetMs}`,
    );
  }
  if (typeof settings.recordAlerts !== 'boolean') {
    throw new RangeError(`detector setting recordAlerts must be true or false, got ${String(settings.recordAlerts)}`);
  }
  if (settings.sides !== 'upper' && settings.sides !== 'both') {
    throw new RangeError(`detector setting sides must be 'upper' or 'both', got ${String(settings.sides)}`);
  }
  const slots = settings.seasonalPeriodMs / settings.seasonalSlotMs;
  if (!Number.isInteger(slots) || slots < 2) {
    throw new RangeError(`seasonalPeriodMs must be a multiple (≥ 2) of seasonalSlotMs, got ratio ${slots}`);
  }
  return settings;
}

/**
 * Prior of each tail, worth a few exceedances, so a young series is judged by a heavy tail
 * until it shows its own: mention bursts beyond 3 spreads typically run 1–4 spreads further
 * (retweet cascades), so a light prior pages on a young series' first ordinary burst.
 */
const TAIL_PRIOR_EXCEEDANCES = 3;
const TAIL_PRIOR_RATE = 0.01;
const TAIL_PRIOR_MEAN_EXCESS = 2.5;
/**
 * A sustained horizon's prior is lighter (its value measured, with the baseline's influence):
 * its moving mean averages points each winsorised at clipZ, so it runs past its line by less
 * than one point of a cascade does.
 */
const SUSTAINED_TAIL_PRIOR_MEAN_EXCESS = 1.75;

function priorTail(meanExcess: number): TailTally {
  return {
    points: TAIL_PRIOR_EXCEEDANCES / TAIL_PRIOR_RATE,
    exceedances: TAIL_PRIOR_EXCEEDANCES,
    excessSum: TAIL_PRIOR_EXCEEDANCES * meanExcess,
    // An exponential tail's mean square excess is twice its squared mean.
    excessSquareSum: TAIL_PRIOR_EXCEEDANCES * 2 * meanExcess ** 2,
  };
}

/**
 * Each tail's prior, in the tails' order: on each side the point then each sustained horizon,
 * then the volatility horizons.
 */
function priorTails(settings: DetectorSettings): TailTally[] {
  const horizons = horizonCount(settings);
  const sidedTails = (settings.sides === 'both' ? 2 : 1) * horizons;
  return Array.from({ length: tailCount(settings) }, (_, index) =>
    priorTail(index < sidedTails && index % horizons > 0 ? SUSTAINED_TAIL_PRIOR_MEAN_EXCESS : TAIL_PRIOR_MEAN_EXCESS),
  );
}

function emptyTail(): TailTally {
  return { points: 0, exceedances: 0, excessSum: 0, excessSquareSum: 0 };
}

/** Horizons judged on each side: the point itself and each sustained moving mean. */
function horizonCount(settings: DetectorSettings): number {
  return 1 + settings.sustainedHalfLivesMs.length;
}

function volatilityCount(settings: DetectorSettings): number {
  return settings.volatilityHalfLivesMs?.length ?? 0;
}

/** Tails a series keeps: one per horizon, on each side that pages, then one per volatility horizon. */
function tailCount(settings: DetectorSettings): number {
  return (settings.sides === 'both' ? 2 : 1) * horizonCount(settings) + volatilityCount(settings);
}

/** Days in the weekly cycle. */
const WEEK_DAYS = 7;
/** A day teaches its weekday only if its points span this share of it. */
const WHOLE_DAY_SHARE = 0.75;

/** Index of a day number's weekday, 0–6 (day 0, 1 January 1970, a Thursday, is 0). */
function weekdayOf(day: number): number {
  return ((day % WEEK_DAYS) + WEEK_DAYS) % WEEK_DAYS;
}

function freshWeekdays(): WeekdayState {
  return {
    offsets: new Array<number>(WEEK_DAYS).fill(0),
    learnt: new Array<number>(WEEK_DAYS).fill(0),
    dayMeans: new Array<number>(WEEK_DAYS).fill(0),
    dayNumbers: new Array<number | null>(WEEK_DAYS).fill(null),
    today: null,
  };
}

/**
 * The weekly cycle a state holds (its arrays shared, not copied: only a day's close rewrites
 * them, and learnWeekday copies them then), or a fresh one if it holds none of this shape.
 */
function weekdaysOf(state: DetectorState): WeekdayState {
  const kept = state.weekdays;
  const fits = (values: unknown, length: number) => Array.isArray(values) && values.length === length;
  if (
    kept === undefined ||
    !fits(kept.offsets, WEEK_DAYS) ||
    !fits(kept.learnt, WEEK_DAYS) ||
    !fits(kept.dayMeans, WEEK_DAYS) ||
    !fits(kept.dayNumbers, WEEK_DAYS) ||
    !(kept.today === null || fits(kept.today, 5))
  ) {
    return freshWeekdays();
  }
  return { ...kept };
}

/**
 * Adds a point's value less its time-of-day offset to the day under way; when a new day begins,
 * the last one, if whole, takes its place among the last seven, and once those seven run on
 * without a gap its weekday's offset learns how far that day sat from their mean (a running mean
 * over the weekday's first days, then the half-life).
 * @returns how much the closed day's weekday offset moved (0 when no day closed)
 */
function learnWeekday(
  weekdays: WeekdayState,
  day: number,
  timeMs: number,
  deseasonalised: number,
  settings: DetectorSettings,
): number {
  if (weekdays.today === null) {
    weekdays.today = [day, deseasonalised, 1, timeMs, timeMs];
    return 0;
  }
  const [today, sum, count, firstMs, lastMs] = weekdays.today;
  if (day === today) {
    weekdays.today = [today, sum + deseasonalised, count + 1, firstMs, timeMs];
    return 0;
  }
  if (day < today) {
    // A late point of a day already closed: that day's mean is kept as it was.
    return 0;
  }
  let closedOffsetChange = 0;
  if (lastMs - firstMs >= WHOLE_DAY_SHARE * settings.seasonalPeriodMs) {
    // The arrays may be shared with the state this one came from: copied before they change.
    weekdays.offsets = [...weekdays.offsets];
    weekdays.learnt = [...weekdays.learnt];
    weekdays.dayMeans = [...weekdays.dayMeans];
    weekdays.dayNumbers = [...weekdays.dayNumbers];
    const at = weekdayOf(today);
    const mean = sum / count;
    weekdays.dayMeans[at] = mean;
    weekdays.dayNumbers[at] = today;
    if (weekdays.dayNumbers.every((number) => number !== null && number > today - WEEK_DAYS)) {
      const weekMean = weekdays.dayMeans.reduce((total, value) => total + value, 0) / WEEK_DAYS;
      const learn = (weekday: number) => {
        const learnt = (weekdays.learnt[weekday] ?? 0) + 1;
        const weight = Math.max(
          1 / learnt,
          decayWeight(settings.seasonalPeriodMs * WEEK_DAYS, settings.weekdayHalfLifeMs ?? 0),
        );
        const offset = weekdays.offsets[weekday] ?? 0;
        weekdays.offsets[weekday] = offset + weight * ((weekdays.dayMeans[weekday] ?? 0) - weekMean - offset);
        // Past the running mean's reach the tally no longer matters.
        weekdays.learnt[weekday] = Math.min(learnt, 1_000);
      };
      const before = weekdays.offsets[at] ?? 0;
      learn(at);
      closedOffsetChange = (weekdays.offsets[at] ?? 0) - before;
      // The first whole week teaches every weekday in it at once, not one a day over the next.
      for (let weekday = 0; weekday < WEEK_DAYS; weekday += 1) {
        if ((weekdays.learnt[weekday] ?? 0) === 0) {
          learn(weekday);
        }
      }
    }
  }
  weekdays.today = [day, deseasonalised, 1, timeMs, timeMs];
  return closedOffsetChange;
}

/** A fresh state; its size depends only on the number of seasonal slots, horizons and sides. */
export function createDetectorState(settings: DetectorSettings = DEFAULT_DETECTOR_SETTINGS): DetectorState {
  const slots = Math.round(settings.seasonalPeriodMs / settings.seasonalSlotMs);
  return {
    firstTimeMs: null,
    lastTimeMs: null,
    kind: 'count',
    level: 0,
    seasonal: new Array<number>(slots).fill(0),
    spread: new Array<number>(slots).fill(0),
    slotWeightMs: new Array<number>(slots).fill(0),
    overallSpread: 0,
    magnitude: 0,
    runSign: 0,
    runStartMs: null,
    runMeanResidual: 0,
    runPoints: 0,
    runMeanExpected: 0,
    sustained: settings.sustainedHalfLivesMs.map(() => 0),
    sustainedSpread: settings.sustainedHalfLivesMs.map(() => 0),
    ...(volatilityCount(settings) > 0 ? { volatility: new Array<number>(3 * volatilityCount(settings)).fill(0) } : {}),
    tails: priorTails(settings),
    pendingTails: Array.from({ length: tailCount(settings) }, emptyTail),
    pendingSinceMs: null,
    episodeStartMs: null,
    episodeLastHotMs: null,
    ...(settings.recordAlerts ? { records: null, recordsSinceMs: null } : {}),
    ...((settings.weekdayHalfLifeMs ?? 0) > 0 ? { weekdays: freshWeekdays() } : {}),
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
  return halfLifeMs <= 0 ? 1 : 1 - Math.pow(2, -stepMs / halfLifeMs);
}

/**
 * Parameters of a learnt upper tail of z, a generalised Pareto over clipZ:
 * P(Z ≥ clipZ + e) = rate · (1 + shape · e / scale)^(−1 / shape), exponential at shape 0.
 */
interface TailModel {
  rate: number;
  shape: number;
  scale: number;
}

/** Heavier than this and one burst would excuse any other: mention cascades stay below it. */
const MAX_TAIL_SHAPE = 0.5;

function readTail(tally: TailTally): TailModel {
  const mean = tally.excessSum / tally.exceedances;
  const variance = Math.max(tally.excessSquareSum / tally.exceedances - mean * mean, 1e-12);
  // Moments of a generalised Pareto: shape = (1 − mean² / variance) / 2, clamped to the light
  // side at 0 (never lighter than exponential) and to MAX_TAIL_SHAPE on the heavy side.
  const shape = Math.min(MAX_TAIL_SHAPE, Math.max(0, 0.5 * (1 - (mean * mean) / variance)));
  return { rate: tally.exceedances / tally.points, shape, scale: mean * (1 - shape) };
}

/** Adds one point's |z| to a pending tally. */
function addToTail(tally: TailTally, absZ: number, clipZ: number): TailTally {
  const excess = Math.max(0, absZ - clipZ);
  return {
    points: tally.points + 1,
    exceedances: tally.exceedances + (absZ > clipZ ? 1 : 0),
    excessSum: tally.excessSum + excess,
    excessSquareSum: tally.excessSquareSum + excess * excess,
  };
}

/** Merges a pending tally into a tail that forgets with weight `keep`. */
function mergeTail(tally: TailTally, pending: TailTally, keep: number): TailTally {
  return {
    points: tally.points * keep + pending.points,
    exceedances: tally.exceedances * keep + pending.exceedances,
    excessSum: tally.excessSum * keep + pending.excessSum,
    excessSquareSum: tally.excessSquareSum * keep + pending.excessSquareSum,
  };
}

/** log10 of the chance to exceed clipZ + excess, given that clipZ is exceeded. */
function logSurvival(excess: number, tail: TailModel): number {
  return tail.shape < 1e-6
    ? -excess / (tail.scale * Math.LN10)
    : -Math.log10(1 + (tail.shape * excess) / tail.scale) / tail.shape;
}

/**
 * Surprise of a robust |z|, in decimal digits (−log10 of its tail probability). Peaks over
 * clipZ follow a generalised Pareto tail fitted online from its moments, so a series that is
 * always bursty, or whose bursts are heavy-tailed, needs a bigger burst to page anyone.
 */
function surpriseOf(absZ: number, tail: TailModel, clipZ: number): number {
  if (absZ <= clipZ) {
    return 0;
  }
  return -Math.log10(tail.rate) - logSurvival(absZ - clipZ, tail);
}

/** The robust z at which the surprise reaches `alertSurprise`. */
function zAtSurprise(alertSurprise: number, tail: TailModel, clipZ: number): number {
  const digits = Math.max(0, alertSurprise + Math.log10(tail.rate));
  const excess =
    tail.shape < 1e-6 ? digits * tail.scale * Math.LN10 : (tail.scale / tail.shape) * (10 ** (digits * tail.shape) - 1);
  return clipZ + excess;
}

/**
 * Maps a surprise (decimal digits) to a score in [0, 1): 0.5 exactly at the alert surprise,
 * tending to 1 as the point gets rarer.
 */
function scoreFromSurprise(surprise: number, alertSurprise: number): number {
  return surprise <= 0 ? 0 : surprise / (surprise + alertSurprise);
}

/**
 * Rounds to about six significant digits of the series' own scale, far below any noise:
 * shorter numbers keep the JSON small. A power of ten keeps the printed decimals short.
 */
function rounderFor(magnitude: number): (value: number) => number {
  const digits = Math.min(15, Math.max(0, 5 - Math.floor(Math.log10(Math.max(magnitude, 1e-300)))));
  const scale = 10 ** digits;
  return (value) => Math.round(value * scale) / scale;
}

function compactTail(tally: TailTally, round: (value: number) => number): TailTally {
  return {
    points: round(tally.points),
    exceedances: round(tally.exceedances),
    excessSum: round(tally.excessSum),
    excessSquareSum: round(tally.excessSquareSum),
  };
}

/** Rounds the state's reals in place so its JSON stays small; only `changedSlots` moved. */
function compactState(state: DetectorState, changedSlots: readonly number[]): void {
  const round = rounderFor(state.magnitude);
  const roundCount = rounderFor(1);
  state.level = round(state.level);
  state.runMeanResidual = round(state.runMeanResidual);
  if (state.runMeanExpected !== undefined) {
    state.runMeanExpected = round(state.runMeanExpected);
  }
  state.overallSpread = round(state.overallSpread);
  state.magnitude = round(state.magnitude);
  state.sustained = state.sustained.map(roundCount);
  state.sustainedSpread = state.sustainedSpread.map(roundCount);
  if (state.volatility !== undefined) {
    state.volatility = state.volatility.map(roundCount);
  }
  state.tails = state.tails.map((tally) => compactTail(tally, roundCount));
  state.pendingTails = state.pendingTails.map((tally) => compactTail(tally, roundCount));
  if (state.weekdays !== undefined) {
    state.weekdays = { ...state.weekdays };
    state.weekdays.offsets = state.weekdays.offsets.map(round);
    state.weekdays.dayMeans = state.weekdays.dayMeans.map(round);
    const today = state.weekdays.today;
    if (today !== null) {
      const [day, sum, count, firstMs, lastMs] = today;
      state.weekdays.today = [day, round(sum), count, firstMs, lastMs];
    }
  }
  for (const slot of changedSlots) {
    state.seasonal[slot] = round(state.seasonal[slot] ?? 0);
    state.spread[slot] = round(state.spread[slot] ?? 0);
    state.slotWeightMs[slot] = Math.round(state.slotWeightMs[slot] ?? 0);
  }
}

/** The treatment a value calls for, given the series' treatment so far: it only ever widens. */
function kindAfter(kind: SeriesKind, value: number): SeriesKind {
  if (kind === 'signed' || value < 0) {
    return 'signed';
  }
  return kind === 'magnitude' || !Number.isInteger(value) ? 'magnitude' : 'count';
}

/** The scale a series is judged on: variance-stabilised for counts, scale-free for magnitudes. */
function transform(kind: SeriesKind, value: number): number {
  switch (kind) {
    case 'count':
      return 2 * Math.sqrt(value + 0.375);
    case 'magnitude':
      return 2 * Math.sqrt(value);
    case 'signed':
      return value;
  }
}

/** Back to the series' units, for bands; counts and magnitudes cannot be negative. */
function untransform(kind: SeriesKind, transformed: number): number {
  switch (kind) {
    case 'count':
      return Math.max(0, (Math.max(0, transformed) / 2) ** 2 - 0.375);
    case 'magnitude':
      return (Math.max(0, transformed) / 2) ** 2;
    case 'signed':
      return transformed;
  }
}

/** Whether a state holds one tail per horizon and side of these settings. */
function fitsSettings(state: DetectorState, settings: DetectorSettings): boolean {
  return (
    Array.isArray(state.tails) &&
    state.tails.length === tailCount(settings) &&
    Array.isArray(state.pendingTails) &&
    state.pendingTails.length === tailCount(settings) &&
    Array.isArray(state.sustained) &&
    state.sustained.length === settings.sustainedHalfLivesMs.length &&
    Array.isArray(state.sustainedSpread) &&
    state.sustainedSpread.length === settings.sustainedHalfLivesMs.length &&
    (volatilityCount(settings) === 0 ||
      (Array.isArray(state.volatility) && state.volatility.length === 3 * volatilityCount(settings)))
  );
}

/** The first verdict of a series, or of one whose treatment just changed: nothing to judge yet. */
function startSeries(
  state: DetectorState,
  timeMs: number,
  value: number,
  kind: SeriesKind,
  settings: DetectorSettings,
): { state: DetectorState; verdict: DetectorVerdict } {
  const y = transform(kind, value);
  const next: DetectorState = {
    ...createDetectorState(settings),
    // Warm-up starts over too: a model this young would page on the next wiggle.
    firstTimeMs: timeMs,
    lastTimeMs: Math.max(state.lastTimeMs ?? timeMs, timeMs),
    kind,
    level: y,
    magnitude: Math.abs(y),
  };
  compactState(next, []);
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

/**
 * Judges one point and learns from it.
 * @param state the series state, not modified
 * @param timeMs event time of the point, ms since epoch; a point at or before the latest one (a
 *   repeated sample, a late one) is judged at its own time of day and learnt as if it came with
 *   no time elapsed
 * @param value observed value (counts, any magnitude, or a signed quantity)
 * @returns the next state and the verdict; the state stays the same size forever
 */
export function detectSpike(
  state: DetectorState,
  timeMs: number,
  value: number,
  settings: DetectorSettings = DEFAULT_DETECTOR_SETTINGS,
): { state: DetectorState; verdict: DetectorVerdict } {
  const kind = kindAfter(state.kind, value);
  if (
    state.lastTimeMs === null ||
    state.firstTimeMs === null ||
    kind !== state.kind ||
    !fitsSettings(state, settings)
  ) {
    // A new series, or one that has just shown it is not a count (or not non-negative): what
    // was learnt on the old scale does not apply on the new one. A state kept under other
    // horizons or sides has no tail for some of them and starts over too.
    return startSeries(state, timeMs, value, kind, settings);
  }
  const slots = state.seasonal.length;
  const y = transform(kind, value);
  const next: DetectorState = {
    ...state,
    seasonal: [...state.seasonal],
    spread: [...state.spread],
    slotWeightMs: [...state.slotWeightMs],
  };

  const stepMs = Math.min(Math.max(timeMs - state.lastTimeMs, 0), MAX_STEP_PERIODS * settings.seasonalPeriodMs);
  const [low, high, fraction] = locateSlots(timeMs, settings, slots);
  const dayOffset = blend(state.seasonal, low, high, fraction);
  // The weekly cycle, when on: the offset of this point's weekday (days of the seasonal cycle).
  const weekdays = (settings.weekdayHalfLifeMs ?? 0) > 0 ? weekdaysOf(state) : undefined;
  const day = Math.floor((timeMs + (settings.weekdayUtcOffsetMs ?? 0)) / settings.seasonalPeriodMs);
  const weekdayOffset = weekdays?.offsets[weekdayOf(day)] ?? 0;
  const expectedStable = state.level + weekdayOffset + dayOffset;
  const slotSpread = blend(state.spread, low, high, fraction);
  const slotWeightMs = blend(state.slotWeightMs, low, high, fraction);
  // A slot that has seen little data leans on the spread over all slots.
  const maturity = Math.min(1, slotWeightMs / (2 * settings.seasonalSlotMs));
  const learntSpread = (maturity * slotSpread + (1 - maturity) * state.overallSpread) * MEAN_ABS_TO_SD;
  // Counts never spread less than Poisson noise (unit on Anscombe's scale); magnitudes never
  // less than a thousandth of their size, so a flat line does not make every wiggle infinite.
  const floor = kind === 'count' ? 1 : Math.max(RELATIVE_SPREAD_FLOOR * state.magnitude, Number.MIN_VALUE);
  const youngFloor = kind === 'count' ? (1 - maturity) * (settings.youngSlotSpreadShare ?? 0) * state.magnitude : 0;
  const spread = Math.max(floor, learntSpread, youngFloor);
  const residual = y - expectedStable;
  const z = residual / spread;

  // The sustained horizons: moving means of winsorised z, each judged against its own quiet
  // spread.
  const winsorised = Math.max(-settings.clipZ, Math.min(settings.clipZ, z));
  const horizons = settings.sustainedHalfLivesMs.length + 1;
  const sustained: number[] = [];
  // The distance of each horizon from expected on each side that pages, in the tails' order:
  // the point and each sustained horizon above expected, then the same below it.
  const sidedZs = new Array<number>(state.tails.length).fill(0);
  sidedZs[0] = Math.max(z, 0);
  if (settings.sides === 'both') {
    sidedZs[horizons] = Math.max(-z, 0);
  }
  settings.sustainedHalfLivesMs.forEach((halfLifeMs, index) => {
    const weight = decayWeight(stepMs, halfLifeMs);
    const previous = state.sustained[index] ?? 0;
    const mean = previous + weight * (winsorised - previous);
    sustained.push(mean);
    // Never tighter than the moving mean of white noise (sd √(w / (2 − w)) for weight w per
    // point), so a young or very regular series does not make every drift look sustained.
    const whiteNoiseSd = Math.sqrt(weight / (2 - weight));
    const meanZ = stepMs > 0 ? mean / Math.max((state.sustainedSpread[index] ?? 0) * MEAN_ABS_TO_SD, whiteNoiseSd) : 0;
    sidedZs[1 + index] = Math.max(meanZ, 0);
    if (settings.sides === 'both') {
      sidedZs[horizons + 1 + index] = Math.max(-meanZ, 0);
    }
  });

  // A young series learns as a running mean (this weight), then settles to each half-life.
  const earlyMs = Math.max(0, timeMs - state.firstTimeMs);
  const runningWeight = stepMs / Math.max(earlyMs, stepMs, 1);

  // The volatility horizons: moving means of winsorised |z| (|z| rather than z², so that one
  // clipped point moves them 3.75 typical points' worth, not 11: the point horizon reads single
  // bursts already), judged upward only against their own quiet mean and spread. A young series
  // averages all its points, so the quiet mean is not learnt from a moving mean still at 0.
  const volatilityHalfLivesMs = settings.volatilityHalfLivesMs ?? [];
  const volatilityBase = state.tails.length - volatilityHalfLivesMs.length;
  const volatility = [...(state.volatility ?? [])];
  const volatilityScales: number[] = [];
  volatilityHalfLivesMs.forEach((halfLifeMs, index) => {
    const weight = Math.max(decayWeight(stepMs, halfLifeMs), runningWeight);
    const previous = volatility[3 * index] ?? 0;
    const mean = previous + weight * (Math.abs(winsorised) - previous);
    volatility[3 * index] = mean;
    // Never tighter than the moving mean of white noise's |z| would allow.
    const scale = Math.max(
      (volatility[3 * index + 2] ?? 0) * MEAN_ABS_TO_SD,
      ABS_NORMAL_SD * Math.sqrt(weight / (2 - weight)),
    );
    volatilityScales.push(scale);
    const volatilityZ = stepMs > 0 ? (mean - (volatility[3 * index + 1] ?? 0)) / scale : 0;
    sidedZs[volatilityBase + index] = Math.max(volatilityZ, 0);
  });

  const warmingUp = timeMs - state.firstTimeMs < settings.warmUpMs;
  const tails = state.tails.map(readTail);
  // The per-point probability that pages once per alertRarityMs at this sampling interval on
  // each side, shared by that side's horizons (the rarest of n is n times as likely by chance);
  // the volatility horizons are outside that factor (see volatilityHalfLivesMs).
  const alertSurprise = Math.log10(settings.alertRarityMs / Math.max(stepMs, 1)) + Math.log10(horizons);
  let surprise = 0;
  let largestSidedZ = 0;
  sidedZs.forEach((sided, index) => {
    const tail = tails[index];
    largestSidedZ = Math.max(largestSidedZ, sided);
    if (tail && sided >= settings.minAlertZ) {
      surprise = Math.max(surprise, surpriseOf(sided, tail, settings.clipZ));
    }
  });
  // Below minAlertZ on every horizon the score is held under 0.5, still rising with z so that
  // ranks are kept.
  const tailScore = warmingUp
    ? 0
    : surprise > 0
      ? scoreFromSurprise(surprise, alertSurprise)
      : Math.min(0.49, (0.49 * largestSidedZ) / settings.minAlertZ);
  // Records: past every value since warm-up, far enough from expected, once they span the budget.
  let record = false;
  if (settings.recordAlerts && !warmingUp) {
    const records = state.records ?? null;
    const recordsSinceMs = state.recordsSinceMs ?? null;
    if (records === null || recordsSinceMs === null) {
      next.records = [y, y];
      next.recordsSinceMs = timeMs;
    } else {
      const [highest, lowest] = records;
      if (timeMs - recordsSinceMs >= settings.alertRarityMs) {
        // Past the old extreme by a margin of the noise: creeping a hair past it is the same extreme.
        const margin = settings.recordMarginSpreads * spread;
        record =
          (y > highest + margin && (sidedZs[0] ?? 0) >= settings.minAlertZ) ||
          (settings.sides === 'both' && y < lowest - margin && (sidedZs[horizons] ?? 0) >= settings.minAlertZ);
      }
      next.records = [Math.max(highest, y), Math.min(lowest, y)];
    }
  }
  const rawScore = record ? Math.max(0.5, tailScore) : tailScore;
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

  // Learning: a redescending influence (clipZ·√(clipZ/|z|) spreads beyond clipZ) so the bigger
  // the anomaly, the less it moves the baseline it is judged against; real changes of level are
  // taken by the level-shift rule below instead. The square root redescends more slowly than
  // the first form, clipZ²/z: a measured choice (cross-validated over the clock's four
  // quarter-hour phases), not a derived one.
  const clipped =
    Math.abs(z) <= settings.clipZ
      ? residual
      : Math.sign(z) * settings.clipZ * Math.sqrt(settings.clipZ / Math.abs(z)) * spread;
  const levelWeight = Math.max(decayWeight(stepMs, settings.levelHalfLifeMs), runningWeight);
  const seasonalHalfLifeMs = settings.seasonalHalfLifePeriods * settings.seasonalSlotMs;
  const absResidual = Math.min(Math.abs(residual), settings.clipZ * spread);
  const slotShares = [1 - fraction, fraction];
  const sharesSquared = (1 - fraction) ** 2 + fraction ** 2;
  [low, high].forEach((slot, index) => {
    const slotShare = slotShares[index] ?? 0;
    const share = stepMs * slotShare;
    const credited = (next.slotWeightMs[slot] ?? 0) + share;
    // Past two half-lives the running-mean weight no longer matters, so the tally can stop.
    next.slotWeightMs[slot] = Math.min(credited, 2 * seasonalHalfLifeMs);
    const decay = decayWeight(share, seasonalHalfLifeMs);
    const runningMeanWeight = share / Math.max(credited, 1);
    const weight = Math.max(decay, runningMeanWeight);
    // A young slot's running mean learns the residual in proportion to its part in the
    // expected value (normalised least mean squares): taken whole, a slot that explains a
    // hundredth of the points near its neighbour's centre would add up their residuals rather
    // than average them, and at one mention a minute the profile would swing slot by slot.
    const offsetWeight = Math.max(decay, (runningMeanWeight * slotShare) / sharesSquared);
    next.seasonal[slot] = (next.seasonal[slot] ?? 0) + offsetWeight * (1 - levelWeight) * clipped;
    next.spread[slot] = (next.spread[slot] ?? 0) + weight * (absResidual - (next.spread[slot] ?? 0));
  });
  const overallWeight = Math.max(
    decayWeight(stepMs, settings.seasonalHalfLifePeriods * settings.seasonalPeriodMs),
    runningWeight,
  );
  next.overallSpread = state.overallSpread + overallWeight * (absResidual - state.overallSpread);
  next.magnitude = state.magnitude + overallWeight * (Math.abs(y) - state.magnitude);
  next.level = state.level + levelWeight * clipped;

  next.sustained = sustained;
  next.sustainedSpread = sustained.map((mean, index) => {
    const quiet = state.sustainedSpread[index] ?? 0;
    return quiet + overallWeight * (Math.min(Math.abs(mean), settings.clipZ * quiet || Infinity) - quiet);
  });
  if (volatilityHalfLivesMs.length > 0) {
    // The quiet mean and spread learn from every point over the week's memory, as the sustained
    // horizons' quiet spread does, each step's pull limited to clipZ of the horizon's spread: a
    // volatile buzz barely teaches the detector to expect it, a lasting change becomes the normal
    // (learning outside episodes only was tried: an episode the horizon itself keeps hot would
    // freeze it, and it cross-validated worse).
    volatilityHalfLivesMs.forEach((_, index) => {
      const scale = volatilityScales[index] ?? 0;
      const mean = volatility[3 * index] ?? 0;
      const quietMean = volatility[3 * index + 1] ?? 0;
      const quietDeviation = volatility[3 * index + 2] ?? 0;
      volatility[3 * index + 1] =
        quietMean + overallWeight * (Math.min(mean, quietMean + settings.clipZ * scale) - quietMean);
      volatility[3 * index + 2] =
        quietDeviation +
        overallWeight * (Math.min(Math.abs(mean - quietMean), settings.clipZ * scale) - quietDeviation);
    });
    next.volatility = volatility;
  }
  // The tails learn only once a stretch has stayed clear of any alert for levelShiftAfterMs: a
  // buzz's build-up would otherwise teach the detector to expect it. After the page, a count
  // series' episode is learnt too: the replies and re-shares of a story are how bursty this
  // brand is; but only once this time of day is known (its slot mature), since a young
  // model's first morning is its own ignorance of the daily cycle, and at high volumes it
  // would teach the tails that 20-spread residuals are ordinary for weeks. A magnitude's
  // episode is a fault state (a failure, a stuck level), not its ordinary tail, so it is left
  // out.
  const tailKeep = (elapsedMs: number) =>
    1 - decayWeight(elapsedMs, settings.seasonalHalfLifePeriods * settings.seasonalPeriodMs);
  if (alert) {
    // The alerting point itself is learnt, so a blip that recurs every day stops paging.
    next.tails = state.tails.map((tally, index) =>
      mergeTail(tally, addToTail(emptyTail(), sidedZs[index] ?? 0, settings.clipZ), tailKeep(stepMs)),
    );
    next.pendingTails = state.pendingTails.map(emptyTail);
    next.pendingSinceMs = null;
  } else if ((!hot && next.episodeStartMs === null) || (kind === 'count' && maturity >= 1)) {
    const pendingSinceMs = state.pendingSinceMs ?? timeMs;
    next.pendingTails = state.pendingTails.map((tally, index) => addToTail(tally, sidedZs[index] ?? 0, settings.clipZ));
    next.pendingSinceMs = pendingSinceMs;
    if (timeMs - pendingSinceMs >= settings.levelShiftAfterMs) {
      const keep = tailKeep(timeMs - pendingSinceMs);
      next.tails = state.tails.map((tally, index) => mergeTail(tally, next.pendingTails[index] ?? emptyTail(), keep));
      next.pendingTails = state.pendingTails.map(emptyTail);
      next.pendingSinceMs = null;
    }
  }

  // Level-shift acceptance: a long one-sided run of large residuals is the new normal.
  const sign: -1 | 0 | 1 = Math.abs(z) >= settings.clipZ ? (z > 0 ? 1 : -1) : 0;
  if (sign === 0 || sign !== state.runSign || state.runStartMs === null) {
    next.runSign = sign;
    next.runStartMs = sign === 0 ? null : timeMs;
    next.runMeanResidual = sign === 0 ? 0 : residual;
    next.runMeanExpected = sign === 0 ? 0 : expectedStable;
    next.runPoints = sign === 0 ? 0 : 1;
  } else {
    next.runPoints = state.runPoints + 1;
    next.runMeanResidual = state.runMeanResidual + (residual - state.runMeanResidual) / next.runPoints;
    const previousRunExpected = state.runMeanExpected ?? expectedStable;
    const runExpected = previousRunExpected + (expectedStable - previousRunExpected) / next.runPoints;
    next.runMeanExpected = runExpected;
    if (timeMs - state.runStartMs >= settings.levelShiftAfterMs) {
      const ratio = (runExpected + next.runMeanResidual) / runExpected;
      if (kind === 'count' && runExpected > 0 && ratio > 0) {
        // Talk swings around the day in proportion to its volume, so on the square-root scale in
        // proportion to its root: the whole profile, level and daily offsets, is scaled by what
        // the run measured (its mean value over its mean expected). Scaling the offsets by the
        // level's ratio alone, as first done, let a level that is not the day's mean collapse
        // and the day's swing with it: a brand with quiet weekends was blind from its first one.
        next.level = state.level * ratio;
        next.seasonal = next.seasonal.map((offset) => offset * ratio);
        if (weekdays !== undefined) {
          weekdays.offsets = weekdays.offsets.map((offset) => offset * ratio);
        }
      } else {
        next.level = state.level + next.runMeanResidual;
      }
      next.sustained = next.sustained.map(() => 0);
      // The run's residuals were a level's, not volatility: each moving mean of |z| restarts at
      // its quiet mean.
      for (let index = 0; index < volatilityHalfLivesMs.length; index += 1) {
        volatility[3 * index] = volatility[3 * index + 1] ?? 0;
      }
      next.runSign = 0;
      next.runStartMs = null;
      next.runMeanResidual = 0;
      next.runMeanExpected = 0;
      next.runPoints = 0;
    }
  }
  if (weekdays !== undefined) {
    // A young model's days are its ignorance of the daily cycle: they teach the week nothing.
    if (!warmingUp) {
      // The level had followed the day just closed; what its weekday's offset now holds of that
      // day leaves the level, so the expected value does not count it twice.
      next.level -= learnWeekday(weekdays, day, timeMs, y - dayOffset, settings);
    }
    next.weekdays = weekdays;
  }
  next.lastTimeMs = Math.max(state.lastTimeMs, timeMs);
  compactState(next, [low, high]);
  // The band: where the point horizon alone would page, on each side (the upper tail's line
  // below expected too when drops do not page, as a reference).
  const alertZOf = (tail: TailModel | undefined) =>
    tail ? Math.max(settings.minAlertZ, zAtSurprise(alertSurprise, tail, settings.clipZ)) : settings.minAlertZ;
  const upperAlertZ = alertZOf(tails[0]);
  const lowerAlertZ = settings.sides === 'both' ? alertZOf(tails[horizons]) : upperAlertZ;

  // A second reading of an instant already read (a sample delivered twice, a source's retry) is
  // judged but teaches nothing: counted again, it would weigh twice in the tails and the
  // level-shift run. Only its episode is kept, so a hot repeat is not paged twice.
  const learnt: DetectorState =
    timeMs === state.lastTimeMs
      ? { ...state, episodeStartMs: next.episodeStartMs, episodeLastHotMs: next.episodeLastHotMs }
      : next;

  return {
    state: learnt,
    verdict: {
      score,
      alert,
      observed: value,
      expected: untransform(kind, expectedStable),
      lower: untransform(kind, expectedStable - lowerAlertZ * spread),
      upper: untransform(kind, expectedStable + upperAlertZ * spread),
      z,
      sinceMs: next.episodeStartMs,
      warmingUp,
    },
  };
}
