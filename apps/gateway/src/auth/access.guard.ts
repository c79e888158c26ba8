import {
  createParamDecorator,
  HttpException,
  Injectable,
  SetMetadata,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { authorize, type AccessDenial, type Actor, type Permission } from '@tocsin/access';
import type { Request } from 'express';
import { timingSafeEqual } from 'node:crypto';
import { SessionGate } from './session.store';

/** Who may reach a route: anyone, anyone signed in, or the holders of a permission. */
type AccessRule = { kind: 'public' } | { kind: 'signed-in' } | { kind: 'permission'; permission: Permission };

const ACCESS_RULE = Symbol('access-rule');

/** Health, metrics and sign-in: reachable without a session. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(ACCESS_RULE, { kind: 'public' });
/** Any signed-in user, whatever the role. */
export const SignedIn = (): MethodDecorator => SetMetadata(ACCESS_RULE, { kind: 'signed-in' });
/** The role needed; brand scope is checked by the handler, which knows the brand. */
export const Allow = (permission: Permission): MethodDecorator =>
  SetMetadata(ACCESS_RULE, { kind: 'permission', permission });

export type AuthenticatedRequest = Request & { actor?: Actor };

/** The actor the guard put on the request. */
export const CurrentActor = createParamDecorator((_data: unknown, context: ExecutionContext): Actor => {
  const actor = context.switchToHttp().getRequest<AuthenticatedRequest>().actor;
  if (!actor) throw new Error('CurrentActor used on a route without a signed-in rule');
  return actor;
});

export function accessError(status: 401 | 403, code: string, message: string): HttpException {
  return new HttpException({ statusCode: status, code, message }, status);
}

export function forbidden(denial: AccessDenial): HttpException {
  return accessError(403, denial.code, denial.message);
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Every HTTP route is closed unless it says otherwise: a route with no rule is refused, so a
 * new endpoint cannot ship open by forgetting a decorator. Signed-in routes need a live
 * session of an enabled account; state-changing calls also need the session's CSRF token.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly sessions: SessionGate,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    // Sockets are authenticated at their handshake and on every command (socket-auth.ts).
    if (context.getType() !== 'http') return true;
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_RULE, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (rule?.kind === 'public') return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (!rule) throw accessError(403, 'no_access_rule', `${request.method} ${request.path} has no access rule`);
    const checked = await this.sessions.check(request.session);
    if (!checked.ok) {
      if (checked.code !== 'unauthenticated') await new Promise((done) => request.session.destroy(done));
      throw accessError(401, checked.code, checked.message);
    }
    if (!SAFE_METHODS.has(request.method)) {
      const given = request.get('x-csrf-token');
      const expected = request.session.csrfToken;
      if (!given || !expected || !sameToken(given, expected)) {
        throw accessError(403, 'csrf_failed', 'missing or wrong x-csrf-token header (GET /v1/session gives it)');
      }
    }
    if (rule.kind === 'permission') {
      const denial = authorize(checked.actor, rule.permission);
      if (denial) throw forbidden(denial);
    }
    request.actor = checked.actor;
    return true;
  }
}
