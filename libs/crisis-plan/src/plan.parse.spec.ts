import { applyReload, formatPlanError, parsePlan, type ActivePlan } from './plan.parse';
import { planYamlWith } from './testing/plan-fixture';

function errorsOf(yamlText: string): string[] {
  const result = parsePlan(yamlText, 'plans/acme.yaml');
  return result.ok ? [] : result.errors.map(formatPlanError);
}

describe(parsePlan.name, () => {
  it('accepts the base plan and converts durations to milliseconds', () => {
    const result = parsePlan(planYamlWith(), 'plans/acme.yaml');
    expect(result.ok && result.plan.escalation['alert']?.steps[1]?.afterMs).toBe(900_000);
  });

  it('defaults incident grouping to the brand, with no window', () => {
    const result = parsePlan(planYamlWith('incidents: {}'), 'plans/acme.yaml');
    expect(result.ok && result.plan.incidents).toEqual({ groupBy: ['brand'] });
  });

  it('records the version as a string when the YAML gives a number', () => {
    const result = parsePlan(planYamlWith(), 'plans/acme.yaml');
    expect(result.ok && result.version).toBe('7');
  });

  it.each([
    {
      name: 'a later escalation step without delay',
      snippet: `
escalation:
  watch: { steps: [{ kind: notify, afterMs: 0, targets: [{ schedule: care }] }] }
  alert: { steps: [{ kind: notify, afterMs: 0, targets: [{ schedule: care }] }] }
  crisis:
    steps:
      - { kind: notify, afterMs: 0, targets: [{ schedule: care }] }
      - { kind: notify, afterMs: 5m, targets: [{ role: manager }] }
      - { kind: notify, afterMs: 0, targets: [{ role: director }] }`,
      expected: 'plans/acme.yaml: escalation.crisis.steps[2].afterMs: must be > 0',
    },
    {
      name: 'incidents grouped without the brand',
      snippet: `incidents: { groupBy: [group] }`,
      expected: 'plans/acme.yaml: incidents.groupBy: must include "brand": an incident concerns one brand',
    },
    {
      name: 'incidents grouped by an unknown label',
      snippet: `incidents: { groupBy: [brand, platform] }`,
      expected:
        "plans/acme.yaml: incidents.groupBy[1]: Invalid enum value. Expected 'brand' | 'group' | 'trigger', received 'platform'",
    },
    {
      name: 'an unknown key',
      snippet: `organisation: Acme\norganization: Acme`,
      expected: 'plans/acme.yaml: organization: unknown key (check the spelling: plans are strict)',
    },
    {
      name: 'a duplicate brand id',
      snippet: `brands: [{ id: acme, name: A }, { id: acme, name: B }]`,
      expected: 'plans/acme.yaml: brands[1].id: brand id "acme" is not unique',
    },
    {
      name: 'a trigger on an unknown level',
      snippet: `triggers: [{ id: t, level: panic, kind: volume-spike }]`,
      expected: 'plans/acme.yaml: triggers[0].level: unknown level "panic"',
    },
    {
      name: 'a scope naming an unknown brand',
      snippet: `triggers: [{ id: t, level: alert, kind: volume-spike, scope: { brands: [initech] } }]`,
      expected: 'plans/acme.yaml: triggers[0].scope.brands[0]: unknown brand "initech"',
    },
    {
      name: 'a platform scope on a spike trigger',
      snippet: `triggers: [{ id: t, level: alert, kind: volume-spike, scope: { platforms: [twitter] } }]`,
      expected: 'plans/acme.yaml: triggers[0].scope.platforms: unknown key (check the spelling: plans are strict)',
    },
    {
      name: 'an unknown trigger kind',
      snippet: `triggers: [{ id: t, level: alert, kind: sentiment-dip }]`,
      expected: 'plans/acme.yaml: triggers[0].kind: Invalid discriminator value.',
    },
    {
      name: 'a malformed duration',
      snippet: `autoResolveAfterMs: 10 minutes`,
      expected: 'plans/acme.yaml: autoResolveAfterMs: expected a duration such as "30s"',
    },
    {
      name: 'an invalid time zone',
      snippet: `timezone: Europe/Pariss`,
      expected: 'plans/acme.yaml: timezone: unknown time zone "Europe/Pariss"',
    },
    {
      name: 'a shift time out of range',
      snippet: `
schedules:
  - id: care
    name: Care
    layers: [{ id: day, timezone: Europe/Paris, shift: { start: '24:00', end: '08:00' }, rotation: { members: [ana], every: 1d, startDate: '2026-01-05' } }]`,
      expected: 'plans/acme.yaml: schedules[0].layers[0].shift.start: expected a time of day "HH:MM"',
    },
    {
      name: 'an escalation to an unknown schedule',
      snippet: `
escalation:
  watch: { steps: [{ kind: notify, afterMs: 0, targets: [{ schedule: nights }] }] }
  alert: { steps: [{ kind: notify, afterMs: 0, targets: [{ user: zoe }] }] }
  crisis: { steps: [{ kind: notify, afterMs: 0, targets: [{ role: manager }] }] }`,
      expected: 'plans/acme.yaml: escalation.watch.steps[0].targets[0].schedule: unknown schedule "nights"',
    },
    {
      name: 'a level pointing at a missing policy',
      snippet: `escalation: { watch: { steps: [{ kind: notify, afterMs: 0, targets: [{ role: cm }] }] } }`,
      expected: 'plans/acme.yaml: levels[1].escalationPolicy: unknown escalation policy "alert"',
    },
    {
      name: 'an override ending before it starts',
      snippet: `
schedules:
  - id: care
    name: Care
    layers: [{ id: day, timezone: Europe/Paris, shift: { start: '08:00', end: '20:00' }, rotation: { members: [ana], every: 1d, startDate: '2026-01-05' } }]
    overrides: [{ user: ben, startsAt: '2026-03-02T10:00:00Z', endsAt: '2026-03-02T09:00:00Z' }]`,
      expected: 'plans/acme.yaml: schedules[0].overrides[0].endsAt: must be after startsAt',
    },
    {
      name: 'a webhook secret written in the plan',
      snippet: `
people:
  - { id: ana, name: Ana, role: cm, contacts: { webhook: 'https://pager.example.com/ana', webhookSecret: s3cr3t } }`,
      expected:
        'plans/acme.yaml: people[0].contacts.webhookSecret: expected { env: VARIABLE_NAME } or { file: /path/to/secret/file }',
    },
    {
      name: 'a webhook secret without a webhook',
      snippet: `
people:
  - { id: ana, name: Ana, role: cm, contacts: { slack: '@ana', webhookSecret: { env: ANA_SECRET } } }`,
      expected: 'plans/acme.yaml: people[0].contacts.webhookSecret: a webhookSecret needs a webhook',
    },
    {
      name: 'a missing required field',
      snippet: `organisation: null`,
      expected: 'plans/acme.yaml: organisation: Expected string, received null',
    },
  ])('reports $name with file and path', ({ snippet, expected }) => {
    expect(errorsOf(planYamlWith(snippet)).join('\n')).toContain(expected);
  });

  it('reports every broken rule rather than the first', () => {
    const errors = errorsOf(
      planYamlWith(`triggers: [{ id: t, level: panic, kind: volume-spike, scope: { brands: [x] } }]`),
    );
    expect(errors).toHaveLength(2);
  });

  it("takes a brand's own time zone and names an unknown one", () => {
    const withZone = (zone: string) =>
      planYamlWith(`
brands:
  - { id: acme, name: Acme, keywords: [acme], handles: ['@acme_care'] }
  - { id: globex, name: Globex, keywords: [globex], timezone: ${zone} }`);
    const result = parsePlan(withZone('America/New_York'), 'plans/acme.yaml');
    expect(result.ok && result.plan.brands.map((brand) => brand.timezone)).toEqual([undefined, 'America/New_York']);
    expect(errorsOf(withZone('America/Nowhere'))).toEqual([
      expect.stringContaining('plans/acme.yaml: brands[1].timezone: unknown time zone "America/Nowhere"'),
    ]);
  });

  it('gives the line of the culprit', () => {
    const result = parsePlan(planYamlWith(`timezone: Mars/Olympus`), 'plans/acme.yaml');
    expect(!result.ok && result.errors[0]?.line).toBeGreaterThan(1);
  });

  it('gives line and column of a YAML syntax error', () => {
    const result = parsePlan('version: 1\nbrands: [\n  - id: a\n', 'plans/acme.yaml');
    expect(!result.ok && result.errors[0]).toMatchObject({ path: '(document)', line: 3, column: 3 });
  });

  it('rejects an empty file', () => {
    expect(errorsOf('')).toEqual(['plans/acme.yaml: (root): the file is empty']);
  });
});

describe(applyReload.name, () => {
  const good = parsePlan(planYamlWith(), 'plans/acme.yaml');
  const current: ActivePlan | undefined = good.ok
    ? { file: good.file, plan: good.plan, version: good.version }
    : undefined;

  it('activates a valid plan', () => {
    const next = parsePlan(planYamlWith('version: 8'), 'plans/acme.yaml');
    expect(applyReload(current, next)).toMatchObject({ applied: true, active: { version: '8' } });
  });

  it('keeps the last good plan when the reload is invalid', () => {
    const next = parsePlan(planYamlWith('timezone: Nowhere/Town'), 'plans/acme.yaml');
    const outcome = applyReload(current, next);
    expect(outcome).toMatchObject({ applied: false, active: { version: '7' } });
  });

  it('says what was rejected and what stays in force', () => {
    const next = parsePlan(planYamlWith('timezone: Nowhere/Town'), 'plans/acme.yaml');
    expect(applyReload(current, next).message).toMatch(
      /reload rejected \(1 error\), keeping plan version 7 .*timezone/,
    );
  });
});
