import type { Socket } from 'socket.io-client';
import { createAccounts, postSignIn, signIn, type SignedInClient, type TestAccount } from '../support/sessions';
import { TestRun } from '../support/test-infra';
import { openSocket, startGateway, type RunningGateway } from '../support/tocsin-apps';
import { waitForEvent } from '../support/wait-for';

const IDLE_MS = 2_500;
const CAMILLE: TestAccount = {
  username: 'camille',
  personId: 'camille',
  role: 'cm',
  brandIds: ['fleurie'],
  password: 'camille-pass-123',
};
const SOPHIE: TestAccount = { ...CAMILLE, username: 'sophie', personId: 'sophie', password: 'sophie-pass-1234' };

type Refusal = { code: string; message: string };

/** Two gateway instances of one deployment: one Redis, one session secret, short idle sessions. */
describe('sessions across gateway instances', () => {
  const run = new TestRun();
  let a: RunningGateway;
  let b: RunningGateway;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    await run.createTopics();
    await createAccounts(run.redis, run.keyPrefix, [CAMILLE, SOPHIE]);
    const env = run.env({
      PLAN_FILE: 'config/test/e2e-plan.yaml',
      SESSION_IDLE_MS: String(IDLE_MS),
      SESSION_CHECK_INTERVAL_MS: '300',
      LOGIN_MAX_FAILURES: '3',
      // Both instances sit behind one public URL, as behind a load balancer.
      PUBLIC_URL: 'http://tocsin.test',
    });
    [a, b] = await Promise.all([startGateway(env), startGateway(env)]);
  });

  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await Promise.all([a?.app.close(), b?.app.close()]);
    await run.cleanUp();
  });

  async function socketOn(gateway: RunningGateway, session: SignedInClient): Promise<Socket> {
    const socket = openSocket(gateway.url, session, 'http://tocsin.test');
    sockets.push(socket);
    await waitForEvent(socket, 'connect', () => true, 5_000);
    return socket;
  }

  it('accepts on instance B a session signed in on instance A', async () => {
    const session = await signIn(a.url, CAMILLE);
    expect((await session.fetch('/v1/session', {}, b.url)).status).toBe(200);
    const socket = await socketOn(b, session);
    expect(((await socket.emitWithAck('subscribe', { brandIds: ['fleurie'] })) as { ok: boolean }).ok).toBe(true);
  });

  it('closes on instance B the sockets of a session signed out on instance A, and refuses its cookie', async () => {
    const session = await signIn(a.url, CAMILLE);
    const socket = await socketOn(b, session);
    const told = waitForEvent<Refusal>(socket, 'connection.refused', () => true, 5_000);
    const closed = waitForEvent(socket, 'disconnect', () => true, 5_000);
    expect((await session.fetch('/v1/session', { method: 'DELETE' })).status).toBe(204);
    expect((await told).code).toBe('signed_out');
    await closed;
    const after = await session.fetch('/v1/session', {}, b.url);
    expect(after.status).toBe(401);
  });

  it('ends an idle session on every instance: its socket on B is closed, its cookie refused', async () => {
    const session = await signIn(a.url, SOPHIE);
    const socket = await socketOn(b, session);
    const refused = await waitForEvent<Refusal>(socket, 'connection.refused', () => true, IDLE_MS + 3_000);
    expect(refused.code).toBe('session_expired');
    expect((await session.fetch('/v1/session', {}, b.url)).status).toBe(401);
    expect((await session.fetch('/v1/session', {}, a.url)).status).toBe(401);
  });

  it('keeps a session in use alive past the idle time', async () => {
    const session = await signIn(a.url, SOPHIE);
    const socket = await socketOn(b, session);
    for (let elapsedMs = 0; elapsedMs < IDLE_MS * 2; elapsedMs += IDLE_MS / 3) {
      await new Promise((done) => setTimeout(done, IDLE_MS / 3));
      const answer = (await socket.timeout(5_000).emitWithAck('subscribe', { brandIds: ['fleurie'] })) as {
        ok: boolean;
      };
      expect(answer.ok).toBe(true);
    }
    expect((await session.fetch('/v1/session', {}, a.url)).status).toBe(200);
  });

  it('limits failed sign-ins per account across instances, then answers 429 even to the right password', async () => {
    const statuses: number[] = [];
    for (const gateway of [a, b, a]) statuses.push((await postSignIn(gateway.url, 'camille', 'wrong-guess')).status);
    const blocked = await postSignIn(b.url, 'camille', CAMILLE.password);
    expect(statuses).toEqual([401, 401, 401]);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await blocked.json()).toMatchObject({ code: 'rate_limited' });
  });
});
