import type { EnrichedMention } from '@tocsin/domain';
import { z } from 'zod';

export interface CommandError {
  code: string;
  message: string;
}

export type CommandAnswer<T> = ({ ok: true } & T) | { ok: false; error: CommandError };

export const brandSelectionSchema = z
  .object({ brandIds: z.array(z.string().min(1).max(128)).min(1).max(200) })
  .strict();

export type SubscribeAnswer = CommandAnswer<{ brandIds: string[]; recent: EnrichedMention[] }>;
export type UnsubscribeAnswer = CommandAnswer<{ brandIds: string[] }>;

/** Facts the server pushes, in the past tense. */
export interface ServerToClientEvents {
  'mention.created': (mention: EnrichedMention) => void;
}

/** Commands a client sends, in the imperative, each answered through its ack. */
export interface ClientToServerEvents {
  subscribe: (payload: unknown, ack: (answer: SubscribeAnswer) => void) => void;
  unsubscribe: (payload: unknown, ack: (answer: UnsubscribeAnswer) => void) => void;
}

export function brandRoom(brandId: string): string {
  return `brand:${brandId}`;
}
