import { redactUrl, subjectOf, type EmailMessage, type SocketMessage, type WebhookMessage } from '@tocsin/alerting';
import type { Clock } from '@tocsin/domain';
import type { RecordPublisher } from '@tocsin/kafka';
import type { ClaimedMessage, OutboxStore, WebhookDelivery } from '@tocsin/redis';
import type { Signing } from './webhook-signer';

const WEBHOOK_MAX_ATTEMPTS = 6;
const WEBHOOK_TIMEOUT_MS = 5_000;
/**
 * A claim lasts this long: a relay that dies between taking messages and sending them gives
 * them back within seconds. A webhook attempt extends its own claim past its timeout.
 */
export const RELAY_LEASE_MS = 3_000;
const WEBHOOK_LEASE_MS = WEBHOOK_TIMEOUT_MS * 2;
/** Webhooks in flight at once per relay; the relay claims no more than it can start. */
const MAX_WEBHOOKS_IN_FLIGHT = 50;
/** The header receivers deduplicate pages by. */
export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';

/** 1 s, 2 s, 4 s … capped at 5 min, between attempts. */
export function webhookBackoffMs(attempts: number): number {
  return Math.min(1_000 * 2 ** Math.max(0, attempts - 1), 300_000);
}

/** Client errors other than throttling will not get better by retrying (Alertmanager's rule). */
export function isRecoverableStatus(status: number): boolean {
  return status >= 500 || status === 429 || status === 408;
}

export interface RelayLogger {
  warn(message: string): void;
  error(message: string): void;
}

/** What the relay reports for monitoring (see TocsinMetrics.alerting); nothing by default. */
export interface RelayTelemetry {
  alertEvent(event: string): void;
  page(outcome: 'delivered' | 'retrying' | 'failed', durationMs: number): void;
}

const noRelayTelemetry: RelayTelemetry = { alertEvent: () => undefined, page: () => undefined };

export type PostOutcome = { ok: true; error?: undefined } | { ok: false; recoverable: boolean; error: string };

/** Sends e-mail pages (SMTP); answers, like a webhook POST, whether a failure is worth retrying. */
export interface PageMailer {
  send(message: EmailMessage): Promise<PostOutcome>;
}

type PageMessage = WebhookMessage | EmailMessage;

/** Signs a page for its receiver (`Tocsin-Signature`), or says why it must not go. */
export interface WebhookSigning {
  sign(url: string, body: string): Signing;
}

/**
 * Sends what alert changes left in the outbox, at least once: console events to Kafka topic
 * `alerts.events` (gateways deliver each key once), pages to webhooks with an `Idempotency-Key`
 * header (receivers drop a key seen before), retried with backoff, each attempt logged per
 * alert. A message leaves the outbox only once sent or given up on. Webhooks run in the
 * background: a slow receiver delays neither the console events nor the escalation timers.
 */
export class OutboxRelay {
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly outbox: OutboxStore,
    private readonly publisher: RecordPublisher,
    private readonly eventsTopic: string,
    private readonly clock: Clock,
    private readonly logger: RelayLogger,
    private readonly signer: WebhookSigning,
    private readonly mailer?: PageMailer,
    private readonly telemetry: RelayTelemetry = noRelayTelemetry,
  ) {}

  /** Claims what is due, publishes the console events and starts the webhooks; returns how many were claimed. */
  async relayDue(limit = 200): Promise<number> {
    const room = Math.min(limit, MAX_WEBHOOKS_IN_FLIGHT - this.inFlight.size);
    if (room <= 0) return 0;
    const claimed = await this.outbox.claimDue(this.clock.now(), RELAY_LEASE_MS, room);
    // Webhooks first: they run in the background, so a broker outage that fails the publish
    // below does not hold the pages back.
    for (const { member, message } of claimed) {
      if (message.channel === 'socket') continue;
      const sending = this.deliver(member, message).catch((error: unknown) =>
        this.logger.error(
          `${message.channel} ${message.key} to ${shownAddress(message)} left for a retry: ${describe(error)}`,
        ),
      );
      this.inFlight.add(sending);
      void sending.finally(() => this.inFlight.delete(sending));
    }
    const sockets = claimed.filter(
      (item): item is ClaimedMessage & { message: SocketMessage } => item.message.channel === 'socket',
    );
    if (sockets.length > 0) {
      await this.publisher.publish(
        this.eventsTopic,
        // Keyed by brand: a brand's alert and incident facts reach consoles in the order they
        // happened (an incident's page never overtakes the opening of the alert it is about).
        sockets.map(({ message }) => ({
          key: `brand:${subjectOf(message.event).brandId}`,
          value: JSON.stringify(message),
          headers: { [IDEMPOTENCY_KEY_HEADER]: message.key },
        })),
      );
      await this.outbox.finish(sockets.map((item) => item.member));
      for (const { message } of sockets) this.telemetry.alertEvent(message.event.kind);
    }
    return claimed.length;
  }

  /** Waits for the webhooks in flight, e.g. before the process stops. */
  async drain(): Promise<void> {
    await Promise.all([...this.inFlight]);
  }

  private async deliver(member: string, message: PageMessage): Promise<void> {
    const attempt: PageMessage = { ...message, attempts: message.attempts + 1 };
    const shown = shownAddress(message);
    const secret = message.channel === 'webhook' ? message.url : message.to;
    const entry = (status: WebhookDelivery['status'], error?: string): WebhookDelivery => ({
      key: message.key,
      url: shown,
      format: message.channel === 'webhook' ? message.format : 'email',
      status,
      attempts: attempt.attempts,
      atMs: this.clock.now(),
      ...(error === undefined ? {} : { error: error.split(secret).join(shown) }),
    });
    await this.outbox.startAttempt(member, attempt, entry('sending'), this.clock.now() + WEBHOOK_LEASE_MS);
    const startedMs = performance.now();
    const outcome = attempt.channel === 'webhook' ? await this.post(attempt) : await this.mail(attempt);
    const durationMs = performance.now() - startedMs;
    if (outcome.ok) {
      await this.outbox.finish([member], { alertId: message.alertId, delivery: entry('delivered') });
      this.telemetry.page('delivered', durationMs);
      return;
    }
    const giveUp = !outcome.recoverable || attempt.attempts >= WEBHOOK_MAX_ATTEMPTS;
    this.telemetry.page(giveUp ? 'failed' : 'retrying', durationMs);
    const delivery = entry(giveUp ? 'failed' : 'retrying', outcome.error);
    if (giveUp) await this.outbox.finish([member], { alertId: message.alertId, delivery });
    else {
      const dueAtMs = this.clock.now() + webhookBackoffMs(attempt.attempts);
      await this.outbox.retryAt(member, message.alertId, dueAtMs, delivery);
    }
    this.logger.warn(
      `${message.channel} ${shown} for alert ${message.alertId}: ${delivery.status} after ${attempt.attempts} attempt(s): ${delivery.error}`,
    );
  }

  private async mail(message: EmailMessage): Promise<PostOutcome> {
    if (!this.mailer) return { ok: false, recoverable: false, error: 'e-mail is not set up (SMTP_URL)' };
    return this.mailer.send(message);
  }

  private async post(message: WebhookMessage): Promise<PostOutcome> {
    const body = JSON.stringify(message.body);
    const signing = this.signer.sign(message.url, body);
    if (!signing.ok) return { ok: false, recoverable: false, error: signing.error };
    try {
      const response = await fetch(message.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'tocsin-webhook/1',
          [IDEMPOTENCY_KEY_HEADER]: message.key,
          ...signing.headers,
        },
        body,
        // A redirect would take the page, signed, to a URL nobody checked: it is not followed.
        redirect: 'manual',
        signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
      });
      // The body is not read; releasing it frees the connection.
      await response.body?.cancel();
      if (response.ok) return { ok: true };
      if (response.status >= 300 && response.status < 400) {
        const location = response.headers.get('location');
        const to = location ? ` to ${redactUrl(new URL(location, message.url).href)}` : '';
        return { ok: false, recoverable: false, error: `redirect refused: HTTP ${response.status}${to}` };
      }
      return { ok: false, recoverable: isRecoverableStatus(response.status), error: `HTTP ${response.status}` };
    } catch (error) {
      return { ok: false, recoverable: true, error: describe(error) };
    }
  }
}

/** Where a page goes, as logs and the delivery log show it: a webhook's scheme and host, an e-mail's address. */
function shownAddress(message: PageMessage): string {
  return message.channel === 'webhook' ? redactUrl(message.url) : `mailto:${message.to}`;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
