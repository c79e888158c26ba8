import type { AlertEventKind, AlertEventView, AlertView } from '@tocsin/alerting';
import type { EnrichedMention, SpikeSignal } from '@tocsin/domain';
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
 * out with their escalation status derived, here as in every event and HTTP answer.
 */
export type SubscribeAnswer = CommandAnswer<{
  brandIds: string[];
  recent: EnrichedMention[];
  signals: SpikeSignal[];
  alerts: AlertView[];
}>;
export type AlertCommandAnswer = CommandAnswer<{ alert: AlertView }>;

export const alertCommandSchema = z
  .object({ alertId: z.string().min(1).max(128), note: z.string().max(2_000).optional() })
  .strict();
export type UnsubscribeAnswer = CommandAnswer<{ brandIds: string[] }>;

/** Facts the server pushes, in the past tense. */
export type ServerToClientEvents = {
  'mention.created': (mention: EnrichedMention) => void;
  /** The detector's verdict on a brand's volume or negative volume for an interval just closed. */
  'signal.spike': (signal: SpikeSignal) => void;
  'connection.refused': (error: CommandError) => void;
} & { [K in AlertEventKind]: (event: Extract<AlertEventView, { kind: K }>) => void };

/** Commands a client sends, in the imperative, each answered through its ack. */
export interface ClientToServerEvents {
  subscribe: (payload: unknown, ack: (answer: SubscribeAnswer) => void) => void;
  unsubscribe: (payload: unknown, ack: (answer: UnsubscribeAnswer) => void) => void;
  'alert.acknowledge': (payload: unknown, ack: (answer: AlertCommandAnswer) => void) => void;
  'alert.resolve': (payload: unknown, ack: (answer: AlertCommandAnswer) => void) => void;
}

/** Who uses the socket, as its session says (never what the client declares). */
export type { AuthenticatedSocketData as SocketData } from './auth/socket-auth';

export function userRoom(userId: string): string {
  return `user:${userId}`;
}

export function brandRoom(brandId: string): string {
  return `brand:${brandId}`;
}
