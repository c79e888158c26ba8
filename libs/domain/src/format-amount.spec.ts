import { formatAmount } from './format-amount';

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
