import {
  foldText,
  formatAmount,
  formatFollowers,
  type EnrichedMention,
  type SignalMetric,
  type SpikeSignal,
} from '@tocsin/domain';
import { z } from 'zod';
import {
  countInShareWindow,
  hasHitThisMinute,
  shareWindowSchema,
  sumShareWindow,
  type ShareWindow,
} from './negative-share-window';
import { findCrisisTerms } from './crisis-terms';
import { formatDurationMs } from './duration.schema';
import type { CrisisPlan, MentionScope, MentionTrigger, SignalTrigger, Trigger } from './plan.schema';
import { MAX_EVIDENCE_TEXT_CHARS, type HitEvidence, type TriggerHit } from './trigger-hit.schema';

/**
 * What trigger evaluation remembers between mentions: the negative-share windows, keyed
 * `<triggerId>|<brandId>`. Plain JSON, bounded by triggers × brands × window minutes; validate
 * with this schema when restoring it from a store.
 */
export const triggerStateSchema = z
  .object({ planVersion: z.string().optional(), shareWindows: z.record(z.string(), shareWindowSchema) })
  .strict();
export type TriggerState = z.infer<typeof triggerStateSchema>;

export interface TriggerEvaluation {
  state: TriggerState;
  hits: TriggerHit[];
}

/** The state before any mention was seen. */
export function createTriggerState(): TriggerState {
  return { shareWindows: {} };
}

const SIGNAL_METRIC_OF: Record<SignalTrigger['kind'], SignalMetric> = {
  'negative-spike': 'negativeVolume',
  'volume-spike': 'volume',
  'reach-spike': 'reachNegative',
};

const METRIC_WORDING: Record<SignalMetric, string> = {
  volume: 'mention volume',
  negativeVolume: 'negative volume',
  negativeShare: 'negative share',
  reachNegative: 'negative reach',
};

function isSignalTrigger(trigger: Trigger): trigger is SignalTrigger {
  return trigger.kind in SIGNAL_METRIC_OF;
}

function appliesToBrand(trigger: Trigger, brandId: string): boolean {
  return trigger.scope?.brands === undefined || trigger.scope.brands.includes(brandId);
}

function appliesToMention(scope: MentionScope | undefined, mention: EnrichedMention): boolean {
  if (scope?.platforms && !scope.platforms.includes(mention.platform)) return false;
  if (scope?.countries && (mention.country === undefined || !scope.countries.includes(mention.country))) return false;
  return true;
}

/**
 * The brand's own accounts answering complaints ("désolés pour le remboursement…") are not
 * complaints: their posts trip no mention trigger of that brand and do not count in its share.
 */
function isOwnPost(plan: CrisisPlan, brandId: string, mention: EnrichedMention): boolean {
  const handles = plan.brands.find((brand) => brand.id === brandId)?.handles ?? [];
  const author = foldText(mention.author.handle.replace(/^@/, ''));
  return handles.some((handle) => foldText(handle.replace(/^@/, '')) === author);
}

function handleOf(mention: EnrichedMention): string {
  return mention.author.handle.startsWith('@') ? mention.author.handle : `@${mention.author.handle}`;
}

function mentionEvidence(mention: EnrichedMention): HitEvidence {
  return {
    mentionKey: mention.key,
    text: mention.text.slice(0, MAX_EVIDENCE_TEXT_CHARS),
    author: handleOf(mention),
    ...(mention.author.followers === undefined ? {} : { followers: mention.author.followers }),
    ...(mention.author.verified === undefined ? {} : { verified: mention.author.verified }),
    platform: mention.platform,
    ...(mention.country === undefined ? {} : { country: mention.country }),
    sentimentScore: mention.sentiment.score,
  };
}

interface MentionOutcome {
  window?: ShareWindow;
  hit?: { reason: string; evidence: HitEvidence };
}

function evaluateMentionTrigger(
  trigger: MentionTrigger,
  mention: EnrichedMention,
  window: ShareWindow | undefined,
  nowMs: number,
): MentionOutcome {
  const negative = mention.sentiment.label === 'negative';
  switch (trigger.kind) {
    case 'influential-negative': {
      const followers = mention.author.followers ?? 0;
      const verified = trigger.includeVerified && mention.author.verified === true;
      if (!negative || (followers < trigger.minFollowers && !verified)) return {};
      const who = [`${formatFollowers(followers)} followers`, ...(mention.author.verified ? ['verified'] : [])];
      const reason = `Negative mention by ${handleOf(mention)} (${who.join(', ')}) on ${mention.platform}`;
      return { hit: { reason, evidence: mentionEvidence(mention) } };
    }
    case 'crisis-vocabulary': {
      if (!negative) return {};
      const terms = findCrisisTerms(trigger, mention.text, mention.lang);
      if (terms.length === 0) return {};
      const quoted = terms.map((term) => `"${term}"`).join(', ');
      const reason = `Negative mention by ${handleOf(mention)} on ${mention.platform} uses crisis words: ${quoted}`;
      return { hit: { reason, evidence: { ...mentionEvidence(mention), terms } } };
    }
    case 'negative-share': {
      const counted = countInShareWindow(window, negative, nowMs, trigger.windowMs);
      const { negative: negatives, total } = sumShareWindow(counted);
      const pct = total === 0 ? 0 : (negatives * 100) / total;
      if (total < trigger.minMentions || pct < trigger.minSharePct || hasHitThisMinute(counted, nowMs)) {
        return { window: counted };
      }
      const rounded = Math.round(pct);
      const reason =
        `Negative share ${rounded}% over the last ${formatDurationMs(trigger.windowMs)} ` +
        `(${negatives} of ${total} mentions), threshold ${trigger.minSharePct}%`;
      const share = { negative: negatives, total, pct: Math.round(pct * 10) / 10, windowMs: trigger.windowMs };
      return {
        window: { ...counted, lastHitAtMs: nowMs },
        hit: { reason, evidence: { ...mentionEvidence(mention), share } },
      };
    }
  }
}

function toHit(
  plan: CrisisPlan,
  trigger: Trigger,
  brandId: string,
  nowMs: number,
  found: NonNullable<MentionOutcome['hit']>,
): TriggerHit {
  return {
    kind: 'trigger',
    triggerId: trigger.id,
    triggerKind: trigger.kind,
    brandId,
    level: trigger.level,
    group: trigger.group ?? trigger.id,
    planVersion: plan.version,
    reason: found.reason,
    evidence: found.evidence,
    atMs: nowMs,
  };
}

/** Drops windows of triggers or brands a reloaded plan no longer has, so the state stays bounded. */
function prunedFor(plan: CrisisPlan, state: TriggerState): TriggerState {
  if (state.planVersion === plan.version) return state;
  const live = new Set(
    plan.triggers
      .filter((trigger) => trigger.kind === 'negative-share')
      .flatMap((trigger) => plan.brands.map((brand) => `${trigger.id}|${brand.id}`)),
  );
  const shareWindows = Object.fromEntries(Object.entries(state.shareWindows).filter(([key]) => live.has(key)));
  return { planVersion: plan.version, shareWindows };
}

/**
 * Checks one enriched mention against every mention trigger of the plan, for each brand the
 * mention is about and within each trigger's scope. `nowMs` is the time the mention is counted
 * at (ms since epoch). Returns the next state (the input is not modified) and the hits, in plan order.
 */
export function evaluateMention(
  plan: CrisisPlan,
  state: TriggerState,
  mention: EnrichedMention,
  nowMs: number,
): TriggerEvaluation {
  const current = prunedFor(plan, state);
  const shareWindows = { ...current.shareWindows };
  const hits: TriggerHit[] = [];
  for (const trigger of plan.triggers) {
    if (isSignalTrigger(trigger) || !appliesToMention(trigger.scope, mention)) continue;
    for (const brandId of mention.brandIds) {
      if (!appliesToBrand(trigger, brandId) || isOwnPost(plan, brandId, mention)) continue;
      const key = `${trigger.id}|${brandId}`;
      const outcome = evaluateMentionTrigger(trigger, mention, shareWindows[key], nowMs);
      if (outcome.window) shareWindows[key] = outcome.window;
      if (outcome.hit) hits.push(toHit(plan, trigger, brandId, nowMs, outcome.hit));
    }
  }
  return { state: { ...current, shareWindows }, hits };
}

/**
 * Checks one spike-detector verdict against the plan's spike triggers (negative-spike reads
 * metric negativeVolume, volume-spike volume, reach-spike reachNegative) whose `minScore` it
 * reaches. Signals need no memory; the state is passed through so both evaluators look alike.
 */
export function evaluateSignal(
  plan: CrisisPlan,
  state: TriggerState,
  signal: SpikeSignal,
  nowMs: number,
): TriggerEvaluation {
  const hits: TriggerHit[] = [];
  for (const trigger of plan.triggers) {
    if (!isSignalTrigger(trigger) || SIGNAL_METRIC_OF[trigger.kind] !== signal.metric) continue;
    if (!appliesToBrand(trigger, signal.brandId) || signal.score < trigger.minScore) continue;
    const reason =
      `Spike in ${METRIC_WORDING[signal.metric]}: ${formatAmount(signal.observed)} observed, ` +
      `${formatAmount(signal.expected)} expected (score ${signal.score.toFixed(2)})`;
    hits.push(toHit(plan, trigger, signal.brandId, nowMs, { reason, evidence: { signal } }));
  }
  return { state, hits };
}
