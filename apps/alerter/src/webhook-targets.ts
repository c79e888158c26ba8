import { webhookUrlProblem } from '@tocsin/alerting';
import { formatPlanPath, type CrisisPlan, type PlanIssue, type SecretRef } from '@tocsin/crisis-plan';
import type { Deployment } from '@tocsin/domain';

/** A receiver's signing secret, or why its pages go unsigned. */
export type WebhookSigningKey = { secret: string } | { secret: null; unsigned: 'slack' | 'no-secret-in-development' };

export interface WebhookTargets {
  /** By URL: the relay signs what it posts with the key of the URL's receiver. */
  byUrl: ReadonlyMap<string, WebhookSigningKey>;
  /** Allowed in development and test only, said at every load. */
  warnings: string[];
}

export interface SecretReader {
  variable(name: string): string | undefined;
  /** The file's content; throws when it cannot be read. */
  file(path: string): string;
}

export interface OrgWebhooks {
  alertWebhookUrl?: string;
  alertWebhookSecret?: SecretRef;
  slackWebhookUrl?: string;
}

/** `openssl rand -hex 32` gives 64; a short secret is a guessable one. */
export const MIN_SECRET_LENGTH = 32;

function describeRef(ref: SecretRef): string {
  return 'env' in ref ? `environment variable ${ref.env}` : `file ${ref.file}`;
}

function readSecret(ref: SecretRef, reader: SecretReader): { secret: string } | { problem: string } {
  let value: string | undefined;
  try {
    // A trailing newline is an artefact of `echo … > file`, not part of the secret.
    value = ('env' in ref ? reader.variable(ref.env) : reader.file(ref.file))?.replace(/\r?\n$/, '');
  } catch (error) {
    return { problem: `cannot read ${describeRef(ref)}: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (value === undefined || value === '') return { problem: `${describeRef(ref)} is not set or empty` };
  if (value.length < MIN_SECRET_LENGTH) {
    return {
      problem: `${describeRef(ref)} holds ${value.length} characters, fewer than ${MIN_SECRET_LENGTH} (openssl rand -hex 32)`,
    };
  }
  return { secret: value };
}

/**
 * Every webhook the alerter may post to, checked as the plan loads: its URL (`webhookUrlProblem`)
 * and its signing secret, read from where the plan or the environment says. In production a
 * receiver without a readable secret is an error, so a plan that would send unsigned pages is
 * never in force; in development and test its pages go unsigned, with a warning. Slack incoming
 * webhooks are not signed: Slack does not check signatures, the URL itself is the secret.
 */
export function resolveWebhookTargets(
  plan: CrisisPlan,
  org: OrgWebhooks,
  deployment: Deployment,
  reader: SecretReader,
): { ok: true; targets: WebhookTargets } | { ok: false; issues: PlanIssue[] } {
  const issues: PlanIssue[] = [];
  const warnings: string[] = [];
  const byUrl = new Map<string, WebhookSigningKey>();
  const policy = { allowLoopbackHttp: deployment !== 'production' };

  const add = (url: string, ref: SecretRef | undefined, path: (string | number)[], secretPath: (string | number)[]) => {
    const problem = webhookUrlProblem(url, policy);
    if (problem) issues.push({ path, message: `${problem}` });
    let key: WebhookSigningKey;
    if (ref) {
      const read = readSecret(ref, reader);
      if ('problem' in read) {
        issues.push({ path: secretPath, message: read.problem });
        return;
      }
      key = read;
    } else if (deployment === 'production') {
      issues.push({
        path: secretPath,
        message: 'required in production: name the secret its pages are signed with ({ env: NAME } or { file: PATH })',
      });
      return;
    } else {
      warnings.push(`${formatPlanPath(path)}: no secret, its pages go unsigned (NODE_ENV=${deployment} only)`);
      key = { secret: null, unsigned: 'no-secret-in-development' };
    }
    const known = byUrl.get(url);
    if (known && known.secret !== key.secret) {
      issues.push({ path, message: 'the same webhook URL is given elsewhere with another secret' });
      return;
    }
    byUrl.set(url, key);
  };

  plan.people.forEach((person, i) => {
    const url = person.contacts.webhook;
    if (url === undefined) return;
    add(
      url,
      person.contacts.webhookSecret,
      ['people', i, 'contacts', 'webhook'],
      ['people', i, 'contacts', 'webhookSecret'],
    );
  });
  if (org.alertWebhookUrl !== undefined) {
    add(
      org.alertWebhookUrl,
      org.alertWebhookSecret,
      ['(environment)', 'ALERT_WEBHOOK_URL'],
      ['(environment)', 'ALERT_WEBHOOK_SECRET'],
    );
  }
  if (org.slackWebhookUrl !== undefined) {
    const problem = webhookUrlProblem(org.slackWebhookUrl, policy);
    if (problem) issues.push({ path: ['(environment)', 'SLACK_WEBHOOK_URL'], message: problem });
    else byUrl.set(org.slackWebhookUrl, { secret: null, unsigned: 'slack' });
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, targets: { byUrl, warnings } };
}
