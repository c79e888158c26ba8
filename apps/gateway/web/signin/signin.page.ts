/*
 * The sign-in page: posts the password to the gateway, which answers with an HTTP-only session
 * cookie, then goes back to the page that sent the browser here (on this site only).
 */
import { find } from '../shared/dom';
import { requestJson } from '../shared/http.client';

const MESSAGES: Readonly<Record<string, string>> = {
  invalid_credentials: 'Wrong username or password.',
  rate_limited: 'Too many failed sign-ins: wait a few minutes and try again.',
  oidc_failed: 'Signing in with your organisation failed. Try again.',
  oidc_unknown_user: 'Your organisation account has no Tocsin account yet: ask an administrator.',
  oidc_off: 'Signing in with an organisation account is not set up here.',
  account_disabled: 'This account is disabled.',
  session_expired: 'Your session has ended: sign in again.',
};

const form = find('[data-testid="signin-form"]', HTMLFormElement);
const username = find('[data-testid="signin-username"]', HTMLInputElement);
const password = find('[data-testid="signin-password"]', HTMLInputElement);
const error = find('[data-testid="signin-error"]', HTMLElement);
const params = new URLSearchParams(window.location.search);

/** Only a path of this site: `next` comes from the address bar, which anyone can craft. */
function nextPage(): string {
  const next = params.get('next') ?? '/console.html';
  return next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/console.html';
}

function show(message: string): void {
  error.textContent = message;
  error.hidden = false;
}

async function signIn(): Promise<void> {
  error.hidden = true;
  const body = { username: username.value.trim(), password: password.value };
  if (!body.username || !body.password) return show('Give your username and password.');
  // Sent with fetch rather than requestJson: a 401 here means a wrong password, not "sign in".
  const response = await fetch('/v1/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  });
  if (response.ok) {
    window.location.assign(nextPage());
    return;
  }
  const answer = (await response.json().catch(() => ({}))) as { code?: string; message?: string };
  show((answer.code && MESSAGES[answer.code]) ?? answer.message ?? `Sign-in refused (${response.status}).`);
}

const refused = params.get('error');
if (refused) show(MESSAGES[refused] ?? `Sign-in refused (${refused}).`);

form.addEventListener('submit', (event) => {
  event.preventDefault();
  signIn().catch((failure: unknown) =>
    show(`The server could not be reached: ${failure instanceof Error ? failure.message : String(failure)}`),
  );
});

requestJson<{ oidc: boolean }>('/v1/session/methods')
  .then((answer) => {
    if (answer.body?.oidc) find('.signin__oidc', HTMLElement).hidden = false;
  })
  .catch(() => undefined);
