import type { Clock } from '@tocsin/domain';
import type { TriggerHit } from '@tocsin/crisis-plan';

/** A clock the spec moves by hand. */
export interface FakeClock extends Clock {
  advance(ms: number): number;
}

export function createFakeClock(startMs: number): FakeClock {
  let nowMs = startMs;
  return {
    now: () => nowMs,
    advance: (ms) => (nowMs += ms),
  };
}

/** A hit of trigger "share" (level alert, group "buzz") for acme; fields override. */
export function hitWith(overrides: Partial<TriggerHit> = {}): TriggerHit {
  return {
    kind: 'trigger',
    triggerId: 'share',
    triggerKind: 'negative-share',
    brandId: 'acme',
    level: 'alert',
    group: 'buzz',
    planVersion: '7',
    reason: 'Negative share 60% over the last 10m (12 of 20 mentions), threshold 50%',
    evidence: { mentionKey: 'twitter:1', platform: 'twitter', text: 'acme is awful' },
    atMs: 0,
    ...overrides,
  };
}
