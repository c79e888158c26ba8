import { formatClock, formatDuration } from './format-duration';

describe(formatClock.name, () => {
  it.each([
    [0, '0:00'],
    [42_400, '0:42'],
    [725_000, '12:05'],
    [3_729_000, '1:02:09'],
    [-42_000, '0:42'],
  ])('shows %d ms as %s', (ms, text) => {
    expect(formatClock(ms)).toBe(text);
  });
});

describe(formatDuration.name, () => {
  it.each([
    [45_000, '45 s'],
    [59_600, '1 min'],
    [15 * 60_000, '15 min'],
    [2 * 3_600_000, '2 h'],
    [90 * 60_000, '1 h 30 min'],
    [47 * 3_600_000, '47 h'],
    [72 * 3_600_000, '3 d'],
    [-15 * 60_000, '15 min'],
  ])('says %d ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
