/*
 * The pages' socket to the gateway, typed by the server's own event maps: a fact the server
 * pushes or a command the page sends that the server does not know fails the type-check.
 */
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, CommandError, ServerToClientEvents } from '../../src/socket-events';

export type GatewaySocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export type CommandName = keyof ClientToServerEvents;
/** What the server answers to a command, through its ack. */
export type AnswerTo<E extends CommandName> = Parameters<Parameters<ClientToServerEvents[E]>[1]>[0];

const ACK_TIMEOUT_MS = 8000;

/**
 * A socket to the gateway that served the page, over WebSocket only (as behind a non-sticky
 * balancer). `auth` is what the handshake declares; a new manager per socket, so one
 * identity's handshake is never reused for another.
 */
export function connectGateway(auth?: Record<string, string>): GatewaySocket {
  return io({ transports: ['websocket'], forceNew: true, ...(auth ? { auth } : {}) });
}

/** Emits a command and resolves with its ack, or with a timeout error shaped like one. */
export async function sendCommand<E extends CommandName>(
  socket: GatewaySocket,
  event: E,
  payload: Parameters<ClientToServerEvents[E]>[0],
): Promise<AnswerTo<E> | { ok: false; error: CommandError }> {
  const timeout: { ok: false; error: CommandError } = {
    ok: false,
    error: { code: 'timeout', message: `no answer within ${ACK_TIMEOUT_MS / 1000} s` },
  };
  try {
    const timed = socket.timeout(ACK_TIMEOUT_MS);
    // socket.io's types cannot follow a command name left generic; AnswerTo<E> types each ack.
    const emitWithAck = timed.emitWithAck.bind(timed) as (
      name: E,
      body: Parameters<ClientToServerEvents[E]>[0],
    ) => Promise<AnswerTo<E> | undefined>;
    const answer = await emitWithAck(event, payload);
    return answer ?? timeout;
  } catch {
    // With a timeout set, socket.io rejects only when the ack did not come in time.
    return timeout;
  }
}

/** "unknown brand(s): x (unknown_brand)" from an error answer. */
export function describeError(error: CommandError | undefined): string {
  if (!error) return 'No answer from the server';
  return `${error.message || 'Request refused'}${error.code ? ` (${error.code})` : ''}`;
}
