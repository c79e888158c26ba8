import type { EnrichedMention, SpikeSignal } from '@tocsin/domain';
import { parse, stringify } from 'yaml';
import { formatPlanError, parsePlan } from '../plan.parse';
import type { CrisisPlan } from '../plan.schema';

/** A small valid plan; specs replace whole top-level sections with inline YAML snippets. */
export const BASE_PLAN_YAML = `
version: 7
organisation: Acme Social Care
timezone: Europe/Paris
autoResolveAfterMs: 1h
brands:
  - { id: acme, name: Acme, keywords: [acme], handles: ['@acme_care'] }
  - { id: globex, name: Globex, keywords: [globex] }
levels:
  - id: watch
    name: Watch
    escalationPolicy: watch
    playbook: { responseDeadlineMs: 2h, steps: [Read it], publicResponders: { roles: [cm] } }
  - id: alert
    name: Alert
    escalationPolicy: alert
    autoResolveAfterMs: 30m
    playbook: { responseDeadlineMs: 30m, steps: [Answer], publicResponders: { roles: [cm, manager] } }
  - id: crisis
    name: Crisis
    escalationPolicy: crisis
    playbook: { responseDeadlineMs: 15m, steps: [Call the director], publicResponders: { users: [dora] } }
triggers: []
people:
  - { id: ana, name: Ana, role: cm, contacts: { slack: '@ana' } }
  - { id: ben, name: Ben, role: cm, contacts: { slack: '@ben' } }
  - { id: carl, name: Carl, role: manager, contacts: { email: carl@example.com } }
  - { id: dora, name: Dora, role: director, contacts: { email: dora@example.com } }
schedules:
  - id: care
    name: Care
    layers:
      - id: day
        timezone: Europe/Paris
        shift: { start: '08:00', end: '20:00' }
        rotation: { members: [ana, ben], every: 1w, startDate: '2026-01-05' }
escalation:
  watch:
    steps: [{ kind: notify, afterMs: 0, targets: [{ schedule: care }] }]
  alert:
    steps:
      - { kind: notify, afterMs: 0, targets: [{ schedule: care }] }
      - { kind: notify, afterMs: 15m, targets: [{ role: manager }] }
      - { kind: notify, afterMs: 30m, targets: [{ user: dora }] }
    repeat: { everyMs: 10m, maxTimes: 2 }
  crisis:
    steps:
      - { kind: notify, afterMs: 0, targets: [{ schedule: care }, { role: manager }] }
      - { kind: notify, afterMs: 10m, targets: [{ role: director }] }
`;

/** The base plan text with the top-level sections of `snippet` replaced. */
export function planYamlWith(snippet = ''): string {
  const base = parse(BASE_PLAN_YAML) as Record<string, unknown>;
  const overrides = (parse(snippet) ?? {}) as Record<string, unknown>;
  return stringify({ ...base, ...overrides });
}

/** A parsed plan from the base plus `snippet`; throws with every error when it is invalid. */
export function planWith(snippet = ''): CrisisPlan {
  const result = parsePlan(planYamlWith(snippet), 'test.yaml');
  if (!result.ok) throw new Error(result.errors.map(formatPlanError).join('\n'));
  return result.plan;
}

/** An enriched mention about acme, negative by default; fields override. */
export function mentionWith(
  overrides: Partial<EnrichedMention> & { followers?: number; verified?: boolean } = {},
): EnrichedMention {
  const { followers, verified, ...rest } = overrides;
  return {
    id: '1',
    key: 'twitter:1',
    platform: 'twitter',
    text: 'acme is awful',
    createdAt: '2026-03-02T10:00:00Z',
    author: {
      id: 'u1',
      handle: 'jane',
      ...(followers === undefined ? {} : { followers }),
      ...(verified === undefined ? {} : { verified }),
    },
    lang: 'en',
    brandIds: ['acme'],
    sentiment: { lang: 'en', label: 'negative', score: -0.8, confidence: 0.9, cues: ['awful'] },
    enrichedAt: '2026-03-02T10:00:01Z',
    ...rest,
  };
}

/** A spike verdict for acme; fields override. */
export function signalWith(overrides: Partial<SpikeSignal> = {}): SpikeSignal {
  return {
    kind: 'spike',
    brandId: 'acme',
    metric: 'negativeVolume',
    intervalStart: '2026-03-02T10:00:00Z',
    intervalEnd: '2026-03-02T10:05:00Z',
    observed: 42,
    expected: 8,
    lower: 2,
    upper: 14,
    score: 0.9,
    alert: true,
    explanation: 'negative volume far above the usual level',
    ...overrides,
  };
}
