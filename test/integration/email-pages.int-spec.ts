import type { EmailMessage, OutboxMessage } from '@tocsin/alerting';
import { RecordPublisher } from '@tocsin/kafka';
import { OutboxStore, RedisKeys } from '@tocsin/redis';
import { OutboxRelay, webhookBackoffMs } from '../../apps/alerter/src/outbox.relay';
import { SmtpMailer } from '../../apps/alerter/src/smtp.mailer';
import { mailHeader, mailText, SmtpReceiver } from '../support/smtp-receiver';
import { TestRun } from '../support/test-infra';

const CONSOLE_LINK = 'http://tocsin.example/console.html?alert=alert-1';

describe('e-mail pages through the outbox relay', () => {
  const run = new TestRun();
  const outbox = new OutboxStore(run.redis, new RedisKeys(run.keyPrefix));
  const publisher = new RecordPublisher(run.kafka);
  const smtp = new SmtpReceiver();
  const logged: string[] = [];
  let mailer: SmtpMailer;
  let sut: OutboxRelay;
  let nowMs = Date.parse('2026-11-23T10:00:00Z');

  // E-mail is under test here, not webhook signing.
  const unsigned = { sign: () => ({ ok: true as const, headers: {} }) };

  beforeAll(async () => {
    const url = await smtp.start();
    mailer = new SmtpMailer({ url, from: 'Tocsin <oncall@tocsin.example>' });
    const logger = { warn: (m: string) => logged.push(m), error: (m: string) => logged.push(m) };
    sut = new OutboxRelay(
      outbox,
      publisher,
      run.topic('alerts.events'),
      { now: () => nowMs },
      logger,
      unsigned,
      mailer,
    );
  });

  afterAll(async () => {
    mailer.close();
    await smtp.stop();
    await run.cleanUp();
  });

  function page(alertId: string, to: string): EmailMessage {
    return {
      channel: 'email',
      key: `${alertId}/page-1/email-camille`,
      alertId,
      to,
      subject: '[Tocsin] New alert · Crisis · Fleurie Cosmetics',
      text: `Crisis words in a negative post\n\nOpen it in Tocsin to acknowledge: ${CONSOLE_LINK.replace('alert-1', alertId)}\n`,
      attempts: 0,
    };
  }

  async function enqueue(messages: OutboxMessage[]): Promise<void> {
    const multi = run.redis.multi();
    outbox.addTo(multi, nowMs, messages);
    await multi.exec();
  }

  async function relayAll(): Promise<void> {
    await sut.relayDue();
    await sut.drain();
  }

  it('delivers an e-mail page with the console link to the SMTP server, and logs it', async () => {
    await enqueue([page('alert-1', 'camille.martin@example.com')]);
    await relayAll();

    expect(smtp.received).toHaveLength(1);
    const [mail] = smtp.received;
    expect(mail?.to).toEqual(['camille.martin@example.com']);
    expect(mail?.from).toBe('oncall@tocsin.example');
    expect(mailHeader(mail?.raw ?? '', 'subject')).toBe('[Tocsin] New alert · Crisis · Fleurie Cosmetics');
    expect(mailHeader(mail?.raw ?? '', 'message-id')).toBe('<alert-1/page-1/email-camille@tocsin>');
    expect(mailText(mail?.raw ?? '')).toContain(CONSOLE_LINK);
    expect(await outbox.deliveries('alert-1')).toEqual([
      expect.objectContaining({
        status: 'delivered',
        attempts: 1,
        url: 'mailto:camille.martin@example.com',
        format: 'email',
      }),
    ]);
    expect(await outbox.pending()).toBe(0);
  });

  it('retries a page the server refuses for now (4xx), logging every attempt, until it is delivered', async () => {
    smtp.refuse('hugo@example.com', 451, 2);
    await enqueue([page('alert-2', 'hugo@example.com')]);

    await relayAll();
    for (const attempt of [1, 2]) {
      nowMs += webhookBackoffMs(attempt);
      await relayAll();
    }

    expect(smtp.received.filter((mail) => mail.to.includes('hugo@example.com'))).toHaveLength(1);
    const deliveries = await outbox.deliveries('alert-2');
    expect(deliveries.map((delivery) => delivery.status)).toEqual(['retrying', 'retrying', 'delivered']);
    expect(deliveries[0]?.error).toMatch(/451/);
    expect(
      logged.some((line) => /email mailto:hugo@example.com for alert alert-2: retrying after 1 attempt/.test(line)),
    ).toBe(true);
  });

  it('gives up at once on a page the server refuses for good (5xx)', async () => {
    smtp.refuse('nobody@example.com', 550, 10);
    await enqueue([page('alert-3', 'nobody@example.com')]);
    await relayAll();
    nowMs += webhookBackoffMs(1);
    await relayAll();

    expect(await outbox.deliveries('alert-3')).toEqual([
      expect.objectContaining({ status: 'failed', attempts: 1, error: expect.stringMatching(/550/) }),
    ]);
    expect(await outbox.pending()).toBe(0);
  });

  it('retries when the SMTP server cannot be reached', async () => {
    const unreachable = new SmtpMailer({ url: 'smtp://127.0.0.1:1', from: 'oncall@tocsin.example' });
    const relay = new OutboxRelay(
      outbox,
      publisher,
      run.topic('alerts.events'),
      { now: () => nowMs },
      { warn: () => undefined, error: () => undefined },
      unsigned,
      unreachable,
    );
    await enqueue([page('alert-4', 'camille.martin@example.com')]);
    await relay.relayDue();
    await relay.drain();
    unreachable.close();

    expect(await outbox.deliveries('alert-4')).toEqual([expect.objectContaining({ status: 'retrying', attempts: 1 })]);
  });
});
