import type { Socket } from 'socket.io-client';
import { TestRun } from '../support/test-infra';
import { signInNewAccount, type SignedInClient } from '../support/sessions';
import { connectSocket, startGateway, type RunningGateway } from '../support/tocsin-apps';

const FLOOD = 3_000;
const RATE = 10;
const BURST = 20;

interface Answer {
  ok: boolean;
  error?: { code: string; message: string };
}

/** A flood from one socket, through a real socket.io client, against a gateway on real Kafka and Redis. */
describe('gateway sockets under a flood', () => {
  const run = new TestRun();
  let gateway: RunningGateway | undefined;
  const sockets: Socket[] = [];
  let viewer: SignedInClient | undefined;

  beforeAll(async () => {
    await run.createTopics();
    gateway = await startGateway(
      run.env({
        GATEWAY_SOCKET_RATE: String(RATE),
        GATEWAY_SOCKET_BURST: String(BURST),
        GATEWAY_SOCKET_MAX_BRANDS: '1',
        GATEWAY_SOCKET_MAX_PAYLOAD_BYTES: String(16 * 1024),
      }),
    );
  });

  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await gateway?.app.close();
    await run.cleanUp();
  });

  async function connect(): Promise<Socket> {
    const url = gateway?.url ?? '';
    viewer ??= await signInNewAccount(run, url, { username: 'wall', personId: 'camille', role: 'admin', brandIds: [] });
    const socket = await connectSocket(url, viewer);
    sockets.push(socket);
    return socket;
  }

  it(`answers ${FLOOD} subscribe events in seconds, refusing the excess by name, with memory flat`, async () => {
    const socket = await connect();
    const rssBeforeMb = process.memoryUsage().rss / 2 ** 20;
    const startedMs = Date.now();
    const answers = (await Promise.all(
      Array.from({ length: FLOOD }, () => socket.timeout(20_000).emitWithAck('subscribe', { brandIds: ['fleurie'] })),
    )) as Answer[];
    const elapsedS = (Date.now() - startedMs) / 1000;
    const rssGrowthMb = process.memoryUsage().rss / 2 ** 20 - rssBeforeMb;

    const admitted = answers.filter((answer) => answer.ok).length;
    const refusedCodes = new Set(answers.flatMap((answer) => (answer.ok ? [] : [answer.error?.code])));
    expect(elapsedS).toBeLessThan(10);
    expect(admitted).toBeGreaterThanOrEqual(1);
    expect(admitted).toBeLessThanOrEqual(BURST + Math.ceil(RATE * elapsedS));
    expect([...refusedCodes].every((code) => code === 'rate_limited' || code === 'too_many_pending')).toBe(true);
    expect(rssGrowthMb).toBeLessThan(100);

    // Past the flood the socket is served again as soon as its rate allows.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await expect(socket.emitWithAck('subscribe', { brandIds: ['fleurie'] })).resolves.toMatchObject({ ok: true });
  });

  it('refuses commands sent one after the other beyond the burst with rate_limited', async () => {
    const socket = await connect();
    const codes: string[] = [];
    for (let i = 0; i < BURST * 2; i += 1) {
      const answer = (await socket.emitWithAck('subscribe', { brandIds: ['fleurie'] })) as Answer;
      codes.push(answer.ok ? 'ok' : (answer.error?.code ?? 'unnamed'));
    }
    expect(codes.slice(0, BURST)).toEqual(Array.from({ length: BURST }, () => 'ok'));
    expect(codes).toContain('rate_limited');
    expect(new Set(codes)).toEqual(new Set(['ok', 'rate_limited']));
  });

  it('refuses a subscription beyond the brands one socket may follow', async () => {
    const socket = await connect();
    await expect(socket.emitWithAck('subscribe', { brandIds: ['fleurie'] })).resolves.toMatchObject({ ok: true });
    await expect(socket.emitWithAck('subscribe', { brandIds: ['voltaway'] })).resolves.toEqual({
      ok: false,
      error: {
        code: 'too_many_subscriptions',
        message: 'a socket may follow at most 1 brands; this one would follow 2',
      },
    });
  });

  it('closes the connection of a client sending a message over the payload cap', async () => {
    const socket = await connect();
    const closed = new Promise<string>((resolve) => socket.once('disconnect', (reason) => resolve(reason)));
    socket.emit('subscribe', { brandIds: ['x'.repeat(32 * 1024)] });
    await expect(closed).resolves.toMatch(/transport (close|error)/);
  });
});
