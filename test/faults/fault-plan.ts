/**
 * The fault suite's crisis plan: three brands, crisis words page the CM at once and the
 * manager 3 s later, no repeat, so every alert makes exactly two pages, each to one person.
 */
export function faultPlanYaml(receiverUrl: string): string {
  return `
version: faults-1
organisation: Tocsin fault suite
timezone: Europe/Paris
autoResolveAfterMs: 1h
brands:
  - { id: fleurie, name: Fleurie Cosmetics, keywords: ['fleurie cosmetics'] }
  - { id: voltaway, name: Voltaway, keywords: ['voltaway'] }
  - { id: aurore, name: Aurore Bijoux, keywords: ['aurore bijoux'] }
levels:
  - id: crisis
    name: Crisis
    escalationPolicy: crisis
    playbook: { responseDeadlineMs: 15m, steps: [Acknowledge], publicResponders: { roles: [manager] } }
triggers:
  - { id: crisis-words, level: crisis, kind: crisis-vocabulary, terms: [arnaque, scandale, boycott] }
people:
  - { id: camille, name: Camille, role: cm, contacts: { webhook: '${receiverUrl}/camille' } }
  - { id: sophie, name: Sophie, role: manager, contacts: { webhook: '${receiverUrl}/sophie' } }
schedules:
  - id: cm-on-call
    name: CM on call
    layers:
      - id: all-day
        timezone: Europe/Paris
        shift: { start: '00:00', end: '00:00' }
        rotation: { members: [camille], every: 1w, startDate: '2026-01-05' }
escalation:
  crisis:
    steps:
      - { kind: notify, afterMs: 0, targets: [{ schedule: cm-on-call }] }
      - { kind: notify, afterMs: 3s, targets: [{ role: manager }] }
`;
}
