import type { AlertEvent } from '@tocsin/alerting';
import type { ReplyQueueView } from '@tocsin/alert-actions';
import type { ReplyQueueEvent } from '@tocsin/reply-queue';
import type { Socket } from 'socket.io-client';
import { freePort } from '../support/free-port';
import { aMention, toNdjson } from '../support/mention-fixtures';
import { TestRun } from '../support/test-infra';
import { signInNewAccount, type SignedInClient } from '../support/sessions';
import { connectSocket, postMentions, startTocsin, type RunningTocsin } from '../support/tocsin-apps';
import { mailText, SmtpReceiver } from '../support/smtp-receiver';
import { waitForEvent, waitUntil } from '../support/wait-for';

type Opened = Extract<AlertEvent, { kind: 'alert.opened' }>;

describe('reply queue: negative mentions wait for the brand’s answer, and an unanswered one raises an alert', () => {
  const run = new TestRun();
  const smtp = new SmtpReceiver();
  // The gateway's own address: sockets come from it, and e-mail pages link to its console.
  let publicUrl: string;
  let tocsin: RunningTocsin;
  let overdueAlertId: string | undefined;
  let watcher: Socket;
  let camille: Socket;
  let camilleSession: SignedInClient;

  beforeAll(async () => {
    await run.createTopics();
    const smtpUrl = await smtp.start();
    const gatewayPort = await freePort();
    publicUrl = `http://127.0.0.1:${gatewayPort}`;
    tocsin = await startTocsin(
      run.env({
        PLAN_FILE: 'config/test/reply-queue-plan.yaml',
        ESCALATION_POLL_MS: '100',
        SMTP_URL: smtpUrl,
        SMTP_FROM: 'Tocsin <oncall@tocsin.example.com>',
        PUBLIC_URL: publicUrl,
        GATEWAY_PORT: String(gatewayPort),
      }),
    );
    const url = tocsin.gatewayUrl;
    const brandIds = ['fleurie'];
    camilleSession = await signInNewAccount(run, url, {
      username: 'camille',
      personId: 'camille',
      role: 'cm',
      brandIds,
    });
    watcher = await connectSocket(
      url,
      await signInNewAccount(run, url, { username: 'watcher', personId: 'camille', role: 'viewer', brandIds }),
    );
    camille = await connectSocket(url, camilleSession);
    await watcher.emitWithAck('subscribe', { brandIds: ['fleurie'] });
  });

  afterAll(async () => {
    for (const socket of [watcher, camille]) socket?.disconnect();
    await tocsin?.stop();
    await smtp.stop();
    await run.cleanUp();
  });

  async function queueOf(brandId: string): Promise<ReplyQueueView> {
    const response = await camilleSession.fetch(`/v1/brands/${brandId}/reply-queue`);
    expect(response.status).toBe(200);
    return (await response.json()) as ReplyQueueView;
  }

  async function markHandled(mentionKey: string, body: unknown): Promise<{ status: number; json: unknown }> {
    const response = await camilleSession.fetch(`/v1/reply-queue/${encodeURIComponent(mentionKey)}/handled`, {
      method: 'POST',
      body: JSON.stringify(body),
    });
    return { status: response.status, json: await response.json() };
  }

  // Dated when posted, in the first test: the small author's 4 s deadline runs from then.
  const influencer = aMention({
    text: 'Fleurie Cosmetics is terrible, the worst service ever, I hate this brand 😡',
    author: { id: 'u-inf', handle: '@beautyqueen', followers: 250_000 },
  });
  const small = aMention({
    text: 'Fleurie Cosmetics is awful, horrible cream, I am so disappointed 😞',
    author: { id: 'u-small', handle: '@jane', followers: 40 },
  });
  const keyOf = (mention: { platform: string; id: string }) => `${mention.platform}:${mention.id}`;

  it('queues negative mentions, the influencer first, and closes one when the brand account replies on the stream', async () => {
    const queued = (mention: typeof influencer) =>
      waitForEvent<ReplyQueueEvent>(watcher, 'reply.queued', (e) => e.entry.mentionKey === keyOf(mention), 20_000);
    const both = Promise.all([queued(influencer), queued(small)]);
    influencer.createdAt = small.createdAt = new Date().toISOString();
    await postMentions(tocsin.ingest, toNdjson([influencer, small]), 'application/x-ndjson');
    const [entered] = await both;
    expect(entered.entry).toMatchObject({ brandId: 'fleurie', level: 'alert', state: 'waiting' });

    const before = await queueOf('fleurie');
    expect(before.waiting.map((entry) => entry.mentionKey).slice(0, 2)).toEqual([keyOf(influencer), keyOf(small)]);

    const replyAtMs = Date.now();
    const reply = aMention({
      text: 'Hello, we are sorry to read this. Could you send us a private message so we can help?',
      author: { id: 'brand', handle: '@fleurie_off', followers: 90_000 },
      inReplyTo: influencer.id,
      brandIds: ['fleurie'],
      createdAt: new Date(replyAtMs).toISOString(),
    });
    const closed = waitForEvent<ReplyQueueEvent>(
      watcher,
      'reply.closed',
      (e) => e.entry.mentionKey === keyOf(influencer),
      20_000,
    );
    await postMentions(tocsin.ingest, JSON.stringify(reply), 'application/json');
    expect((await closed).entry).toMatchObject({
      state: 'answered',
      reply: { mentionKey: keyOf(reply), author: '@fleurie_off', atMs: replyAtMs },
    });

    const after = await queueOf('fleurie');
    expect(after.waiting.map((entry) => entry.mentionKey)).not.toContain(keyOf(influencer));
    const answered = after.closed.find((entry) => entry.mentionKey === keyOf(influencer));
    expect(answered?.firstReplyMs).toBe(replyAtMs - Date.parse(influencer.createdAt));
    expect(after.stats).toMatchObject({ answered: 1, answeredInTime: 1 });
    expect(after.stats.medianReplyMs).toBe(answered?.firstReplyMs);
  });

  it('raises an alert hit for a mention left unanswered past its deadline, and pages the CM', async () => {
    const overdue = await waitForEvent<ReplyQueueEvent>(
      watcher,
      'reply.overdue',
      (e) => e.entry.mentionKey === keyOf(small),
      20_000,
    );
    expect(overdue.atMs).toBeGreaterThanOrEqual(overdue.entry.dueAtMs);
    const opened = await waitForEvent<Opened>(
      camille,
      'alert.opened',
      (e) => e.alert.triggerId === 'reply-overdue',
      20_000,
    );
    expect(opened.alert).toMatchObject({ brandId: 'fleurie', level: 'watch', state: 'open' });
    overdueAlertId = opened.alert.id;
    expect(opened.alert.evidence.samples[0]?.evidence).toMatchObject({ mentionKey: keyOf(small), author: '@jane' });
    expect(opened.alert.reason).toMatch(
      /^No reply for \d+s to a negative post by @jane \(40 followers\) on twitter; the playbook asks 4s$/,
    );
  });

  it('pages the CM, reachable only by e-mail, through the SMTP server with the console link', async () => {
    const mail = await waitUntil(
      'the e-mail page to camille.martin@example.com',
      async () => smtp.received.find((received) => received.to.includes('camille.martin@example.com')),
      20_000,
    );
    expect(mailText(mail.raw)).toContain(
      `Open it in Tocsin to acknowledge: ${publicUrl}/console.html?alert=${overdueAlertId}`,
    );
    expect(mailText(mail.raw)).toContain('No reply for');
  });

  it('lets a CM close an entry as not to answer only with a reason, and tells the consoles', async () => {
    const refused = await markHandled(keyOf(small), {
      brandId: 'fleurie',
      outcome: 'not-to-answer',
    });
    expect(refused).toMatchObject({ status: 400, json: { code: 'reason_required' } });

    const closed = waitForEvent<ReplyQueueEvent>(
      watcher,
      'reply.closed',
      (e) => e.entry.mentionKey === keyOf(small),
      10_000,
    );
    const accepted = await markHandled(keyOf(small), {
      brandId: 'fleurie',
      outcome: 'not-to-answer',
      reason: 'Answered by phone by the customer service',
    });
    expect(accepted).toMatchObject({ status: 200, json: { entry: { state: 'not-to-answer', closedBy: 'camille' } } });
    expect((await closed).entry.reason).toBe('Answered by phone by the customer service');

    const again = await markHandled(keyOf(small), { brandId: 'fleurie' });
    expect(again).toMatchObject({ status: 409, json: { code: 'already_closed' } });
    expect((await queueOf('fleurie')).waiting.map((entry) => entry.mentionKey)).not.toContain(keyOf(small));
  });
});
