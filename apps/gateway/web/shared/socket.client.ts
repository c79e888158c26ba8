/*
 * The pages' socket to the gateway, typed by the server's own event maps: a fact the server
 * pushes or a command the page sends that the server does not know fails the type-check.
 */
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, CommandError, ServerToClientEvents } from '../../src/socket-events';
import { goToSignIn } from './http.client';

export type GatewaySocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export type CommandName = keyof ClientToServerEvents;
/** What the server answers to a command, through its ack. */
export type AnswerTo<E extends CommandName> = Parameters<Parameters<ClientToServerEvents[E]>[1]>[0];

const ACK_TIMEOUT_MS = 8000;

/** Refusals that mean the session is gone: only signing in again helps. */
const SESSION_ENDED = new Set(['unauthenticated', 'session_expired', 'account_disabled', 'signed_out']);

/** How long a console waits before trying a refused handshake again. */
const HANDSHAKE_RETRY_MS = 1_000;

/**
 * A socket to the gateway that served the page, over WebSocket only (as behind a non-sticky
 * balancer). The handshake carries the session cookie, as any same-origin request does: who
 * the socket is comes from the session, never from the page. When the gateway refuses the
 * session, at the handshake or later, the browser goes to the sign-in page.
 */
export function connectGateway(): GatewaySocket {
  const socket: GatewaySocket = io({ transports: ['websocket'], forceNew: true });
  socket.on('connect_error', (error: Error & { data?: { code?: string } }) => {
    const code = error.data?.code;
    if (code && SESSION_ENDED.has(code)) goToSignIn(code === 'unauthenticated' ? undefined : code);
    // The session store was briefly unreachable (a Redis restart): socket.io does not retry a
    // refused handshake by itself, and a console left offline at 3 a.m. misses the next page.
    else if (code === 'unavailable' && !socket.active) setTimeout(() => socket.connect(), HANDSHAKE_RETRY_MS);
  });
  socket.on('connection.refused', (error) => {
    if (SESSION_ENDED.has(error.code)) goToSignIn(error.code === 'signed_out' ? undefined : error.code);
  });
  return socket;
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
