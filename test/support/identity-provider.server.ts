/*
 * A real OpenID Connect provider (oidc-provider 8) as its own process. oidc-provider is ESM
 * only since v8 and jest's CommonJS runtime cannot load it; Node itself can (require of ESM),
 * so the e2e suite starts this file with tsx. Its development login pages accept any login,
 * which becomes the subject, whose verified e-mail is `<login>@example.com`.
 */
import Provider from 'oidc-provider';

const port = Number(process.env.IDP_PORT);
const redirectUri = process.env.IDP_REDIRECT_URI ?? '';
const clientId = process.env.IDP_CLIENT_ID ?? '';
const clientSecret = process.env.IDP_CLIENT_SECRET ?? '';

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [
    {
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: [redirectUri],
      response_types: ['code'],
      grant_types: ['authorization_code'],
    },
  ],
  claims: { openid: ['sub'], email: ['email', 'email_verified'] },
  findAccount: (_context, accountId) => ({
    accountId,
    claims: () => ({ sub: accountId, email: `${accountId}@example.com`, email_verified: true }),
  }),
  pkce: { methods: ['S256'], required: () => true },
  cookies: { keys: ['test-identity-provider-cookie-key'] },
});

const server = provider.listen(port, '127.0.0.1', () => console.log(`identity provider listening on ${port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
