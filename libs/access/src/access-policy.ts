import { ACCESS_ROLES, type AccessRole, type Actor } from './access.schema';

/** Everything the gateway lets someone do; each door names the one it needs. */
export type Permission =
  'mentions.read' | 'alerts.read' | 'alerts.act' | 'silences.read' | 'silences.manage' | 'plan.read' | 'users.manage';

const LOWEST_ROLE: Readonly<Record<Permission, AccessRole>> = {
  'mentions.read': 'viewer',
  'alerts.read': 'viewer',
  'plan.read': 'viewer',
  'silences.read': 'viewer',
  'alerts.act': 'cm',
  'silences.manage': 'manager',
  'users.manage': 'admin',
};

const DOING: Readonly<Record<Permission, string>> = {
  'mentions.read': 'watch mentions',
  'alerts.read': 'read alerts',
  'plan.read': 'read the plan',
  'silences.read': 'read silences',
  'alerts.act': 'acknowledge or resolve alerts',
  'silences.manage': 'create or end silences',
  'users.manage': 'manage users',
};

export type AccessDenialCode = 'role_forbidden' | 'brand_out_of_scope';

export interface AccessDenial {
  code: AccessDenialCode;
  message: string;
}

function rank(role: AccessRole): number {
  return ACCESS_ROLES.indexOf(role);
}

export function hasRole(actor: Actor, role: AccessRole): boolean {
  return rank(actor.role) >= rank(role);
}

/** True when the brand is one the actor may see and act on (every brand for an admin). */
export function isInScope(actor: Actor, brandId: string): boolean {
  return actor.role === 'admin' || actor.brandIds.includes(brandId);
}

/** The given brands the actor may see, in their order. */
export function brandsInScope(actor: Actor, brandIds: readonly string[]): string[] {
  return brandIds.filter((brandId) => isInScope(actor, brandId));
}

/**
 * Whether `actor` may do `permission`, on `brandId` when the action is about one brand.
 * @returns undefined when allowed, else the denial with a message naming what is missing
 */
export function authorize(actor: Actor, permission: Permission, brandId?: string): AccessDenial | undefined {
  const needed = LOWEST_ROLE[permission];
  if (!hasRole(actor, needed)) {
    return {
      code: 'role_forbidden',
      message: `${actor.username} is ${article(actor.role)} ${actor.role}; only ${needed === 'admin' ? 'an admin' : `${article(needed)} ${needed} or above`} may ${DOING[permission]}`,
    };
  }
  if (brandId !== undefined && !isInScope(actor, brandId)) {
    return {
      code: 'brand_out_of_scope',
      message: `brand "${brandId}" is outside ${actor.username}'s brands (${actor.brandIds.join(', ') || 'none'})`,
    };
  }
  return undefined;
}

function article(role: AccessRole): string {
  return role === 'admin' ? 'an' : 'a';
}

/** What a silence request must say for the policy to judge it. */
export interface SilenceRequest {
  matchers: { brandId?: string };
  startsAtMs: number;
  endsAtMs: number;
}

export type SilenceProblem = AccessDenial | { code: 'silence_too_long' | 'silence_over'; message: string };

/**
 * Whether `actor` may set this silence: a manager of the silenced brand (or an admin); a
 * silence without a brand would mute every brand, so only an admin may set one. It may last
 * `maxDurationMs` at most and may not start later than that from now (a far-off silence is a
 * forgotten one), and must not be over already.
 */
export function checkSilence(
  actor: Actor,
  silence: SilenceRequest,
  maxDurationMs: number,
  nowMs: number,
): SilenceProblem | undefined {
  const brandId = silence.matchers.brandId;
  const denied = authorize(actor, 'silences.manage', brandId);
  if (denied) return denied;
  if (brandId === undefined && actor.role !== 'admin') {
    return {
      code: 'brand_out_of_scope',
      message: 'a silence without matchers.brandId mutes every brand: only an admin may set one',
    };
  }
  if (silence.endsAtMs <= nowMs) {
    return { code: 'silence_over', message: 'endsAtMs is already past: the silence would mute nothing' };
  }
  const durationMs = silence.endsAtMs - Math.max(silence.startsAtMs, nowMs);
  if (durationMs > maxDurationMs || silence.startsAtMs - nowMs > maxDurationMs) {
    return {
      code: 'silence_too_long',
      message: `a silence may last ${formatMs(maxDurationMs)} at most and start within that from now (the plan's silenceMaxDurationMs); this one lasts ${formatMs(durationMs)}`,
    };
  }
  return undefined;
}

function formatMs(ms: number): string {
  const hours = ms / 3_600_000;
  return Number.isInteger(hours) ? `${hours}h` : `${Math.round(ms / 60_000)} min`;
}
