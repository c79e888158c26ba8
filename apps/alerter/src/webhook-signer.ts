import { SIGNATURE_HEADER, signWebhook } from '@tocsin/alerting';
import type { CrisisPlan, PlanIssue } from '@tocsin/crisis-plan';
import type { Clock, Deployment } from '@tocsin/domain';
import { readFileSync } from 'node:fs';
import type { AlerterConfig } from './config';
import { resolveWebhookTargets, type OrgWebhooks, type SecretReader, type WebhookTargets } from './webhook-targets';

export type Signing = { ok: true; headers: Record<string, string> } | { ok: false; error: string };

export interface SignerLogger {
  warn(message: string): void;
}

/**
 * The webhook receivers of each plan that passed its check, and the headers that sign a page to
 * one of them. Plans are checked by PlanSource before they are put in force (`check`), so the
 * plan in force always has its receivers here; secrets are read again at each plan load.
 */
export class WebhookSigner {
  private readonly targets = new WeakMap<CrisisPlan, WebhookTargets>();

  constructor(
    private readonly org: OrgWebhooks,
    private readonly deployment: Deployment,
    private readonly reader: SecretReader,
    private readonly plan: () => CrisisPlan,
    private readonly clock: Clock,
    private readonly logger: SignerLogger,
  ) {}

  /** The check PlanSource runs on each plan it loads: its issues refuse the plan. */
  check(plan: CrisisPlan): PlanIssue[] {
    const resolved = resolveWebhookTargets(plan, this.org, this.deployment, this.reader);
    if (!resolved.ok) return resolved.issues;
    for (const warning of resolved.targets.warnings) this.logger.warn(warning);
    this.targets.set(plan, resolved.targets);
    return [];
  }

  /**
   * Headers signing `body` for `url`, or why it must not be sent: a URL the plan in force does
   * not name any more (a page queued before a plan change) is refused rather than sent unchecked.
   */
  sign(url: string, body: string): Signing {
    const key = this.targets.get(this.plan())?.byUrl.get(url);
    if (!key) return { ok: false, error: 'webhook URL not in the plan in force (changed since the page was queued)' };
    if (key.secret === null) return { ok: true, headers: {} };
    const timestampS = Math.floor(this.clock.now() / 1000);
    return { ok: true, headers: { [SIGNATURE_HEADER]: signWebhook(key.secret, timestampS, body) } };
  }
}

/** Secrets from the alerter's environment and from files (mounted secrets). */
export function secretReaderOf(config: Pick<AlerterConfig, 'secretVariable'>): SecretReader {
  return { variable: (name) => config.secretVariable(name), file: (path) => readFileSync(path, 'utf8') };
}
