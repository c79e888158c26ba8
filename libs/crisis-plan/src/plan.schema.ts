import { brandSchema, PLATFORMS } from '@tocsin/domain';
import { DateTime, IANAZone } from 'luxon';
import { z } from 'zod';
import { durationMsSchema, positiveDurationMsSchema } from './duration.schema';

/** Ids of levels, triggers, people, schedules and policies: lowercase slugs, readable in paths and Redis keys. */
export const planIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'expected a lowercase id such as "social-care" (a-z, 0-9, "-", "_")');

const text = z.string().trim().min(1).max(2_000);

/** An IANA time zone luxon knows, so shift maths is DST-correct. */
export const timeZoneSchema = z.string().superRefine((zone, ctx) => {
  if (IANAZone.isValidZone(zone)) return;
  ctx.addIssue({
    code: z.ZodIssueCode.custom,
    message: `unknown time zone "${zone}" (expected an IANA zone such as "Europe/Paris")`,
  });
});
/**
 * A crisis term: a word or phrase (matched on its word forms), `"a quoted phrase"` (exact
 * words), or a word ending in `*` (prefix). A prefix needs three letters, or it would match
 * half the language.
 */
export const crisisTermSchema = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .superRefine((term, ctx) => {
    const quoted = term.length >= 2 && term.startsWith('"') && term.endsWith('"');
    const body = quoted ? term.slice(1, -1) : term;
    if (body.includes('"')) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `"${term}": quote the whole phrase or nothing` });
    } else if (quoted && body.includes('*')) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: `"${term}": a quoted phrase is exact, "*" has no place in it`,
      });
    } else if (body.split(/\s+/u).some((word) => word.includes('*') && !/^[\p{L}\p{N}'’-]{3,}\*$/u.test(word))) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: `"${term}": "*" ends a word of at least three letters, as in "brûl*"`,
      });
    }
  });

const countryCode = z.string().regex(/^[A-Z]{2}$/, 'expected an ISO 3166-1 alpha-2 code such as "FR"');

export const ROLES = ['cm', 'manager', 'director'] as const;
export type Role = (typeof ROLES)[number];

/** Who may answer publicly while an alert of this level is open. */
export const publicRespondersSchema = z
  .object({
    roles: z.array(z.enum(ROLES)).default([]),
    users: z.array(planIdSchema).default([]),
  })
  .strict();

/** What the on-call CM does at this level: read on the console next to the evidence. */
export const playbookSchema = z
  .object({
    steps: z.array(text).min(1, 'a playbook needs at least one step'),
    responseDeadlineMs: positiveDurationMsSchema,
    publicResponders: publicRespondersSchema,
    replyGuidelines: z.array(text).default([]),
  })
  .strict();

/** One severity level; the order of `levels` in the plan is the order of severity, lowest first. */
export const severityLevelSchema = z
  .object({
    id: planIdSchema,
    name: text,
    escalationPolicy: planIdSchema,
    autoResolveAfterMs: positiveDurationMsSchema.optional(),
    playbook: playbookSchema,
  })
  .strict();

/** Mention triggers can be narrowed by brand, platform and country. */
export const mentionScopeSchema = z
  .object({
    brands: z.array(z.string().min(1)).min(1).optional(),
    platforms: z.array(z.enum(PLATFORMS)).min(1).optional(),
    countries: z.array(countryCode).min(1).optional(),
  })
  .strict();

/** Spike signals are per-brand aggregates, so only the brand can narrow them. */
export const signalScopeSchema = z.object({ brands: z.array(z.string().min(1)).min(1).optional() }).strict();

const triggerBase = { id: planIdSchema, level: planIdSchema, name: text.optional(), group: planIdSchema.optional() };
const minScore = z.number().min(0).max(1).default(0.5);

export const triggerSchema = z.discriminatedUnion('kind', [
  z
    .object({
      ...triggerBase,
      kind: z.literal('influential-negative'),
      minFollowers: z.number().int().positive(),
      /** A verified author counts as influential whatever their follower count. */
      includeVerified: z.boolean().default(true),
      scope: mentionScopeSchema.optional(),
    })
    .strict(),
  z
    .object({
      ...triggerBase,
      kind: z.literal('crisis-vocabulary'),
      terms: z.array(crisisTermSchema).min(1, 'list at least one word or phrase'),
      scope: mentionScopeSchema.optional(),
    })
    .strict(),
  z
    .object({
      ...triggerBase,
      kind: z.literal('negative-share'),
      minSharePct: z.number().gt(0).max(100),
      /** Counted in one-minute buckets, hence the bounds. */
      windowMs: durationMsSchema.refine((ms) => ms >= 60_000 && ms <= 86_400_000, 'must be between 1m and 1d'),
      minMentions: z.number().int().positive(),
      scope: mentionScopeSchema.optional(),
    })
    .strict(),
  z
    .object({ ...triggerBase, kind: z.literal('negative-spike'), minScore, scope: signalScopeSchema.optional() })
    .strict(),
  z.object({ ...triggerBase, kind: z.literal('volume-spike'), minScore, scope: signalScopeSchema.optional() }).strict(),
  z.object({ ...triggerBase, kind: z.literal('reach-spike'), minScore, scope: signalScopeSchema.optional() }).strict(),
  /**
   * A mention of the brand's reply queue went past its answer deadline with no reply: the
   * alerter raises it as a hit of this trigger (so it joins the brand's alerts and pages per
   * its level). A plan without one shows overdue mentions on the console only.
   */
  z.object({ ...triggerBase, kind: z.literal('reply-overdue'), scope: signalScopeSchema.optional() }).strict(),
]);

/**
 * Where the alerter reads a secret: an environment variable or a file (a mounted secret), never
 * the secret itself, so the plan can be read, versioned and shown without giving it away.
 */
export const secretRefSchema = z.union(
  [
    z.object({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/) }).strict(),
    z.object({ file: z.string().min(1) }).strict(),
  ],
  { errorMap: () => ({ message: 'expected { env: VARIABLE_NAME } or { file: /path/to/secret/file }' }) },
);
export type SecretRef = z.infer<typeof secretRefSchema>;

export const contactsSchema = z
  .object({
    webhook: z.string().url().optional(),
    /** The secret the alerter signs this person's webhooks with (`Tocsin-Signature`). */
    webhookSecret: secretRefSchema.optional(),
    slack: z.string().min(1).optional(),
    email: z.string().email().optional(),
  })
  .strict()
  .refine((contacts) => Object.keys(contacts).length > 0, 'needs at least one of webhook, slack or email');

export const personSchema = z
  .object({
    id: planIdSchema,
    name: text,
    role: z.enum(ROLES),
    timezone: timeZoneSchema.optional(),
    contacts: contactsSchema,
  })
  .strict();

const clockTime = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a time of day "HH:MM" between 00:00 and 23:59');
const calendarDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date "YYYY-MM-DD"')
  .refine((date) => DateTime.fromISO(date, { zone: 'utc' }).isValid, 'is not a calendar date');

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const rotationPeriod = z
  .string()
  .regex(/^[1-9]\d*[dw]$/, 'expected a whole number of days or weeks such as "1d", "3d" or "1w"')
  .transform((value) => ({ days: Number(value.slice(0, -1)) * (value.endsWith('w') ? 7 : 1) }));

/** Members take the shift in turn; the hand-over happens at the first shift on or after each period start. */
export const rotationSchema = z
  .object({
    members: z.array(planIdSchema).min(1, 'a rotation needs at least one member'),
    every: rotationPeriod,
    startDate: calendarDate,
  })
  .strict();

/**
 * One layer of a schedule: a daily shift window in its own time zone. `end` before or equal
 * to `start` means the shift crosses midnight (equal means a 24-hour shift).
 */
export const scheduleLayerSchema = z
  .object({
    id: planIdSchema,
    timezone: timeZoneSchema,
    shift: z.object({ start: clockTime, end: clockTime }).strict(),
    weekdays: z.array(z.enum(WEEKDAYS)).min(1).optional(),
    rotation: rotationSchema,
  })
  .strict();

const instant = z.string().datetime({ offset: true, message: 'expected an ISO-8601 instant with offset' });

/** "User X instead, from t1 to t2": wins over every layer of the schedule. */
export const scheduleOverrideSchema = z
  .object({ user: planIdSchema, startsAt: instant, endsAt: instant, reason: text.optional() })
  .strict();

export const scheduleSchema = z
  .object({
    id: planIdSchema,
    name: text,
    /**
     * `round-the-clock` (the default): somebody must be on call at every instant, so
     * `plan:check` fails on a gap; `partial`: gaps are expected (office hours) and only listed.
     */
    coverage: z.enum(['round-the-clock', 'partial']).optional(),
    layers: z.array(scheduleLayerSchema).min(1, 'a schedule needs at least one layer'),
    overrides: z.array(scheduleOverrideSchema).default([]),
  })
  .strict();

/** Whom a step pages: whoever is on call in a schedule, one person, or everyone with a role. */
export const notifyTargetSchema = z.union(
  [
    z.object({ schedule: planIdSchema }).strict(),
    z.object({ user: planIdSchema }).strict(),
    z.object({ role: z.enum(ROLES) }).strict(),
  ],
  {
    errorMap: () => ({ message: 'expected one of { schedule: <id> }, { user: <id> }, { role: cm|manager|director }' }),
  },
);

/** `afterMs` counts from the alert opening (first step) or from the previous step. */
export const escalationStepSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('notify'),
      afterMs: durationMsSchema,
      targets: z.array(notifyTargetSchema).min(1, 'a notify step needs at least one target'),
    })
    .strict(),
]);

/** After the last step, everyone paged so far is paged again every `everyMs`, at most `maxTimes`. */
export const escalationRepeatSchema = z
  .object({ everyMs: positiveDurationMsSchema, maxTimes: z.number().int().min(1).max(100) })
  .strict();

export const escalationPolicySchema = z
  .object({
    steps: z.array(escalationStepSchema).min(1, 'a policy needs at least one step'),
    repeat: escalationRepeatSchema.optional(),
  })
  .strict();

/** Alert labels an incident can be grouped by; `brand` is always one of them. */
export const INCIDENT_GROUP_LABELS = ['brand', 'group', 'trigger'] as const;
export type IncidentGroupLabel = (typeof INCIDENT_GROUP_LABELS)[number];

/**
 * How alerts gather into incidents (Alertmanager's `group_by`, PagerDuty's alert grouping): an
 * alert joins the open incident with the same values of `groupBy`, as long as the incident's
 * latest alert joined less than `groupWindowMs` ago (no window: as long as it is open).
 */
export const incidentSettingsSchema = z
  .object({
    groupBy: z
      .array(z.enum(INCIDENT_GROUP_LABELS))
      .min(1)
      .default(['brand'])
      .refine((labels) => labels.includes('brand'), 'must include "brand": an incident concerns one brand')
      .refine((labels) => new Set(labels).size === labels.length, 'lists a label twice'),
    groupWindowMs: positiveDurationMsSchema.optional(),
  })
  .strict();

/**
 * Which negative mentions deserve an answer, and by when. A mention enters its brand's reply
 * queue under the first rule it meets; every condition a rule names must hold.
 */
export const replyRuleSchema = z
  .object({
    /** The severity level whose playbook's `responseDeadlineMs` is the answer deadline. */
    level: planIdSchema,
    /** Overrides the level's deadline for this rule. */
    deadlineMs: positiveDurationMsSchema.optional(),
    brands: z.array(z.string().min(1)).min(1).optional(),
    platforms: z.array(z.enum(PLATFORMS)).min(1).optional(),
    /** Languages as detected by the pipeline (`fr`, `en`). */
    languages: z.array(z.string().min(2).max(8)).min(1).optional(),
    countries: z.array(countryCode).min(1).optional(),
    /** Reach: the author's followers, at least. */
    minFollowers: z.number().int().nonnegative().optional(),
    /** Sentiment: the polarity, at most (in [-1, 0]; the mention is negative in any case). */
    maxSentimentScore: z.number().min(-1).max(0).optional(),
  })
  .strict();

export const replyQueueSettingsSchema = z
  .object({
    rules: z.array(replyRuleSchema).min(1, 'list at least one rule, or leave replyQueue out for the default'),
    /** An entry is forgotten this long after its mention was posted, answered or not. */
    horizonMs: positiveDurationMsSchema.default('3d'),
  })
  .strict();
/** A working day: long enough for a known campaign, short enough that nobody forgets it for a week. */
export const DEFAULT_SILENCE_MAX_DURATION_MS = 86_400_000;

export const crisisPlanSchema = z
  .object({
    version: z.union([z.string().min(1), z.number()]).transform(String),
    organisation: text,
    timezone: timeZoneSchema,
    autoResolveAfterMs: positiveDurationMsSchema,
    brands: z
      .array(
        brandSchema.extend({
          /**
           * Where the brand's talk lives, if not in the plan's `timezone`: its weekly cycle's days
           * (a quiet weekend) start at midnight there.
           */
          timezone: timeZoneSchema.optional(),
        }),
      )
      .min(1, 'a plan needs at least one brand'),
    levels: z.array(severityLevelSchema).min(1, 'a plan needs at least one severity level'),
    triggers: z.array(triggerSchema).default([]),
    people: z.array(personSchema).min(1, 'a plan needs at least one person'),
    schedules: z.array(scheduleSchema).default([]),
    escalation: z.record(planIdSchema, escalationPolicySchema),
    /** Without this section each alert pages and escalates on its own, as before incidents. */
    incidents: incidentSettingsSchema.optional(),
    /** Left out: every negative mention enters, with the lowest level's deadline, kept 3 days. */
    replyQueue: replyQueueSettingsSchema.optional(),
    /** How long a manager may mute a brand at most: a forgotten silence must not hide the next crisis. */
    silenceMaxDurationMs: positiveDurationMsSchema.default(DEFAULT_SILENCE_MAX_DURATION_MS),
  })
  .strict();

export type CrisisPlan = z.infer<typeof crisisPlanSchema>;
export type SeverityLevel = z.infer<typeof severityLevelSchema>;
export type Playbook = z.infer<typeof playbookSchema>;
export type Trigger = z.infer<typeof triggerSchema>;
export type TriggerKind = Trigger['kind'];
export type MentionScope = z.infer<typeof mentionScopeSchema>;
export type Person = z.infer<typeof personSchema>;
export type Schedule = z.infer<typeof scheduleSchema>;
export type ScheduleLayer = z.infer<typeof scheduleLayerSchema>;
export type ScheduleOverride = z.infer<typeof scheduleOverrideSchema>;
export type NotifyTarget = z.infer<typeof notifyTargetSchema>;
export type EscalationStep = z.infer<typeof escalationStepSchema>;
export type EscalationRepeat = z.infer<typeof escalationRepeatSchema>;
export type EscalationPolicy = z.infer<typeof escalationPolicySchema>;
export type IncidentSettings = z.infer<typeof incidentSettingsSchema>;
export type ReplyRule = z.infer<typeof replyRuleSchema>;
export type ReplyQueueSettings = z.infer<typeof replyQueueSettingsSchema>;

/** Trigger kinds that read spike signals rather than single mentions. */
export const SIGNAL_TRIGGER_KINDS = ['negative-spike', 'volume-spike', 'reach-spike'] as const;
export type SignalTrigger = Extract<Trigger, { kind: (typeof SIGNAL_TRIGGER_KINDS)[number] }>;
export type ReplyOverdueTrigger = Extract<Trigger, { kind: 'reply-overdue' }>;
export type MentionTrigger = Exclude<Trigger, SignalTrigger | ReplyOverdueTrigger>;
