import { Controller, Get, Inject, Logger, Req, Res } from '@nestjs/common';
import { systemClock } from '@tocsin/domain';
import { UserStore } from '@tocsin/redis';
import type { Request, Response } from 'express';
import { generators, Issuer, type BaseClient } from 'openid-client';
import { GATEWAY_CONFIG, type GatewayConfig, type OidcSettings } from '../config';
import { Public } from './access.guard';
import { startSession } from './session.controller';
import { SessionGate } from './session.store';

/** A pending sign-in lives this long in the (anonymous) session: time to type a password at the provider. */
const PENDING_MAX_AGE_MS = 10 * 60_000;

interface PendingSignIn {
  state: string;
  nonce: string;
  codeVerifier: string;
  startedAtMs: number;
}

declare module 'express-session' {
  interface SessionData {
    oidc: PendingSignIn;
  }
}

export type OidcFailure = 'oidc_off' | 'oidc_failed' | 'oidc_unknown_user' | 'account_disabled';

/**
 * OpenID Connect sign-in (authorization code with PKCE, state and nonce) through openid-client
 * 5, the last major version that ships CommonJS like this build; v6 is ESM only. The
 * provider's subject is linked to a Tocsin account the first time, found by the provider's
 * verified e-mail; nobody gets an account by signing in: an admin creates it first.
 */
@Controller('v1/session/oidc')
export class OidcController {
  private client: Promise<BaseClient> | undefined;
  private readonly logger = new Logger('oidc');

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly sessions: SessionGate,
    private readonly users: UserStore,
  ) {}

  private redirectUri(): string {
    return `${this.config.publicUrl}/v1/session/oidc/callback`;
  }

  /** Discovered on first use, so a provider down at boot does not stop the gateway; retried after a failure. */
  private clientFor(settings: OidcSettings): Promise<BaseClient> {
    this.client ??= Issuer.discover(settings.issuerUrl).then(
      (issuer) =>
        new issuer.Client({
          client_id: settings.clientId,
          ...(settings.clientSecret ? { client_secret: settings.clientSecret } : {}),
          redirect_uris: [this.redirectUri()],
          response_types: ['code'],
          token_endpoint_auth_method: settings.clientSecret ? 'client_secret_basic' : 'none',
        }),
      (error: unknown) => {
        this.client = undefined;
        throw error;
      },
    );
    return this.client;
  }

  private fail(response: Response, code: OidcFailure, detail: string): void {
    this.logger.warn(`OpenID sign-in refused (${code}): ${detail}`);
    response.redirect(303, `/signin.html?error=${code}`);
  }

  @Public()
  @Get()
  async start(@Req() request: Request, @Res() response: Response): Promise<void> {
    const settings = this.config.oidc;
    if (!settings) return this.fail(response, 'oidc_off', 'OIDC_ISSUER_URL is not set');
    let client: BaseClient;
    try {
      client = await this.clientFor(settings);
    } catch (error) {
      return this.fail(response, 'oidc_failed', `discovery of ${settings.issuerUrl} failed: ${String(error)}`);
    }
    const pending: PendingSignIn = {
      state: generators.state(),
      nonce: generators.nonce(),
      codeVerifier: generators.codeVerifier(),
      startedAtMs: systemClock.now(),
    };
    request.session.oidc = pending;
    await new Promise<void>((done, fail) => request.session.save((error) => (error ? fail(error) : done())));
    response.redirect(
      303,
      client.authorizationUrl({
        scope: 'openid email',
        state: pending.state,
        nonce: pending.nonce,
        code_challenge: generators.codeChallenge(pending.codeVerifier),
        code_challenge_method: 'S256',
      }),
    );
  }

  @Public()
  @Get('callback')
  async callback(@Req() request: Request, @Res() response: Response): Promise<void> {
    const settings = this.config.oidc;
    if (!settings) return this.fail(response, 'oidc_off', 'OIDC_ISSUER_URL is not set');
    const pending = request.session.oidc;
    delete request.session.oidc;
    if (!pending || systemClock.now() - pending.startedAtMs > PENDING_MAX_AGE_MS) {
      return this.fail(response, 'oidc_failed', 'no sign-in under way in this browser, or it took too long');
    }
    let subject: string;
    let email: string | undefined;
    try {
      const client = await this.clientFor(settings);
      const tokens = await client.callback(this.redirectUri(), client.callbackParams(request), {
        state: pending.state,
        nonce: pending.nonce,
        code_verifier: pending.codeVerifier,
      });
      subject = tokens.claims().sub;
      // Many providers put the e-mail only in userinfo, not in the ID token.
      const claims = tokens.claims().email === undefined ? await client.userinfo(tokens) : tokens.claims();
      if (claims.sub !== subject) throw new Error(`userinfo answered for ${claims.sub}, not ${subject}`);
      email = claims.email_verified === true && typeof claims.email === 'string' ? claims.email : undefined;
    } catch (error) {
      return this.fail(response, 'oidc_failed', String(error));
    }
    const user = await this.users.findForIdentity(subject, email);
    if (!user)
      return this.fail(
        response,
        'oidc_unknown_user',
        `no account for subject ${subject} (${email ?? 'no verified e-mail'})`,
      );
    if (user.disabled) return this.fail(response, 'account_disabled', `account ${user.username} is disabled`);
    if (user.oidcSubject === undefined) await this.users.put({ ...user, oidcSubject: subject });
    await startSession(request, user, this.sessions);
    response.redirect(303, '/console.html');
  }
}
