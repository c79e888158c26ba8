import { MAX_EVIDENCE_TEXT_CHARS, type CrisisPlan, type ReplyRule } from '@tocsin/crisis-plan';
import { isBrandAccount, mentionKey, type EnrichedMention } from '@tocsin/domain';
import type { ReplyEntry } from './reply-entry.schema';

/** How long an entry is kept when the plan does not say: three days. */
export const DEFAULT_REPLY_HORIZON_MS = 3 * 86_400_000;

export interface ReplyQueueRules {
  rules: ReplyRule[];
  horizonMs: number;
}

/**
 * The plan's reply-queue rules, or the default when it has none: every negative mention
 * deserves an answer within the lowest level's playbook deadline.
 */
export function replyQueueRules(plan: CrisisPlan): ReplyQueueRules {
  if (plan.replyQueue) return { rules: plan.replyQueue.rules, horizonMs: plan.replyQueue.horizonMs };
  const lowest = plan.levels[0];
  return { rules: lowest ? [{ level: lowest.id }] : [], horizonMs: DEFAULT_REPLY_HORIZON_MS };
}

function ruleHolds(rule: ReplyRule, brandId: string, mention: EnrichedMention): boolean {
  if (rule.brands && !rule.brands.includes(brandId)) return false;
  if (rule.platforms && !rule.platforms.includes(mention.platform)) return false;
  if (rule.languages && !rule.languages.includes(mention.lang)) return false;
  if (rule.countries && (mention.country === undefined || !rule.countries.includes(mention.country))) return false;
  if (rule.minFollowers !== undefined && (mention.author.followers ?? 0) < rule.minFollowers) return false;
  if (rule.maxSentimentScore !== undefined && mention.sentiment.score > rule.maxSentimentScore) return false;
  return true;
}

/** The first rule the mention meets and the deadline it gives, in ms after posting. */
export function matchReplyRule(
  plan: CrisisPlan,
  brandId: string,
  mention: EnrichedMention,
): { rule: ReplyRule; deadlineMs: number } | undefined {
  for (const rule of replyQueueRules(plan).rules) {
    if (!ruleHolds(rule, brandId, mention)) continue;
    const level = plan.levels.find((candidate) => candidate.id === rule.level);
    if (!level) continue;
    return { rule, deadlineMs: rule.deadlineMs ?? level.playbook.responseDeadlineMs };
  }
  return undefined;
}

/**
 * The reply-queue entry a mention of `brandId` makes, or undefined when it deserves no answer:
 * not negative, posted by the brand itself, met by no rule, or posted more than `maxAgeMs`
 * (or the queue's horizon, if shorter) before `nowMs`, when it is read: a backfill or a replay
 * from a topic's start does not fill the queue with last week's posts.
 */
export function admitToReplyQueue(
  plan: CrisisPlan,
  brandId: string,
  mention: EnrichedMention,
  nowMs: number,
  maxAgeMs = Number.POSITIVE_INFINITY,
): ReplyEntry | undefined {
  if (mention.sentiment.label !== 'negative') return undefined;
  const brand = plan.brands.find((candidate) => candidate.id === brandId);
  if (!brand || isBrandAccount(brand, mention)) return undefined;
  const postedAtMs = Date.parse(mention.createdAt);
  if (postedAtMs < nowMs - Math.min(maxAgeMs, replyQueueRules(plan).horizonMs)) return undefined;
  const matched = matchReplyRule(plan, brandId, mention);
  if (!matched) return undefined;
  return {
    mentionKey: mentionKey(mention),
    brandId,
    platform: mention.platform,
    mentionId: mention.id,
    ...(mention.threadId === undefined ? {} : { threadId: mention.threadId }),
    ...(mention.url === undefined ? {} : { url: mention.url }),
    text: mention.text.slice(0, MAX_EVIDENCE_TEXT_CHARS),
    author: {
      handle: mention.author.handle,
      ...(mention.author.name === undefined ? {} : { name: mention.author.name }),
      followers: mention.author.followers ?? 0,
      verified: mention.author.verified === true,
    },
    lang: mention.lang,
    ...(mention.country === undefined ? {} : { country: mention.country }),
    sentimentScore: mention.sentiment.score,
    level: matched.rule.level,
    postedAtMs,
    queuedAtMs: nowMs,
    dueAtMs: postedAtMs + matched.deadlineMs,
    state: 'waiting',
  };
}
