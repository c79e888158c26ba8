import { futureEventTimeReason } from './event-time';

const NOW_MS = Date.parse('2026-12-02T03:00:00Z');
const FIVE_MINUTES_MS = 300_000;

describe(futureEventTimeReason.name, () => {
  it.each([
    ['the past', '2020-01-01T00:00:00Z'],
    ['now', '2026-12-02T03:00:00Z'],
    ['exactly the allowance ahead', '2026-12-02T03:05:00Z'],
  ])('believes an event time in %s', (_, createdAt) => {
    expect(futureEventTimeReason(createdAt, NOW_MS, FIVE_MINUTES_MS)).toBeUndefined();
  });

  it.each([
    ['2026-12-02T03:05:01Z', '5 minutes'],
    ['2026-12-04T03:00:00Z', '2 days'],
    ['9999-12-31T23:59:59Z', '2912107 days'],
  ])('refuses %s, saying how far ahead and the allowance', (createdAt, ahead) => {
    expect(futureEventTimeReason(createdAt, NOW_MS, FIVE_MINUTES_MS)).toBe(
      `createdAt ${createdAt} is ${ahead} ahead of the clock (2026-12-02T03:00:00.000Z); ` +
        'at most MAX_CLOCK_SKEW_MS = 300000 ms is allowed',
    );
  });
});
