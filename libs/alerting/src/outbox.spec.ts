import { planWith } from '../../crisis-plan/src/testing/plan-fixture';
import { applyHit } from './alert-lifecycle';
import { dueEscalation, planTargetResolver } from './escalation';
import { dueIncidentEscalation, placeAlert } from './incident-lifecycle';
import { composeOutbox, outboxMessageSchema } from './outbox';
import { hitWith } from './testing/alert-fixture';

const plan = planWith(`
people:
  - { id: ana, name: Ana, role: cm, contacts: { slack: '@ana', webhook: 'https://pager.example/ana?token=s3cret' } }
  - { id: ben, name: Ben, role: cm, contacts: { slack: '@ben' } }
  - { id: carl, name: Carl, role: manager, contacts: { email: carl@example.com } }
  - { id: dora, name: Dora, role: director, contacts: { email: dora@example.com } }
`);
const T0 = Date.parse('2026-03-02T09:00:00Z');
const options = { consoleUrl: 'http://tocsin.local/console.html', slackWebhookUrl: 'https://hooks.slack.com/x' };

function openedAndPaged() {
  const opened = applyHit(undefined, hitWith({ atMs: T0 }), plan, T0, 'a-1');
  const escalated = dueEscalation(opened.alert, planTargetResolver(plan), T0);
  return [...opened.events, ...escalated.events];
}

describe(composeOutbox.name, () => {
  it('sends every event to the consoles first, then each page to the personal and org webhooks', () => {
    const messages = composeOutbox(openedAndPaged(), plan, options);
    expect(messages.map((message) => `${message.channel}:${message.key}`)).toEqual([
      `socket:a-1/alert.opened/${T0}/r3/0`,
      `socket:a-1/alert.escalated/${T0}/r3/1`,
      'webhook:a-1/page-1/person-ana',
      'webhook:a-1/page-1/org-slack',
    ]);
    expect(messages.every((message) => outboxMessageSchema.safeParse(message).success)).toBe(true);
  });

  it('addresses the opening event to the people its first step paged', () => {
    const [opened] = composeOutbox(openedAndPaged(), plan, options);
    expect(opened).toMatchObject({ channel: 'socket', userIds: ['ana'] });
  });

  it('gives a page the same keys however often it is composed', () => {
    const events = openedAndPaged();
    expect(composeOutbox(events, plan, options)).toEqual(composeOutbox(events, plan, options));
  });

  it('gives two changes of one alert in the same millisecond different console keys', () => {
    const opened = applyHit(undefined, hitWith({ atMs: T0 }), plan, T0, 'a-3');
    const updated = applyHit(opened.alert, hitWith({ evidence: { mentionKey: 'twitter:2' } }), plan, T0, 'a-4');
    const [first] = composeOutbox(opened.events, plan, options);
    const [second] = composeOutbox(updated.events, plan, options);
    expect(first?.key).not.toEqual(second?.key);
  });

  it('sends no webhook for an event that pages nobody', () => {
    const opened = applyHit(undefined, hitWith({ atMs: T0 }), plan, T0, 'a-2');
    expect(composeOutbox(opened.events, plan, options).map((message) => message.channel)).toEqual(['socket']);
  });
});

describe('composeOutbox for incidents', () => {
  it('pages once for the incident, keyed by it, naming the signal that joined in both the JSON and the Slack page', () => {
    const settings = { groupBy: ['brand' as const] };
    const first = applyHit(undefined, hitWith({ atMs: T0 }), plan, T0, 'a-1').alert;
    const second = applyHit(
      undefined,
      hitWith({ atMs: T0, triggerId: 'words', group: 'words', level: 'crisis' }),
      plan,
      T0,
      'a-2',
    ).alert;
    const opened = placeAlert(undefined, first, plan, settings, T0, 'i-1');
    const raised = placeAlert(opened.incident, second, plan, settings, T0, 'unused');
    const paged = dueIncidentEscalation(raised.incident, planTargetResolver(plan), T0);
    const messages = composeOutbox([...opened.events, ...raised.events, ...paged.events], plan, options);
    const webhooks = messages.flatMap((message) => (message.channel === 'webhook' ? [message] : []));
    expect({
      keys: webhooks.map((message) => `${message.alertId} ${message.key}`),
      joined: (webhooks[0]?.body as { joined: { text: string } }).joined.text,
      slack: (webhooks[1]?.body as { text: string }).text,
      valid: messages.every((message) => outboxMessageSchema.safeParse(message).success),
    }).toEqual({
      keys: ['i-1 i-1/page-1/person-ana', 'i-1 i-1/page-1/org-slack'],
      joined: '1 more signal joined the incident',
      slack: expect.stringContaining('1 more signal joined the incident: '),
      valid: true,
    });
  });
});
