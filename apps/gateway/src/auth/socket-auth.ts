import type { Actor } from '@tocsin/access';
import type { Session, SessionData } from 'express-session';
import type { IncomingMessage } from 'node:http';
import type { Server, Socket } from 'socket.io';
import type { SessionCheck, SessionGate } from './session.store';

export interface SocketAuthLogger {
  warn(message: string): void;
}

/** What the handshake established; commands read the actor, refreshed on each one. */
export interface AuthenticatedSocketData {
  actor?: Actor;
  sessionId?: string;
}

type SessionRequest = IncomingMessage & { session?: Session & Partial<SessionData>; sessionID?: string };
type AuthSocket = Socket<never, never, never, AuthenticatedSocketData>;
type Ack = (...answer: unknown[]) => void;

/** A handshake refusal: the client's `connect_error` carries `data: { code, message }`. */
function refusal(code: string, message: string): Error & { data: { code: string; message: string } } {
  return Object.assign(new Error(message), { data: { code, message } });
}

/**
 * No session, no socket. A browser always sends `Origin` on a WebSocket handshake and on a
 * cross-origin request, so an Origin other than the public URL's is a page elsewhere riding
 * the user's cookie: refused. A missing Origin is a same-origin long-poll or a non-browser
 * client, which still needs the session cookie. The session is read by express-session on the
 * handshake request (socket.io's `engine.use`), as for any HTTP call.
 */
export function authenticateSockets(server: Server, sessions: SessionGate, allowedOrigin: string): void {
  server.engine.use(sessions.middleware);
  server.use((socket: AuthSocket, next) => {
    const origin = socket.handshake.headers.origin;
    if (origin !== undefined && origin !== allowedOrigin) {
      next(refusal('origin_refused', `origin ${origin} may not connect; only ${allowedOrigin} (PUBLIC_URL)`));
      return;
    }
    const request = socket.request as SessionRequest;
    sessions.check(request.session).then(
      (checked) => {
        if (!checked.ok) return next(refusal(checked.code, checked.message));
        socket.data.actor = checked.actor;
        socket.data.sessionId = request.sessionID;
        next();
      },
      (error: unknown) => next(refusal('unavailable', `the session could not be read: ${String(error)}`)),
    );
  });
}

/** The socket's session as stored now: ended, expired or disabled sessions fail. */
async function recheck(socket: AuthSocket, sessions: SessionGate): Promise<SessionCheck> {
  const sessionId = socket.data.sessionId;
  const data = sessionId === undefined ? undefined : await sessions.load(sessionId);
  if (!data || sessionId === undefined) {
    return { ok: false, code: 'session_expired', message: 'the session has ended: sign in again' };
  }
  const checked = await sessions.check(data);
  if (checked.ok) await sessions.touch(sessionId, data);
  return checked;
}

function close(socket: AuthSocket, check: Exclude<SessionCheck, { ok: true }>): void {
  (socket as unknown as Socket).emit('connection.refused', { code: check.code, message: check.message });
  socket.disconnect(true);
}

/**
 * Every command re-reads the session from Redis, so a session signed out or expired on any
 * gateway stops working here at its next command, with the account's current role.
 */
export function recheckSessionOnCommands(socket: Socket, sessions: SessionGate): void {
  const authSocket = socket as unknown as AuthSocket;
  socket.use((packet, next) => {
    const last: unknown = packet[packet.length - 1];
    const ack = typeof last === 'function' ? (last as Ack) : undefined;
    recheck(authSocket, sessions).then(
      (checked) => {
        if (checked.ok) {
          authSocket.data.actor = checked.actor;
          next();
          return;
        }
        ack?.({ ok: false, error: { code: checked.code, message: checked.message } });
        close(authSocket, checked);
      },
      (error: unknown) =>
        ack?.({
          ok: false,
          error: { code: 'unavailable', message: `the session could not be read: ${String(error)}` },
        }),
    );
  });
}

/**
 * Closes this instance's sockets whose session ended while they sat idle (no command to
 * notice it): a console left open does not outlive its session by more than one interval.
 */
export function sweepEndedSessions(server: Server, sessions: SessionGate, logger: SocketAuthLogger): Promise<void> {
  const sockets = [...server.of('/').sockets.values()] as unknown as AuthSocket[];
  return Promise.all(
    sockets.map(async (socket) => {
      const sessionId = socket.data.sessionId;
      const data = sessionId === undefined ? undefined : await sessions.load(sessionId);
      const checked: SessionCheck = data
        ? await sessions.check(data)
        : { ok: false, code: 'session_expired', message: 'the session has ended: sign in again' };
      if (!checked.ok) close(socket, checked);
    }),
  ).then(
    () => undefined,
    (error: unknown) => logger.warn(`session sweep failed, tried again at the next interval: ${String(error)}`),
  );
}
