import type { Actor } from './access.schema';
import { authorize, brandsInScope, checkSilence, type Permission } from './access-policy';

const HOUR_MS = 3_600_000;
const actor = (role: Actor['role'], brandIds: string[] = ['fleurie']): Actor => ({
  username: `${role}-user`,
  personId: 'camille',
  role,
  brandIds,
});

describe(authorize.name, () => {
  const table: Array<[Actor['role'], Permission, boolean]> = [
    ['viewer', 'mentions.read', true],
    ['viewer', 'alerts.read', true],
    ['viewer', 'alerts.act', false],
    ['viewer', 'silences.manage', false],
    ['cm', 'alerts.act', true],
    ['cm', 'silences.manage', false],
    ['manager', 'alerts.act', true],
    ['manager', 'silences.manage', true],
    ['manager', 'users.manage', false],
    ['admin', 'users.manage', true],
  ];
  it.each(table)('lets a %s %s on a brand in scope: %s', (role, permission, allowed) => {
    const denial = authorize(actor(role), permission, 'fleurie');
    expect(denial === undefined).toBe(allowed);
    if (!allowed) expect(denial?.code).toBe('role_forbidden');
  });

  it('names the role needed when the role is too low', () => {
    expect(authorize(actor('viewer'), 'alerts.act')?.message).toBe(
      'viewer-user is a viewer; only a cm or above may acknowledge or resolve alerts',
    );
  });

  it('refuses a brand outside the scope with brand_out_of_scope, naming the brands held', () => {
    expect(authorize(actor('manager', ['fleurie']), 'alerts.act', 'voltaway')).toEqual({
      code: 'brand_out_of_scope',
      message: `brand "voltaway" is outside manager-user's brands (fleurie)`,
    });
  });

  it('gives an admin every brand whatever the list says', () => {
    expect(authorize(actor('admin', []), 'silences.manage', 'voltaway')).toBeUndefined();
  });

  it('checks the role before the scope', () => {
    expect(authorize(actor('viewer'), 'alerts.act', 'voltaway')?.code).toBe('role_forbidden');
  });
});

describe(brandsInScope.name, () => {
  it('keeps the brands in scope in their order', () => {
    expect(brandsInScope(actor('cm', ['voltaway', 'fleurie']), ['a', 'fleurie', 'voltaway'])).toEqual([
      'fleurie',
      'voltaway',
    ]);
  });

  it('keeps them all for an admin', () => {
    expect(brandsInScope(actor('admin', []), ['a', 'b'])).toEqual(['a', 'b']);
  });
});

describe(checkSilence.name, () => {
  const nowMs = 1_000 * HOUR_MS;
  const maxMs = 24 * HOUR_MS;
  const silence = (brandId: string | undefined, startsAtMs: number, endsAtMs: number) => ({
    matchers: brandId === undefined ? {} : { brandId },
    startsAtMs,
    endsAtMs,
  });

  it('lets a manager silence their brand up to the maximum', () => {
    expect(checkSilence(actor('manager'), silence('fleurie', nowMs, nowMs + maxMs), maxMs, nowMs)).toBeUndefined();
  });

  it('refuses a cm with role_forbidden', () => {
    expect(checkSilence(actor('cm'), silence('fleurie', nowMs, nowMs + HOUR_MS), maxMs, nowMs)?.code).toBe(
      'role_forbidden',
    );
  });

  it("refuses a manager another brand's silence", () => {
    expect(checkSilence(actor('manager'), silence('voltaway', nowMs, nowMs + HOUR_MS), maxMs, nowMs)?.code).toBe(
      'brand_out_of_scope',
    );
  });

  it('refuses a manager a silence of every brand, and lets an admin set one', () => {
    expect(checkSilence(actor('manager'), silence(undefined, nowMs, nowMs + HOUR_MS), maxMs, nowMs)?.code).toBe(
      'brand_out_of_scope',
    );
    expect(checkSilence(actor('admin'), silence(undefined, nowMs, nowMs + HOUR_MS), maxMs, nowMs)).toBeUndefined();
  });

  it('refuses one millisecond beyond the maximum, naming it', () => {
    const problem = checkSilence(actor('manager'), silence('fleurie', nowMs, nowMs + maxMs + 1), maxMs, nowMs);
    expect(problem?.code).toBe('silence_too_long');
    expect(problem?.message).toMatch(/24h at most/);
  });

  it('counts a silence that started in the past from now', () => {
    const started = silence('fleurie', nowMs - 10 * HOUR_MS, nowMs + maxMs);
    expect(checkSilence(actor('manager'), started, maxMs, nowMs)).toBeUndefined();
  });

  it('refuses a silence starting further ahead than the maximum', () => {
    const later = silence('fleurie', nowMs + maxMs + 1, nowMs + maxMs + HOUR_MS);
    expect(checkSilence(actor('manager'), later, maxMs, nowMs)?.code).toBe('silence_too_long');
  });

  it('refuses a silence already over', () => {
    expect(checkSilence(actor('manager'), silence('fleurie', nowMs - 2, nowMs), maxMs, nowMs)?.code).toBe(
      'silence_over',
    );
  });
});
