import { z } from 'zod';
import { ALERT_STATES, escalationSnapshotSchema, NOTIFICATION_REASONS } from './alert.schema';

export const INCIDENT_ACTIONS = [
  'opened',
  'alert-joined',
  'level-raised',
  'notified',
  'escalation-skipped',
  'acknowledged',
  'note',
  'owner-changed',
  'alert-resolved',
  'resolved',
  'auto-resolved',
] as const;
export type IncidentAction = (typeof INCIDENT_ACTIONS)[number];

/** Longest note a responder may write on an incident. */
export const MAX_NOTE_CHARS = 2_000;

/** One line of an incident's timeline: who did what, when, and about which alert if any. */
export const incidentEntrySchema = z
  .object({
    atMs: z.number().int(),
    actor: z.string(),
    action: z.enum(INCIDENT_ACTIONS),
    reason: z.string(),
    alertId: z.string().optional(),
    /** The incident's level after the entry, on openings and level rises. */
    level: z.string().optional(),
  })
  .strict();

/** An alert as the incident sums it up, so a page or a list needs no second read. */
export const incidentAlertSchema = z
  .object({
    alertId: z.string(),
    triggerId: z.string(),
    level: z.string(),
    reason: z.string(),
    joinedAtMs: z.number().int(),
    state: z.enum(ALERT_STATES),
  })
  .strict();

/**
 * Alerts of one brand (and group, as the plan says) gathered while it was open: one level (the
 * highest of its alerts), one escalation, one acknowledgement, an owner and one timeline. Its
 * alerts page nobody themselves. Stored in Redis and pushed to consoles; validate on read.
 */
export const incidentSchema = z
  .object({
    id: z.string(),
    /** `<brandId>` or `<brandId>/<group or trigger>…`, after the plan's `incidents.groupBy`. */
    groupKey: z.string(),
    brandId: z.string(),
    level: z.string(),
    state: z.enum(ALERT_STATES),
    /** The reason of the alert that opened it. */
    title: z.string(),
    planVersion: z.string(),
    openedAtMs: z.number().int(),
    lastJoinedAtMs: z.number().int(),
    acknowledgedAtMs: z.number().int().optional(),
    acknowledgedBy: z.string().optional(),
    resolvedAtMs: z.number().int().optional(),
    resolvedBy: z.string().optional(),
    owner: z.string().optional(),
    alerts: z.array(incidentAlertSchema),
    /** Alerts joined since the last page: the next page names them instead of each paging. */
    joinedSincePage: z.array(z.string()),
    escalation: escalationSnapshotSchema,
    escalationStepIndex: z.number().int().nonnegative(),
    repeatsDone: z.number().int().nonnegative(),
    nextEscalationAtMs: z.number().int().nullable(),
    notificationCount: z.number().int().nonnegative(),
    pagedUserIds: z.array(z.string()),
    timeline: z.array(incidentEntrySchema),
  })
  .strict();

/** A page of an incident: the step, whom, why, and the alerts that joined since the previous page. */
export const incidentNotificationSchema = z
  .object({
    incidentId: z.string(),
    brandId: z.string(),
    level: z.string(),
    step: z.number().int().nonnegative(),
    recipients: z.array(z.string()).min(1),
    reason: z.enum(NOTIFICATION_REASONS),
    /** Alerts that joined after the previous page and before this one. */
    joinedAlertIds: z.array(z.string()),
    atMs: z.number().int(),
  })
  .strict();

export type IncidentEntry = z.infer<typeof incidentEntrySchema>;
export type IncidentAlert = z.infer<typeof incidentAlertSchema>;
export type Incident = z.infer<typeof incidentSchema>;
export type IncidentNotification = z.infer<typeof incidentNotificationSchema>;

/** Facts about incidents, pushed to consoles over socket.io under their `kind`. */
export type IncidentEvent =
  | { kind: 'incident.opened'; atMs: number; incident: Incident }
  /** Something that pages nobody: an alert joined, a note, a new owner. `change` says what, for people. */
  | { kind: 'incident.updated'; atMs: number; incident: Incident; change: string }
  | { kind: 'incident.upgraded'; atMs: number; incident: Incident; fromLevel: string }
  | { kind: 'incident.escalated'; atMs: number; incident: Incident; notification: IncidentNotification }
  | { kind: 'incident.acknowledged'; atMs: number; incident: Incident; by: string }
  | { kind: 'incident.resolved'; atMs: number; incident: Incident; by: string; reason: string };

export type IncidentEventKind = IncidentEvent['kind'];

export const incidentEventSchema: z.ZodType<IncidentEvent, z.ZodTypeDef, unknown> = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('incident.opened'), atMs: z.number().int(), incident: incidentSchema }).strict(),
  z
    .object({
      kind: z.literal('incident.updated'),
      atMs: z.number().int(),
      incident: incidentSchema,
      change: z.string(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('incident.upgraded'),
      atMs: z.number().int(),
      incident: incidentSchema,
      fromLevel: z.string(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('incident.escalated'),
      atMs: z.number().int(),
      incident: incidentSchema,
      notification: incidentNotificationSchema,
    })
    .strict(),
  z
    .object({
      kind: z.literal('incident.acknowledged'),
      atMs: z.number().int(),
      incident: incidentSchema,
      by: z.string(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('incident.resolved'),
      atMs: z.number().int(),
      incident: incidentSchema,
      by: z.string(),
      reason: z.string(),
    })
    .strict(),
]);
