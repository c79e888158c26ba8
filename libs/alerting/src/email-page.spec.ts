import { parsePlan } from '@tocsin/crisis-plan';
import { readFileSync } from 'node:fs';
import { applyHit } from './alert-lifecycle';
import { dueEscalation, planTargetResolver } from './escalation';
import { composeOutbox } from './outbox';

const loaded = parsePlan(readFileSync('config/crisis-plan.example.yaml', 'utf8'), 'example');
if (!loaded.ok) throw new Error('config/crisis-plan.example.yaml must be valid');
const plan = loaded.plan;
// Monday 9:00 in Paris: Camille's week on the Paris shift; a crisis pages the managers at once too.
const T0 = Date.parse('2026-01-05T09:00:00+01:00');
const CONSOLE = 'https://tocsin.example/console.html';

function openedCrisis() {
  const hit = {
    kind: 'trigger' as const,
    triggerId: 'product-safety',
    triggerKind: 'crisis-vocabulary',
    brandId: 'fleurie',
    level: 'crisis',
    group: 'product-safety',
    planVersion: plan.version,
    reason: 'Negative mention by @lea on twitter uses crisis words: "brûl*"',
    evidence: { mentionKey: 'twitter:1', text: 'La crème Fleurie m’a brûlé la peau', author: '@lea' },
    atMs: T0,
  };
  const applied = applyHit(undefined, hit, plan, T0, 'a-1');
  const escalated = dueEscalation(applied.alert, planTargetResolver(plan), T0);
  return [...applied.events, ...escalated.events];
}

describe('e-mail pages in the outbox', () => {
  it('mails each person paged who has an e-mail address, with the console link', () => {
    const messages = composeOutbox(openedCrisis(), plan, { consoleUrl: CONSOLE, email: true });
    const emails = messages.filter((message) => message.channel === 'email');
    // Paged: Camille (CM on call) and both managers; all three have an address.
    expect(emails.map((message) => message.channel === 'email' && message.to).sort()).toEqual([
      'camille.martin@example.com',
      'jordan.gagnon@example.com',
      'sophie.bernard@example.com',
    ]);
    const first = emails[0];
    if (first?.channel !== 'email') throw new Error('expected an e-mail');
    expect(first.key).toMatch(/^a-1\/page-1\/email-/);
    expect(first.subject).toBe('[Tocsin] New alert · Crisis — e-reputation at stake · Fleurie Cosmetics');
    expect(first.text).toContain('Negative mention by @lea on twitter uses crisis words: "brûl*"');
    expect(first.text).toContain('@lea: La crème Fleurie m’a brûlé la peau');
    expect(first.text).toContain('1. Acknowledge, then open the crisis bridge (manager on call leads it).');
    expect(first.text).toContain(`Open it in Tocsin to acknowledge: ${CONSOLE}?alert=a-1`);
  });

  it('sends no e-mail when e-mail is not set up', () => {
    const messages = composeOutbox(openedCrisis(), plan, { consoleUrl: CONSOLE });
    expect(messages.some((message) => message.channel === 'email')).toBe(false);
  });
});
