import { escalationRepeatSchema, escalationStepSchema, hitEvidenceSchema } from '@tocsin/crisis-plan';
import { z } from 'zod';

export const ALERT_STATES = ['open', 'acknowledged', 'resolved'] as const;
export type AlertState = (typeof ALERT_STATES)[number];

/** The actor recorded for what Tocsin does by itself (escalations, auto-resolve). */
export const SYSTEM_ACTOR = 'tocsin';

/** Most recent hits kept on an alert for the console; older ones only count. */
export const MAX_ALERT_SAMPLES = 10;

export const AUDIT_ACTIONS = [
  'opened',
  'upgraded',
  'notified',
  'escalation-skipped',
  'acknowledged',
  'resolved',
  'auto-resolved',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** One line of an alert's history: who did what, when, and the state change if any. */
export const auditEntrySchema = z
  .object({
    atMs: z.number().int(),
    actor: z.string(),
    action: z.enum(AUDIT_ACTIONS),
    from: z.enum(ALERT_STATES).optional(),
    to: z.enum(ALERT_STATES).optional(),
    reason: z.string(),
  })
  .strict();

export const alertSampleSchema = z
  .object({ atMs: z.number().int(), triggerId: z.string(), reason: z.string(), evidence: hitEvidenceSchema })
  .strict();

export const alertEvidenceSchema = z
  .object({
    count: z.number().int().nonnegative(),
    firstSeenAtMs: z.number().int(),
    lastSeenAtMs: z.number().int(),
    /** Highest number of hits seen within one clock minute. */
    peakPerMin: z.number().int().nonnegative(),
    currentMinuteStartMs: z.number().int(),
    currentMinuteCount: z.number().int().nonnegative(),
    triggerIds: z.array(z.string()),
    samples: z.array(alertSampleSchema).max(MAX_ALERT_SAMPLES),
  })
  .strict();

/**
 * The escalation policy copied onto the alert when it opened or was upgraded, so that editing
 * the plan never changes an escalation already under way.
 */
export const escalationSnapshotSchema = z
  .object({
    policyId: z.string(),
    level: z.string(),
    planVersion: z.string(),
    cause: z.enum(['opened', 'upgraded']),
    startedAtMs: z.number().int(),
    steps: z.array(escalationStepSchema),
    repeat: escalationRepeatSchema.optional(),
  })
  .strict();

/** An alert as stored in Redis and pushed to the console; validate with this schema on read. */
export const alertSchema = z
  .object({
    id: z.string(),
    /** `<brandId>/<group>`: hits with the same key feed one alert instead of a flood. */
    groupKey: z.string(),
    brandId: z.string(),
    /** The trigger that opened the alert or last raised its level. */
    triggerId: z.string(),
    level: z.string(),
    state: z.enum(ALERT_STATES),
    /** Latest human explanation, e.g. "Negative mention by @x (120k followers) on twitter". */
    reason: z.string(),
    planVersion: z.string(),
    openedAtMs: z.number().int(),
    acknowledgedAtMs: z.number().int().optional(),
    acknowledgedBy: z.string().optional(),
    resolvedAtMs: z.number().int().optional(),
    resolvedBy: z.string().optional(),
    evidence: alertEvidenceSchema,
    escalation: escalationSnapshotSchema,
    /** Steps of the snapshot already carried out. */
    escalationStepIndex: z.number().int().nonnegative(),
    repeatsDone: z.number().int().nonnegative(),
    /** When the next step or repeat is due; null when nothing more will be sent. */
    nextEscalationAtMs: z.number().int().nullable(),
    notificationCount: z.number().int().nonnegative(),
    /** Everyone paged so far, in order; a repeat pages them again. */
    pagedUserIds: z.array(z.string()),
    audit: z.array(auditEntrySchema),
    /**
     * The incident the alert belongs to: it then pages and escalates through the incident, not
     * on its own. Absent on alerts of plans without incidents, and on alerts stored before them.
     */
    incidentId: z.string().optional(),
  })
  .strict();

export type AuditEntry = z.infer<typeof auditEntrySchema>;
export type AlertSample = z.infer<typeof alertSampleSchema>;
export type AlertEvidence = z.infer<typeof alertEvidenceSchema>;
export type EscalationSnapshot = z.infer<typeof escalationSnapshotSchema>;
export type Alert = z.infer<typeof alertSchema>;

export const NOTIFICATION_REASONS = ['opened', 'escalated', 'upgraded', 'repeat'] as const;
export type NotificationReason = (typeof NOTIFICATION_REASONS)[number];

/** A page to send: the lead's notifier turns it into webhook, Slack or e-mail messages. */
export const notificationSchema = z
  .object({
    alertId: z.string(),
    brandId: z.string(),
    level: z.string(),
    /** Index of the snapshot step (for a repeat: the last step). */
    step: z.number().int().nonnegative(),
    recipients: z.array(z.string()).min(1),
    reason: z.enum(NOTIFICATION_REASONS),
    atMs: z.number().int(),
  })
  .strict();
export type Notification = z.infer<typeof notificationSchema>;

/** Facts about alerts, pushed to the console over socket.io under their `kind`. */
export type AlertEvent =
  | { kind: 'alert.opened'; atMs: number; alert: Alert }
  | { kind: 'alert.updated'; atMs: number; alert: Alert }
  | { kind: 'alert.upgraded'; atMs: number; alert: Alert; fromLevel: string }
  | { kind: 'alert.acknowledged'; atMs: number; alert: Alert; by: string }
  | { kind: 'alert.escalated'; atMs: number; alert: Alert; notification: Notification }
  | { kind: 'alert.resolved'; atMs: number; alert: Alert; by: string; reason: string };

export type AlertEventKind = AlertEvent['kind'];
