import { formatAmount, formatFollowers } from './format-amount';

describe(formatAmount.name, () => {
  it.each([
    [0.44003249247224996, '0.44'],
    [27, '27'],
    [8.2345, '8.2'],
    [619.41, '619'],
    [0, '0'],
  ])('writes %d as %s', (value, expected) => {
    expect(formatAmount(value)).toBe(expected);
  });
});

describe(formatFollowers.name, () => {
  it.each([
    [950, '950'],
    [120_000, '120k'],
    [1_250, '1.3k'],
    [2_400_000, '2.4M'],
  ])('formats %d as %s', (count, text) => {
    expect(formatFollowers(count)).toBe(text);
  });
});
