import { formatPlanPath } from '@tocsin/crisis-plan';
import { planWith } from '../../../libs/crisis-plan/src/testing/plan-fixture';
import { MIN_SECRET_LENGTH, resolveWebhookTargets, type SecretReader } from './webhook-targets';

const GOOD = 'a'.repeat(MIN_SECRET_LENGTH);
const reader: SecretReader = {
  variable: (name) => ({ ANA_SECRET: GOOD, SHORT: 'abc', ORG_SECRET: `${'b'.repeat(40)}` })[name],
  file: (path) => {
    if (path === '/run/secrets/ana') return `${'c'.repeat(64)}\n`;
    throw new Error(`ENOENT: no such file or directory, open '${path}'`);
  },
};

const planWithAna = (contacts: string) =>
  planWith(`
people:
  - { id: ana, name: Ana, role: cm, contacts: ${contacts} }
  - { id: ben, name: Ben, role: cm, contacts: { slack: '@ben' } }
  - { id: carl, name: Carl, role: manager, contacts: { email: carl@example.com } }
  - { id: dora, name: Dora, role: director, contacts: { email: dora@example.com } }`);

function problems(result: ReturnType<typeof resolveWebhookTargets>): string[] {
  return result.ok ? [] : result.issues.map((issue) => `${formatPlanPath(issue.path)}: ${issue.message}`);
}

describe(resolveWebhookTargets.name, () => {
  it('reads a secret from the environment or a file, without its trailing newline', () => {
    const fromEnv = resolveWebhookTargets(
      planWithAna(`{ webhook: 'https://pager.example.com/ana', webhookSecret: { env: ANA_SECRET } }`),
      {},
      'production',
      reader,
    );
    expect(fromEnv.ok && fromEnv.targets.byUrl.get('https://pager.example.com/ana')).toEqual({ secret: GOOD });
    const fromFile = resolveWebhookTargets(
      planWithAna(`{ webhook: 'https://pager.example.com/ana', webhookSecret: { file: /run/secrets/ana } }`),
      {},
      'production',
      reader,
    );
    expect(fromFile.ok && fromFile.targets.byUrl.get('https://pager.example.com/ana')).toEqual({
      secret: 'c'.repeat(64),
    });
  });

  it.each([
    [
      'no secret in production',
      `{ webhook: 'https://pager.example.com/ana' }`,
      'people[0].contacts.webhookSecret: required in production',
    ],
    [
      'an unset variable',
      `{ webhook: 'https://pager.example.com/ana', webhookSecret: { env: NOPE } }`,
      'people[0].contacts.webhookSecret: environment variable NOPE is not set or empty',
    ],
    [
      'a short secret',
      `{ webhook: 'https://pager.example.com/ana', webhookSecret: { env: SHORT } }`,
      'people[0].contacts.webhookSecret: environment variable SHORT holds 3 characters, fewer than 32',
    ],
    [
      'an unreadable file',
      `{ webhook: 'https://pager.example.com/ana', webhookSecret: { file: /nope } }`,
      "people[0].contacts.webhookSecret: cannot read file /nope: ENOENT: no such file or directory, open '/nope'",
    ],
    [
      'plain http to loopback',
      `{ webhook: 'http://127.0.0.1:4000/ana', webhookSecret: { env: ANA_SECRET } }`,
      'people[0].contacts.webhook: must be https: plain http is allowed to 127.0.0.1/localhost only when NODE_ENV is development or test',
    ],
    [
      'credentials in the URL',
      `{ webhook: 'https://ana:pw@pager.example.com/ana', webhookSecret: { env: ANA_SECRET } }`,
      'people[0].contacts.webhook: must not hold a user or password',
    ],
  ])('refuses a plan in production with %s, naming the field', (_case, contacts, problem) => {
    expect(problems(resolveWebhookTargets(planWithAna(contacts), {}, 'production', reader)).join('\n')).toContain(
      problem,
    );
  });

  it('lets development send unsigned pages to loopback, with a warning', () => {
    const result = resolveWebhookTargets(
      planWithAna(`{ webhook: 'http://127.0.0.1:4000/ana' }`),
      {},
      'development',
      reader,
    );
    expect(result.ok && result.targets.byUrl.get('http://127.0.0.1:4000/ana')).toEqual({
      secret: null,
      unsigned: 'no-secret-in-development',
    });
    expect(result.ok && result.targets.warnings).toEqual([
      'people[0].contacts.webhook: no secret, its pages go unsigned (NODE_ENV=development only)',
    ]);
  });

  it('checks the org-wide webhooks too, and leaves Slack unsigned by design', () => {
    const org = {
      alertWebhookUrl: 'https://hooks.example.com/tocsin',
      alertWebhookSecret: { env: 'ORG_SECRET' },
      slackWebhookUrl: 'https://hooks.slack.com/services/T0/B0/x',
    };
    const result = resolveWebhookTargets(planWith(), org, 'production', reader);
    expect(result.ok && Object.fromEntries(result.targets.byUrl)).toEqual({
      'https://hooks.example.com/tocsin': { secret: 'b'.repeat(40) },
      'https://hooks.slack.com/services/T0/B0/x': { secret: null, unsigned: 'slack' },
    });
    const insecure = {
      alertWebhookUrl: 'http://hooks.example.com/tocsin',
      slackWebhookUrl: 'http://hooks.slack.com/x',
    };
    expect(problems(resolveWebhookTargets(planWith(), insecure, 'development', reader))).toEqual([
      '(environment).ALERT_WEBHOOK_URL: must be https (got http; plain http only to 127.0.0.1/localhost in development)',
      '(environment).SLACK_WEBHOOK_URL: must be https (got http; plain http only to 127.0.0.1/localhost in development)',
    ]);
  });
});
