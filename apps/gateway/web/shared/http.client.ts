/*
 * The pages' one way to call the gateway's HTTP API. Whatever every request must carry (a
 * session's credentials, an anti-forgery header on state-changing calls) is added here.
 */

export interface HttpAnswer<T> {
  ok: boolean;
  status: number;
  /** The JSON body as the gateway's controller typed it, or null when there was none or it was not JSON. */
  body: T | null;
}

/** Headers for one request: the one place that knows what a call to the gateway carries. */
function requestHeaders(hasBody: boolean): Record<string, string> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (hasBody) headers['content-type'] = 'application/json';
  return headers;
}

/**
 * Calls `path` on the gateway; `body` is sent as JSON. Network failures reject; any HTTP status
 * resolves, so callers show the status they got.
 */
export async function requestJson<T>(
  path: string,
  options: { method?: string; body?: unknown } = {},
): Promise<HttpAnswer<T>> {
  const method = options.method ?? 'GET';
  const hasBody = options.body !== undefined;
  const response = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: requestHeaders(hasBody),
    body: hasBody ? JSON.stringify(options.body) : undefined,
  });
  const text = response.status === 204 ? '' : await response.text();
  let body: T | null = null;
  try {
    body = text ? (JSON.parse(text) as T) : null;
  } catch {
    body = null;
  }
  return { ok: response.ok, status: response.status, body };
}
