import { Body, Controller, Delete, Get, HttpCode, HttpException, Inject, Post, Req, Res } from '@nestjs/common';
import { brandsInScope, type Actor, type UserRecord } from '@tocsin/access';
import { describeZodError, systemClock } from '@tocsin/domain';
import { PlanSource } from '@tocsin/plan-source';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { MentionsGateway } from '../mentions.gateway';
import { accessError, CurrentActor, Public, SignedIn } from './access.guard';
import { MAX_PASSWORD_LENGTH } from './password.hasher';
import { SignInService } from './sign-in.service';
import { SessionGate, sessionCookieName, sessionRoom } from './session.store';

const signInSchema = z
  .object({ username: z.string().min(1).max(64), password: z.string().min(1).max(MAX_PASSWORD_LENGTH) })
  .strict();

/** Who is signed in, as the console shows it, with the token its state-changing calls carry. */
export interface SessionView {
  username: string;
  personId: string;
  name: string;
  role: Actor['role'];
  brands: Array<{ id: string; name: string }>;
  csrfToken: string;
  expiresAtMs: number;
}

/** Starts a session for a user the caller authenticated (password here, OpenID Connect elsewhere). */
export async function startSession(request: Request, user: UserRecord, sessions: SessionGate): Promise<void> {
  // A new id at sign-in: an id planted before sign-in (session fixation) is worth nothing after.
  await new Promise<void>((done, fail) => request.session.regenerate((error) => (error ? fail(error) : done())));
  request.session.username = user.username;
  request.session.signedInAtMs = systemClock.now();
  request.session.csrfToken = sessions.newCsrfToken();
  await new Promise<void>((done, fail) => request.session.save((error) => (error ? fail(error) : done())));
}

@Controller('v1/session')
export class SessionController {
  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly signIns: SignInService,
    private readonly sessions: SessionGate,
    private readonly plan: PlanSource,
    private readonly sockets: MentionsGateway,
  ) {}

  /** What the sign-in page offers. */
  @Public()
  @Get('methods')
  methods(): { password: true; oidc: boolean } {
    return { password: true, oidc: this.config.oidc !== undefined };
  }

  @Public()
  @Post()
  @HttpCode(200)
  async signIn(@Req() request: Request, @Body() body: unknown): Promise<SessionView> {
    // No CSRF token exists before sign-in: a form on another site must not sign a browser in
    // to an account of its choosing, so a cross-origin sign-in is refused by its Origin.
    const origin = request.get('origin');
    const allowed = new URL(this.config.publicUrl).origin;
    if (origin !== undefined && origin !== allowed) {
      throw accessError(403, 'origin_refused', `sign-in from ${origin} refused; only from ${allowed} (PUBLIC_URL)`);
    }
    const parsed = signInSchema.safeParse(body);
    if (!parsed.success) {
      throw new HttpException(
        {
          statusCode: 400,
          code: 'invalid_payload',
          message: 'expected { username, password }',
          errors: describeZodError(parsed.error),
        },
        400,
      );
    }
    const result = await this.signIns.signIn(parsed.data.username, parsed.data.password, request.ip ?? 'unknown');
    if (!result.ok && result.code === 'rate_limited') {
      const seconds = Math.ceil(result.retryAfterMs / 1000);
      request.res?.setHeader('Retry-After', String(seconds));
      throw new HttpException(
        { statusCode: 429, code: 'rate_limited', message: `too many failed sign-ins: retry in ${seconds} s` },
        429,
      );
    }
    if (!result.ok) throw accessError(401, 'invalid_credentials', 'wrong username or password');
    await startSession(request, result.user, this.sessions);
    return this.view(request, result.user);
  }

  @SignedIn()
  @Get()
  whoAmI(@Req() request: Request, @CurrentActor() actor: Actor): SessionView {
    return this.view(request, actor);
  }

  /** Ends the session in Redis, and closes its sockets on every gateway instance. */
  @SignedIn()
  @Delete()
  @HttpCode(204)
  async signOut(@Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<void> {
    const sessionId = request.sessionID;
    await new Promise<void>((done, fail) => request.session.destroy((error) => (error ? fail(error) : done())));
    this.sockets.endSession(sessionRoom(sessionId));
    response.clearCookie(sessionCookieName(this.config.session), { path: '/' });
  }

  private view(request: Request, actor: Pick<Actor, 'username' | 'personId' | 'role' | 'brandIds'>): SessionView {
    const { plan } = this.plan.current();
    const inScope = new Set(
      brandsInScope(
        actor,
        plan.brands.map((brand) => brand.id),
      ),
    );
    return {
      username: actor.username,
      personId: actor.personId,
      name: plan.people.find((person) => person.id === actor.personId)?.name ?? actor.personId,
      role: actor.role,
      brands: plan.brands.filter((brand) => inScope.has(brand.id)).map(({ id, name }) => ({ id, name })),
      csrfToken: request.session.csrfToken ?? '',
      expiresAtMs: (request.session.signedInAtMs ?? 0) + this.config.session.absoluteMs,
    };
  }
}
