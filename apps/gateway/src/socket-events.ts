import {
  MAX_NOTE_CHARS,
  type AlertEventKind,
  type AlertEventView,
  type AlertView,
  type Incident,
  type IncidentEvent,
  type IncidentEventKind,
} from '@tocsin/alerting';
import type { EnrichedMention, SpikeSignal } from '@tocsin/domain';
import type { ReplyQueueEvent, ReplyQueueEventKind } from '@tocsin/reply-queue';
import { z } from 'zod';

export interface CommandError {
  code: string;
  message: string;
}

export type CommandAnswer<T> = ({ ok: true } & T) | { ok: false; error: CommandError };

export const brandSelectionSchema = z
  .object({ brandIds: z.array(z.string().min(1).max(128)).min(1).max(200) })
  .strict();

/**
 * `signals`: the brands' latest volume verdicts, oldest first, for the wall's trend. Alerts go
 * out with their escalation status derived, here as in every event and HTTP answer;
 * `incidents`: the brands' live incidents, the console's first view.
 */
export type SubscribeAnswer = CommandAnswer<{
  brandIds: string[];
  recent: EnrichedMention[];
  signals: SpikeSignal[];
  alerts: AlertView[];
  incidents: Incident[];
}>;
export type AlertCommandAnswer = CommandAnswer<{ alert: AlertView }>;

export const alertCommandSchema = z
  .object({ alertId: z.string().min(1).max(128), note: z.string().max(2_000).optional() })
  .strict();
export type UnsubscribeAnswer = CommandAnswer<{ brandIds: string[] }>;
export type IncidentCommandAnswer = CommandAnswer<{ incident: Incident }>;

const incidentId = z.string().min(1).max(128);

/** `incident.acknowledge` and `incident.resolve`. */
export const incidentCommandSchema = z.object({ incidentId, note: z.string().max(MAX_NOTE_CHARS).optional() }).strict();

export const incidentNoteSchema = z.object({ incidentId, text: z.string().trim().min(1).max(MAX_NOTE_CHARS) }).strict();

export const incidentOwnerSchema = z.object({ incidentId, ownerId: z.string().min(1).max(128) }).strict();

/** Facts the server pushes, in the past tense. */
export type ServerToClientEvents = {
  'mention.created': (mention: EnrichedMention) => void;
  /** The detector's verdict on a brand's volume or negative volume for an interval just closed. */
  'signal.spike': (signal: SpikeSignal) => void;
  'connection.refused': (error: CommandError) => void;
} & { [K in AlertEventKind]: (event: Extract<AlertEventView, { kind: K }>) => void } & {
  [K in IncidentEventKind]: (event: Extract<IncidentEvent, { kind: K }>) => void;
} & {
  /** A brand's reply queue changed: an entry came in, was closed, or went past its deadline. */
  [K in ReplyQueueEventKind]: (event: ReplyQueueEvent) => void;
};

export type BrandSelection = z.input<typeof brandSelectionSchema>;
export type AlertCommand = z.input<typeof alertCommandSchema>;
export type IncidentCommand = z.input<typeof incidentCommandSchema>;
export type IncidentNote = z.input<typeof incidentNoteSchema>;
export type IncidentOwner = z.input<typeof incidentOwnerSchema>;

/**
 * Commands a client sends, in the imperative, each answered through its ack. Payloads are typed
 * as the schemas accept them, so a typed client (the console) is checked at compile time; the
 * handlers still take `unknown` and parse it, since any client may send anything.
 */
export interface ClientToServerEvents {
  subscribe: (payload: BrandSelection, ack: (answer: SubscribeAnswer) => void) => void;
  unsubscribe: (payload: BrandSelection, ack: (answer: UnsubscribeAnswer) => void) => void;
  'alert.acknowledge': (payload: AlertCommand, ack: (answer: AlertCommandAnswer) => void) => void;
  'alert.resolve': (payload: AlertCommand, ack: (answer: AlertCommandAnswer) => void) => void;
  'incident.acknowledge': (payload: IncidentCommand, ack: (answer: IncidentCommandAnswer) => void) => void;
  'incident.resolve': (payload: IncidentCommand, ack: (answer: IncidentCommandAnswer) => void) => void;
  'incident.note': (payload: IncidentNote, ack: (answer: IncidentCommandAnswer) => void) => void;
  'incident.assign': (payload: IncidentOwner, ack: (answer: IncidentCommandAnswer) => void) => void;
}

/** Who uses the socket, as its session says (never what the client declares). */
export type { AuthenticatedSocketData as SocketData } from './auth/socket-auth';

export function userRoom(userId: string): string {
  return `user:${userId}`;
}

export function brandRoom(brandId: string): string {
  return `brand:${brandId}`;
}
