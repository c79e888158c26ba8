import { backoffDelayMs, parseRetryAfterMs } from './backoff';

describe(backoffDelayMs.name, () => {
  const policy = { baseMs: 500, maxMs: 8_000 };

  it.each([
    [1, 0, 250],
    [1, 0.999, 500],
    [3, 0, 1_000],
    [10, 0, 4_000],
    [10, 0.5, 6_000],
  ])('retry %d with jitter %d waits %d ms', (attempt, random, expected) => {
    expect(backoffDelayMs(attempt, policy, random)).toBe(expected);
  });
});

describe(parseRetryAfterMs.name, () => {
  const now = Date.parse('2024-09-09T20:00:00Z');
  it.each([
    ['120', 120_000],
    ['Mon, 09 Sep 2024 20:00:30 GMT', 30_000],
    ['Mon, 09 Sep 2024 19:00:00 GMT', 0],
    ['soon', undefined],
    [null, undefined],
  ])('reads %s as %s ms', (header, expected) => {
    expect(parseRetryAfterMs(header, now)).toBe(expected);
  });
});
