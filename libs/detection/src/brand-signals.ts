import { formatAmount, SIGNAL_METRICS, type IntervalTally, type SignalMetric, type SpikeSignal } from '@tocsin/domain';
import {
  MENTION_DETECTOR_SETTINGS,
  type DetectorSettings,
  type DetectorState,
  type DetectorVerdict,
  createDetectorState,
  detectSpike,
  validateDetectorSettings,
} from './spike-detector';

/** How one brand's mentions are cut into intervals and judged. */
export interface BrandWindowSettings {
  /** Length of one interval, ms; each metric gets one point per interval. */
  intervalMs: number;
  /** How far behind the newest event time a mention may arrive and still count, ms. */
  allowedLatenessMs: number;
  /**
   * Most intervals one call to advanceWatermark closes; the rest close on the next calls. Bounds
   * the work, memory and output of one step whatever the jump in event time.
   */
  maxIntervalsPerStep: number;
  detector: DetectorSettings;
}

export const DEFAULT_BRAND_WINDOW_SETTINGS: Readonly<BrandWindowSettings> = {
  intervalMs: 60_000,
  allowedLatenessMs: 120_000,
  maxIntervalsPerStep: 1_440,
  detector: MENTION_DETECTOR_SETTINGS,
};

/** What windowing needs to know of one enriched mention. */
export interface MentionObservation {
  brandId: string;
  /** When the mention was published, ms since epoch. */
  eventTimeMs: number;
  negative: boolean;
  /** Author's followers, ≥ 0. */
  followers: number;
}

export type { IntervalTally };

/**
 * One brand's windowing and detection state, plain JSON for Redis. Open tallies cover at most
 * allowedLatenessMs / intervalMs + 1 intervals once the watermark has been advanced.
 */
export interface BrandSignalsState {
  brandId: string;
  /** Newest event time seen, ms since epoch; null before anything was seen. */
  maxEventTimeMs: number | null;
  /** Every interval ending at or before this instant is closed; null until the series starts. */
  closedUntilMs: number | null;
  /** Open intervals, oldest first. */
  open: IntervalTally[];
  /** Mentions that arrived after their interval had closed. */
  lateMentions: number;
  /** Running mean reach of one negative mention; null before the first. */
  reachPerMentionMean: number | null;
  detectors: Record<SignalMetric, DetectorState>;
}

/**
 * Reach weighs an author by √followers: an author with 1 000 000 followers weighs as much as
 * 100 authors with 100, not 10 000 of them, so one celebrity raises the signal without drowning
 * it; a logarithm would flatten influencers to barely more than anyone else.
 */
export function weighReach(followers: number): number {
  return Math.sqrt(Math.max(0, followers));
}

/**
 * Negative share is fed to the detector in percent so that its count-noise floor acts on
 * percentage points; the signal reports it back as a fraction.
 */
const SHARE_TO_DETECTOR = 100;
/** Weight of one negative mention in the running mean of reach per mention. */
const REACH_MEAN_WEIGHT = 0.01;

/** Validates window settings; throws RangeError naming the setting. */
export function validateBrandWindowSettings(settings: BrandWindowSettings): BrandWindowSettings {
  if (!Number.isInteger(settings.intervalMs) || settings.intervalMs <= 0) {
    throw new RangeError(`intervalMs must be a positive integer, got ${settings.intervalMs}`);
  }
  if (!(settings.allowedLatenessMs >= 0) || !Number.isFinite(settings.allowedLatenessMs)) {
    throw new RangeError(`allowedLatenessMs must be a finite number ≥ 0, got ${settings.allowedLatenessMs}`);
  }
  if (!Number.isInteger(settings.maxIntervalsPerStep) || settings.maxIntervalsPerStep <= 0) {
    throw new RangeError(`maxIntervalsPerStep must be a positive integer, got ${settings.maxIntervalsPerStep}`);
  }
  validateDetectorSettings(settings.detector);
  return settings;
}

/** A fresh state for a brand; its series starts with its first mention or watermark. */
export function createBrandSignalsState(
  brandId: string,
  settings: BrandWindowSettings = DEFAULT_BRAND_WINDOW_SETTINGS,
): BrandSignalsState {
  const detectors = Object.fromEntries(
    SIGNAL_METRICS.map((metric) => [metric, createDetectorState(settings.detector)]),
  ) as Record<SignalMetric, DetectorState>;
  return {
    brandId,
    maxEventTimeMs: null,
    closedUntilMs: null,
    open: [],
    lateMentions: 0,
    reachPerMentionMean: null,
    detectors,
  };
}

/** Start (ms since epoch) of the interval holding `timeMs`; intervals are aligned on the epoch. */
export function alignToInterval(timeMs: number, intervalMs: number): number {
  return Math.floor(timeMs / intervalMs) * intervalMs;
}

/**
 * Counts one mention in its event-time interval. A mention whose interval has already closed is
 * not added (its verdicts are out) but counted in `lateMentions` and reported as late.
 * @returns the next state, and late = true when the mention was too late to count
 */
export function observeMention(
  state: BrandSignalsState,
  observation: MentionObservation,
  settings: BrandWindowSettings = DEFAULT_BRAND_WINDOW_SETTINGS,
): { state: BrandSignalsState; late: boolean } {
  const startMs = alignToInterval(observation.eventTimeMs, settings.intervalMs);
  const reach = observation.negative ? weighReach(observation.followers) : 0;
  const negative = observation.negative ? 1 : 0;
  const observed = observeTally(state, { startMs, volume: 1, negativeVolume: negative, reachNegative: reach });
  if (observed.lateMentions > 0) return { state: observed.state, late: true };
  return {
    state: {
      ...observed.state,
      maxEventTimeMs: Math.max(state.maxEventTimeMs ?? observation.eventTimeMs, observation.eventTimeMs),
      closedUntilMs: state.closedUntilMs ?? startMs,
    },
    late: false,
  };
}

/**
 * Adds the counts of one interval (several mentions at once: a partition's partial count) to the
 * brand's open tally of that interval. Counts of an interval already closed are not added but
 * counted in `lateMentions`. The mean reach of a negative mention moves as if the tally's negative
 * mentions had come one by one, each with the tally's mean reach. Neither the brand's event time
 * nor its series start move: with partial counts from several partitions, only the caller knows
 * how far every partition has got (see advanceWatermark).
 * @returns the next state and how many of the tally's mentions were too late to count
 */
export function observeTally(
  state: BrandSignalsState,
  tally: IntervalTally,
): { state: BrandSignalsState; lateMentions: number } {
  if (tally.volume === 0) return { state, lateMentions: 0 };
  if (state.closedUntilMs !== null && tally.startMs < state.closedUntilMs) {
    return { state: { ...state, lateMentions: state.lateMentions + tally.volume }, lateMentions: tally.volume };
  }
  const existing = state.open.find((open) => open.startMs === tally.startMs);
  const updated: IntervalTally = {
    startMs: tally.startMs,
    volume: (existing?.volume ?? 0) + tally.volume,
    negativeVolume: (existing?.negativeVolume ?? 0) + tally.negativeVolume,
    reachNegative: (existing?.reachNegative ?? 0) + tally.reachNegative,
  };
  const open = existing
    ? state.open.map((candidate) => (candidate === existing ? updated : candidate))
    : [...state.open, updated].sort((a, b) => a.startMs - b.startMs);
  let reachPerMentionMean = state.reachPerMentionMean;
  if (tally.negativeVolume > 0) {
    const meanReach = tally.reachNegative / tally.negativeVolume;
    // n steps of an exponential mean towards the same value close (1 − (1 − w)^n) of the gap.
    const moved = 1 - (1 - REACH_MEAN_WEIGHT) ** tally.negativeVolume;
    reachPerMentionMean =
      reachPerMentionMean === null ? meanReach : reachPerMentionMean + moved * (meanReach - reachPerMentionMean);
  }
  return { state: { ...state, open, reachPerMentionMean }, lateMentions: 0 };
}

/**
 * How many of the metric's own units make one detector unit. The detector's noise floor is that
 * of counts, so reach is fed as mention-equivalents (reach / mean reach of one negative
 * mention) and share as percent.
 */
function metricUnit(metric: SignalMetric, state: BrandSignalsState): number {
  switch (metric) {
    case 'volume':
    case 'negativeVolume':
      return 1;
    case 'negativeShare':
      return 1 / SHARE_TO_DETECTOR;
    case 'reachNegative':
      return Math.max(1, state.reachPerMentionMean ?? 1);
  }
}

function metricValue(metric: SignalMetric, tally: IntervalTally): number {
  switch (metric) {
    case 'volume':
      return tally.volume;
    case 'negativeVolume':
      return tally.negativeVolume;
    case 'negativeShare':
      return tally.volume === 0 ? 0 : tally.negativeVolume / tally.volume;
    case 'reachNegative':
      return tally.reachNegative;
  }
}

/** A sentence a CM can act on: what was seen, what was expected, how unusual, since when. */
function explainVerdict(metric: SignalMetric, verdict: DetectorVerdict, unit: number, sinceIso?: string): string {
  const shown = (value: number) =>
    metric === 'negativeShare' ? `${formatAmount(value * SHARE_TO_DETECTOR * unit)}%` : formatAmount(value * unit);
  const base = `${metric} ${shown(verdict.observed)}, expected ${shown(verdict.expected)} (alert above ${shown(verdict.upper)})`;
  if (verdict.warmingUp) {
    return `${base}; still learning this series, no alert yet`;
  }
  const direction = verdict.z >= 0 ? 'above' : 'below';
  const since = sinceIso ? `; anomalous since ${sinceIso}` : '';
  return `${base}; ${Math.abs(verdict.z).toFixed(1)} spreads ${direction} usual, score ${verdict.score.toFixed(2)}${since}`;
}

function buildSignal(
  brandId: string,
  metric: SignalMetric,
  startMs: number,
  intervalMs: number,
  verdict: DetectorVerdict,
  unit: number,
): SpikeSignal {
  const sinceIso = verdict.sinceMs === null ? undefined : new Date(verdict.sinceMs).toISOString();
  const signal: SpikeSignal = {
    kind: 'spike',
    brandId,
    metric,
    intervalStart: new Date(startMs).toISOString(),
    intervalEnd: new Date(startMs + intervalMs).toISOString(),
    observed: verdict.observed * unit,
    expected: verdict.expected * unit,
    lower: verdict.lower * unit,
    upper: verdict.upper * unit,
    score: verdict.score,
    alert: verdict.alert,
    explanation: explainVerdict(metric, verdict, unit, sinceIso),
  };
  if (sinceIso !== undefined) {
    signal.since = sinceIso;
  }
  return signal;
}

/**
 * Moves the brand's event-time watermark to max(newest event seen, `eventTimeMs`) −
 * allowedLatenessMs and closes every interval that ends at or before it, in order — including
 * intervals with no mention, which close as zeros so each series stays continuous. Each closed
 * interval is judged by the four metric detectors. At most maxIntervalsPerStep intervals close
 * per call; the watermark is remembered, so the next calls close the rest.
 * @param eventTimeMs newest event time the caller vouches for beyond the brand's own (every
 *   partition's progress, see sourcesEventTimeMs), ms since epoch
 * @returns the next state and one SpikeSignal per metric per closed interval, oldest first
 */
export function advanceWatermark(
  state: BrandSignalsState,
  eventTimeMs: number,
  settings: BrandWindowSettings = DEFAULT_BRAND_WINDOW_SETTINGS,
): { state: BrandSignalsState; signals: SpikeSignal[] } {
  const maxEventTimeMs = Math.max(state.maxEventTimeMs ?? eventTimeMs, eventTimeMs);
  const watermarkMs = maxEventTimeMs - settings.allowedLatenessMs;
  // A series fed by tallies starts at its oldest counted interval, and only once that closes:
  // until then an older interval may still come from a slower partition.
  let closedUntilMs =
    state.closedUntilMs ?? state.open[0]?.startMs ?? alignToInterval(watermarkMs, settings.intervalMs);
  const detectors = { ...state.detectors };
  const open = [...state.open];
  const signals: SpikeSignal[] = [];
  let closed = 0;

  while (closedUntilMs + settings.intervalMs <= watermarkMs && closed < settings.maxIntervalsPerStep) {
    closed += 1;
    const startMs = closedUntilMs;
    const tally =
      open[0]?.startMs === startMs
        ? (open.shift() as IntervalTally)
        : { startMs, volume: 0, negativeVolume: 0, reachNegative: 0 };
    // Points are stamped at the interval's end: that is when its value became known.
    const pointTimeMs = startMs + settings.intervalMs;
    for (const metric of SIGNAL_METRICS) {
      const unit = metricUnit(metric, state);
      const step = detectSpike(detectors[metric], pointTimeMs, metricValue(metric, tally) / unit, settings.detector);
      detectors[metric] = step.state;
      signals.push(buildSignal(state.brandId, metric, startMs, settings.intervalMs, step.verdict, unit));
    }
    closedUntilMs = pointTimeMs;
  }

  const started = state.closedUntilMs !== null || closed > 0 || state.open.length === 0;
  return {
    state: { ...state, maxEventTimeMs, closedUntilMs: started ? closedUntilMs : null, open, detectors },
    signals,
  };
}
