/*
 * Sign-in page: posts the password to the gateway, which answers with an HTTP-only session
 * cookie; then goes back to the page that sent the browser here (same origin only).
 */
(function () {
  'use strict';

  const MESSAGES = {
    invalid_credentials: 'Wrong username or password.',
    oidc_failed: 'Signing in with your organisation failed. Try again.',
    oidc_unknown_user: 'Your organisation account has no Tocsin account yet: ask an administrator.',
    account_disabled: 'This account is disabled.',
    oidc_off: 'Signing in with an organisation account is not set up here.',
    session_expired: 'Your session has ended: sign in again.',
  };

  const form = document.querySelector('[data-testid="signin-form"]');
  const error = document.querySelector('[data-testid="signin-error"]');
  const params = new URLSearchParams(window.location.search);

  /** Only a path of this site: `next` comes from the address bar, which anyone can craft. */
  function nextPage() {
    const next = params.get('next') || '/console.html';
    return next.startsWith('/') && !next.startsWith('//') ? next : '/console.html';
  }

  function show(message) {
    error.textContent = message;
    error.hidden = false;
  }

  if (params.get('error')) show(MESSAGES[params.get('error')] || `Sign-in refused (${params.get('error')}).`);

  fetch('/v1/session/methods')
    .then((response) => response.json())
    .then((methods) => {
      if (methods.oidc) document.querySelector('.signin__oidc').hidden = false;
    })
    .catch(() => undefined);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.hidden = true;
    const body = { username: form.username.value.trim(), password: form.password.value };
    if (!body.username || !body.password) return show('Give your username and password.');
    try {
      const response = await fetch('/v1/session', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (response.ok) {
        window.location.assign(nextPage());
        return;
      }
      const answer = await response.json().catch(() => ({}));
      show(MESSAGES[answer.code] || answer.message || `Sign-in refused (${response.status}).`);
    } catch (failure) {
      show(`The server could not be reached: ${failure.message}`);
    }
  });
})();
