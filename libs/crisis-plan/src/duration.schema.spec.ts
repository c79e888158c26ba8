import { durationMsSchema, formatDurationMs, parseDurationMs } from './duration.schema';

describe(parseDurationMs.name, () => {
  it.each([
    ['30s', 30_000],
    ['5m', 300_000],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
    ['1w', 604_800_000],
    ['250ms', 250],
    ['1.5h', 5_400_000],
  ])('converts %s to %d ms', (text, ms) => {
    expect(parseDurationMs(text)).toBe(ms);
  });

  it.each(['', '5', 'five minutes', '5 mins', '-5m', '1y'])('rejects %j', (text) => {
    expect(parseDurationMs(text)).toBeUndefined();
  });
});

describe('durationMsSchema', () => {
  it('accepts a whole number of milliseconds', () => {
    expect(durationMsSchema.parse(1_500)).toBe(1_500);
  });

  it('rejects a negative number', () => {
    expect(durationMsSchema.safeParse(-1).success).toBe(false);
  });
});

describe(formatDurationMs.name, () => {
  it.each([
    [900_000, '15m'],
    [90_000, '90s'],
    [86_400_000, '1d'],
    [1_500, '1500ms'],
  ])('formats %d ms as %s', (ms, text) => {
    expect(formatDurationMs(ms)).toBe(text);
  });
});
