/*
 * The pages' one way to call the gateway's HTTP API, and the one place that knows a session:
 * the cookie rides along by itself (HTTP-only, the page never sees it), state-changing calls
 * carry the session's CSRF token, and an answer 401 sends the browser to the sign-in page.
 */
import type { SessionView } from '../../src/auth/session.controller';

export interface HttpAnswer<T> {
  ok: boolean;
  status: number;
  /** The JSON body as the gateway's controller typed it, or null when there was none or it was not JSON. */
  body: T | null;
}

export type { SessionView };

const SAFE_METHODS = new Set(['GET', 'HEAD']);

/** The signed-in session, once `loadSession` read it. */
let session: SessionView | null = null;
/** Set by this page's own sign-out, whose end of session the socket hears too. */
let signingOut = false;

/** Headers for one request: the one place that knows what a call to the gateway carries. */
function requestHeaders(method: string, hasBody: boolean): Record<string, string> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (hasBody) headers['content-type'] = 'application/json';
  if (!SAFE_METHODS.has(method) && session) headers['x-csrf-token'] = session.csrfToken;
  return headers;
}

/** Leaves for the sign-in page, which comes back here once signed in. */
export function goToSignIn(reason?: string): never {
  if (signingOut) throw new Error('signing out');
  const next = `${window.location.pathname}${window.location.search}`;
  const query = new URLSearchParams({ next, ...(reason ? { error: reason } : {}) });
  window.location.assign(`/signin.html?${query.toString()}`);
  throw new Error('signing in again');
}

async function send<T>(path: string, method: string, body: unknown): Promise<HttpAnswer<T>> {
  const hasBody = body !== undefined;
  const response = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: requestHeaders(method, hasBody),
    body: hasBody ? JSON.stringify(body) : undefined,
  });
  const text = response.status === 204 ? '' : await response.text();
  let parsed: T | null = null;
  try {
    parsed = text ? (JSON.parse(text) as T) : null;
  } catch {
    parsed = null;
  }
  return { ok: response.ok, status: response.status, body: parsed };
}

/**
 * Calls `path` on the gateway; `body` is sent as JSON. Network failures reject; a 401 (no
 * session, or it ended) leaves for the sign-in page; any other status resolves, so callers
 * show the status they got.
 */
export async function requestJson<T>(
  path: string,
  options: { method?: string; body?: unknown } = {},
): Promise<HttpAnswer<T>> {
  const answer = await send<T>(path, options.method ?? 'GET', options.body);
  if (answer.status === 401) {
    const code = (answer.body as { code?: string } | null)?.code;
    goToSignIn(code === 'unauthenticated' ? undefined : code);
  }
  return answer;
}

/** Who is signed in (and the CSRF token later calls carry); without a session, the sign-in page. */
export async function loadSession(): Promise<SessionView> {
  const answer = await requestJson<SessionView>('/v1/session');
  if (!answer.ok || !answer.body) throw new Error(`GET /v1/session answered ${answer.status}`);
  session = answer.body;
  return session;
}

/** Ends the session on the server (and its sockets everywhere), then shows the sign-in page. */
export async function signOut(): Promise<void> {
  signingOut = true;
  await send('/v1/session', 'DELETE', undefined).catch(() => undefined);
  session = null;
  window.location.assign('/signin.html');
}
