import { applyHit, dueEscalation, planTargetResolver, type Notification } from '@tocsin/alerting';
import { parsePlan } from '@tocsin/crisis-plan';
import { readFileSync } from 'node:fs';
import { toJsonPayload, toSlackPayload } from './notification-payloads';

const loaded = parsePlan(readFileSync('config/test/e2e-plan.yaml', 'utf8'), 'e2e-plan.yaml');
if (!loaded.ok) throw new Error('config/test/e2e-plan.yaml must be valid');
const plan = loaded.plan;
const T0 = Date.parse('2026-11-23T10:00:00Z');

function pagedAlert() {
  const hit = {
    kind: 'trigger' as const,
    triggerId: 'crisis-words',
    triggerKind: 'crisis-vocabulary',
    brandId: 'fleurie',
    level: 'crisis',
    group: 'crisis-words',
    planVersion: 'e2e-1',
    reason: 'Negative mention by @x on twitter uses crisis words: "arnaque"',
    evidence: { mentionKey: 'twitter:1', text: 'Fleurie Cosmetics est une arnaque' },
    atMs: T0,
  };
  const opened = applyHit(undefined, hit, plan, T0, 'a-1').alert;
  const { alert, notifications } = dueEscalation(opened, planTargetResolver(plan), T0);
  return { alert, notification: notifications[0] as Notification };
}

describe(toSlackPayload.name, () => {
  it('names the level and brand, mentions the people paged by their Slack handles and links to the alert', () => {
    const { alert, notification } = pagedAlert();
    const payload = toSlackPayload(notification, alert, plan, 'http://tocsin.local/console.html');
    expect(payload.text).toContain('Crisis — Fleurie Cosmetics');
    expect(payload.text).toContain('@camille');
    expect(JSON.stringify(payload.blocks)).toContain('http://tocsin.local/console.html?alert=a-1');
  });
});

describe(toJsonPayload.name, () => {
  it('carries the alert essentials and its evidence', () => {
    const { alert, notification } = pagedAlert();
    expect(toJsonPayload(notification, alert, plan, 'http://tocsin.local/console.html')).toMatchObject({
      type: 'alert.opened',
      alertId: 'a-1',
      brand: { id: 'fleurie', name: 'Fleurie Cosmetics' },
      level: 'crisis',
      recipients: ['camille'],
      evidence: { count: 1 },
      url: 'http://tocsin.local/console.html?alert=a-1',
    });
  });
});
