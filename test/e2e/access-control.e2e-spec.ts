import { AlertActions } from '@tocsin/alert-actions';
import type { Alert, Silence } from '@tocsin/alerting';
import type { TriggerHit } from '@tocsin/crisis-plan';
import { systemClock } from '@tocsin/domain';
import { PlanSource } from '@tocsin/plan-source';
import { AlertStore, OutboxStore, RedisKeys, SilenceStore } from '@tocsin/redis';
import type { Socket } from 'socket.io-client';
import { createAccounts, postSignIn, signIn, type SignedInClient, type TestAccount } from '../support/sessions';
import { TestRun } from '../support/test-infra';
import { connectSocket, handshakeOutcome, openSocket, startGateway, type RunningGateway } from '../support/tocsin-apps';
import { waitForEvent } from '../support/wait-for';

const silentLogger = { log: () => undefined, warn: () => undefined };
const HOUR_MS = 3_600_000;

const ACCOUNTS = {
  camille: {
    username: 'camille',
    personId: 'camille',
    role: 'cm',
    brandIds: ['fleurie'],
    password: 'camille-pass-123',
  },
  sophie: {
    username: 'sophie',
    personId: 'sophie',
    role: 'manager',
    brandIds: ['fleurie'],
    password: 'sophie-pass-1234',
  },
  hugo: {
    username: 'hugo',
    personId: 'hugo',
    role: 'viewer',
    brandIds: ['fleurie', 'voltaway'],
    password: 'hugo-pass-12345',
  },
} satisfies Record<string, TestAccount>;

type Answer = { ok: boolean; error?: { code: string; message: string } };

function influencerHit(brandId: string, atMs: number): TriggerHit {
  return {
    kind: 'trigger',
    triggerId: 'influencer-negative',
    triggerKind: 'influential-negative',
    brandId,
    level: 'alert',
    group: 'influencer-negative',
    planVersion: 'e2e-1',
    reason: 'Negative mention by @techstar (250k followers) on twitter',
    evidence: { mentionKey: `twitter:${brandId}-${atMs}`, author: '@techstar', followers: 250_000 },
    atMs,
  };
}

describe('who may do what: sessions, roles and brand scopes on every door', () => {
  const run = new TestRun();
  const plan = new PlanSource('config/test/e2e-plan.yaml', silentLogger);
  let gateway: RunningGateway;
  let camille: SignedInClient;
  let sophie: SignedInClient;
  let hugo: SignedInClient;
  const sockets: Socket[] = [];
  let fleurieAlert: Alert;
  let voltawayAlert: Alert;

  beforeAll(async () => {
    await run.createTopics();
    await plan.start({ watch: false });
    await createAccounts(run.redis, run.keyPrefix, Object.values(ACCOUNTS));
    gateway = await startGateway(run.env({ PLAN_FILE: 'config/test/e2e-plan.yaml' }));
    // Alerts opened as the alerter opens them, on the run's Redis.
    const keys = new RedisKeys(run.keyPrefix);
    const alerter = new AlertActions(
      new AlertStore(run.redis, keys, new OutboxStore(run.redis, keys)),
      new SilenceStore(run.redis, keys),
      plan,
      systemClock,
      { consoleUrl: `${gateway.url}/console.html` },
      silentLogger,
    );
    const now = Date.now();
    fleurieAlert = (await alerter.handleHit(influencerHit('fleurie', now))) as Alert;
    voltawayAlert = (await alerter.handleHit(influencerHit('voltaway', now))) as Alert;
    [camille, sophie, hugo] = await Promise.all([
      signIn(gateway.url, ACCOUNTS.camille),
      signIn(gateway.url, ACCOUNTS.sophie),
      signIn(gateway.url, ACCOUNTS.hugo),
    ]);
  });

  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    plan.stop();
    await gateway?.app.close();
    await run.cleanUp();
  });

  async function socketOf(session: SignedInClient): Promise<Socket> {
    const socket = await connectSocket(gateway.url, session);
    sockets.push(socket);
    return socket;
  }

  describe('the socket handshake', () => {
    it('refuses a socket without a session, naming why', async () => {
      const socket = openSocket(gateway.url, undefined);
      sockets.push(socket);
      expect(await handshakeOutcome(socket)).toBe('unauthenticated');
    });

    it('refuses a signed-in cookie sent from another origin', async () => {
      const socket = openSocket(gateway.url, camille, 'http://evil.example');
      sockets.push(socket);
      expect(await handshakeOutcome(socket)).toBe('origin_refused');
    });

    it('refuses a forged session cookie', async () => {
      const socket = openSocket(gateway.url, { cookie: 'tocsin.sid=s%3Aforged.signature' } as SignedInClient);
      sockets.push(socket);
      expect(await handshakeOutcome(socket)).toBe('unauthenticated');
    });
  });

  describe('brand scopes on sockets', () => {
    it('refuses a cm of fleurie the room of voltaway with brand_out_of_scope', async () => {
      const socket = await socketOf(camille);
      const answer = (await socket.emitWithAck('subscribe', { brandIds: ['fleurie', 'voltaway'] })) as Answer;
      expect(answer.error?.code).toBe('brand_out_of_scope');
      expect(answer.error?.message).toMatch(/voltaway/);
      expect(((await socket.emitWithAck('subscribe', { brandIds: ['fleurie'] })) as Answer).ok).toBe(true);
    });

    it("refuses a cm of fleurie voltaway's alert, and lets her acknowledge fleurie's as herself", async () => {
      const socket = await socketOf(camille);
      const refused = (await socket.emitWithAck('alert.acknowledge', { alertId: voltawayAlert.id })) as Answer;
      expect(refused.error?.code).toBe('brand_out_of_scope');
      const done = (await socket.emitWithAck('alert.acknowledge', { alertId: fleurieAlert.id })) as Answer & {
        alert: Alert;
      };
      expect(done.ok).toBe(true);
      expect(done.alert.acknowledgedBy).toBe('camille');
    });

    it('refuses a viewer an acknowledgement with role_forbidden', async () => {
      const socket = await socketOf(hugo);
      const answer = (await socket.emitWithAck('alert.resolve', { alertId: voltawayAlert.id })) as Answer;
      expect(answer.error?.code).toBe('role_forbidden');
    });

    it('ignores an identity declared by the client', async () => {
      const socket = await socketOf(hugo);
      const answer = (await socket.emitWithAck('alert.resolve', {
        alertId: voltawayAlert.id,
        userId: 'sophie',
      })) as Answer;
      expect(answer.error?.code).toBe('invalid_payload');
    });
  });

  describe('the HTTP API', () => {
    it('answers 401 with a JSON body to an anonymous call, without X-Powered-By or CORS', async () => {
      const response = await fetch(`${gateway.url}/v1/alerts`, { headers: { origin: 'http://evil.example' } });
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ statusCode: 401, code: 'unauthenticated' });
      expect(response.headers.get('x-powered-by')).toBeNull();
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
      expect(response.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    });

    it('keeps health and the Prometheus metrics public', async () => {
      expect((await fetch(`${gateway.url}/health`)).status).toBe(200);
      const metrics = await fetch(`${gateway.url}/metrics`);
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toMatch(/^# TYPE tocsin_records_consumed_total counter$/m);
    });

    it('sets the session cookie HTTP-only and SameSite', async () => {
      const response = await postSignIn(gateway.url, ACCOUNTS.camille.username, ACCOUNTS.camille.password);
      expect(response.headers.get('set-cookie')).toMatch(/^tocsin\.sid=.*HttpOnly.*SameSite=Lax/);
    });

    it('says who is signed in, with role, brands and CSRF token', async () => {
      expect(await camille.json('/v1/session')).toMatchObject({
        username: 'camille',
        personId: 'camille',
        name: 'Camille Martin',
        role: 'cm',
        brands: [{ id: 'fleurie', name: 'Fleurie Cosmetics' }],
        csrfToken: camille.csrfToken,
      });
    });

    it('refuses a state-changing call without the CSRF token', async () => {
      const response = await fetch(`${gateway.url}/v1/alerts/${fleurieAlert.id}/resolve`, {
        method: 'POST',
        headers: { cookie: camille.cookie, 'content-type': 'application/json' },
        body: '{}',
      });
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ code: 'csrf_failed' });
    });

    it("refuses a cm of fleurie voltaway's alert with 403", async () => {
      const response = await camille.fetch(`/v1/alerts/${voltawayAlert.id}/resolve`, { method: 'POST', body: '{}' });
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ statusCode: 403, code: 'brand_out_of_scope' });
    });

    it('refuses a viewer an acknowledgement with 403 role_forbidden', async () => {
      const response = await hugo.fetch(`/v1/alerts/${voltawayAlert.id}/acknowledge`, { method: 'POST', body: '{}' });
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ code: 'role_forbidden' });
    });

    it('refuses a body naming who acts', async () => {
      const response = await camille.fetch(`/v1/alerts/${fleurieAlert.id}/resolve`, {
        method: 'POST',
        body: JSON.stringify({ userId: 'sophie' }),
      });
      expect(response.status).toBe(400);
    });

    it('lists only the alerts of the reader’s brands, and refuses another brand by name', async () => {
      const { alerts } = await camille.json<{ alerts: Alert[] }>('/v1/alerts');
      expect(new Set(alerts.map((alert) => alert.brandId))).toEqual(new Set(['fleurie']));
      expect((await camille.fetch('/v1/alerts?brand=voltaway')).status).toBe(403);
      expect((await camille.fetch(`/v1/alerts/${voltawayAlert.id}`)).status).toBe(403);
    });

    it('shows in the plan only the reader’s brands and the people sharing them', async () => {
      const summary = await camille.json<{ brands: Array<{ id: string }>; people: Array<{ id: string }> }>('/v1/plan');
      expect(summary.brands.map((brand) => brand.id)).toEqual(['fleurie']);
      expect(summary.people.map((person) => person.id).sort()).toEqual(['camille', 'hugo', 'sophie']);
      expect(JSON.stringify(summary)).not.toMatch(/slack|webhook|email/);
    });
  });

  describe('silences', () => {
    const body = (brandId: string, durationMs: number, extra: Record<string, unknown> = {}): string =>
      JSON.stringify({
        matchers: { brandId },
        startsAtMs: Date.now(),
        endsAtMs: Date.now() + durationMs,
        reason: 'planned product recall statement',
        ...extra,
      });

    it('lets a manager silence her brand, recording her as the author, then end it and keep the trace', async () => {
      const created = await sophie.json<Silence>('/v1/silences', { method: 'POST', body: body('fleurie', HOUR_MS) });
      expect(created.createdBy).toBe('sophie');
      const ended = await sophie.json<Silence>(`/v1/silences/${created.id}`, { method: 'DELETE' });
      expect(ended.endedBy).toBe('sophie');
      const { silences: active } = await sophie.json<{ silences: Silence[] }>('/v1/silences');
      expect(active.map((silence) => silence.id)).not.toContain(created.id);
      const { silences: expired } = await sophie.json<{ silences: Silence[] }>('/v1/silences?state=expired');
      expect(expired.find((silence) => silence.id === created.id)).toMatchObject({ endedBy: 'sophie' });
    });

    it("refuses a manager another brand's silence", async () => {
      const response = await sophie.fetch('/v1/silences', { method: 'POST', body: body('voltaway', HOUR_MS) });
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ code: 'brand_out_of_scope' });
    });

    it("refuses a silence longer than the plan's maximum (24h by default)", async () => {
      const response = await sophie.fetch('/v1/silences', { method: 'POST', body: body('fleurie', 25 * HOUR_MS) });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ code: 'silence_too_long' });
    });

    it('refuses a cm any silence', async () => {
      const response = await camille.fetch('/v1/silences', { method: 'POST', body: body('fleurie', HOUR_MS) });
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ code: 'role_forbidden' });
    });

    it('refuses a silence declaring its author', async () => {
      const response = await sophie.fetch('/v1/silences', {
        method: 'POST',
        body: body('fleurie', HOUR_MS, { createdBy: 'marc' }),
      });
      expect(response.status).toBe(400);
    });

    it('refuses a silence without a reason', async () => {
      const response = await sophie.fetch('/v1/silences', {
        method: 'POST',
        body: body('fleurie', HOUR_MS, { reason: ' ' }),
      });
      expect(response.status).toBe(400);
    });
  });

  it('refuses a sign-in posted from another origin', async () => {
    const response = await fetch(`${gateway.url}/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://evil.example' },
      body: JSON.stringify({ username: 'camille', password: ACCOUNTS.camille.password }),
    });
    expect(response.status).toBe(403);
    expect(response.headers.get('set-cookie')).toBeNull();
  });

  it('answers a sign-in with a wrong password 401 invalid_credentials, the same as an unknown name', async () => {
    const wrong = await postSignIn(gateway.url, 'camille', 'not-her-password');
    const unknown = await postSignIn(gateway.url, 'nobody', 'not-her-password');
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    expect(await wrong.json()).toEqual(await unknown.json());
  });

  it('closes the socket of a disabled account at its next command', async () => {
    await createAccounts(run.redis, run.keyPrefix, [{ ...ACCOUNTS.hugo, username: 'leaving' }]);
    const leaving = await signIn(gateway.url, { username: 'leaving', password: ACCOUNTS.hugo.password });
    const socket = await socketOf(leaving);
    const keys = new RedisKeys(run.keyPrefix);
    const raw = (await run.redis.hget(keys.key('users'), 'leaving')) ?? '{}';
    await run.redis.hset(keys.key('users'), 'leaving', JSON.stringify({ ...JSON.parse(raw), disabled: true }));
    const closed = waitForEvent(socket, 'disconnect', () => true, 5_000);
    const answer = (await socket.emitWithAck('subscribe', { brandIds: ['fleurie'] })) as Answer;
    expect(answer.error?.code).toBe('account_disabled');
    await closed;
  });
});
