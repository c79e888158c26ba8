import type { EmailMessage } from '@tocsin/alerting';
import { createTransport } from 'nodemailer';
import type { PageMailer, PostOutcome } from './outbox.relay';

export interface SmtpSettings {
  /** `smtp://user:pass@host:587` or `smtps://…:465`; credentials stay out of logs. */
  url: string;
  /** The From header of every page, e.g. `Tocsin <oncall@example.com>`. */
  from: string;
}

/** An SMTP exchange is bounded well inside the relay's claim on the message (10 s). */
const CONNECTION_TIMEOUT_MS = 3_000;
const SOCKET_TIMEOUT_MS = 5_000;

/** The idempotency key as a Message-ID: a mailbox that gets the same page twice can tell. */
function messageId(key: string): string {
  return `<${key.replace(/[^A-Za-z0-9._/-]/g, '-')}@tocsin>`;
}

/**
 * SMTP replies 4xx for what may pass later (mailbox busy, greylisting) and 5xx for what will
 * not (no such user); a connection refused or timed out is the network's, worth a retry.
 */
export function isRecoverableSmtpFailure(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null && 'responseCode' in error ? error.responseCode : undefined;
  return typeof code !== 'number' || code < 500;
}

/** E-mail pages through one SMTP server (nodemailer), one connection per page. */
export class SmtpMailer implements PageMailer {
  private readonly transport;

  constructor(private readonly settings: SmtpSettings) {
    this.transport = createTransport({
      url: settings.url,
      connectionTimeout: CONNECTION_TIMEOUT_MS,
      greetingTimeout: CONNECTION_TIMEOUT_MS,
      socketTimeout: SOCKET_TIMEOUT_MS,
    });
  }

  async send(message: EmailMessage): Promise<PostOutcome> {
    try {
      await this.transport.sendMail({
        from: this.settings.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        messageId: messageId(message.key),
        headers: { 'X-Tocsin-Alert': message.alertId },
      });
      return { ok: true };
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      return { ok: false, recoverable: isRecoverableSmtpFailure(error), error: text };
    }
  }

  close(): void {
    this.transport.close();
  }
}
