import {
  NAB_PROFILES,
  computeProbationRows,
  locateWindowRows,
  normaliseNabScore,
  scaleSigmoid,
  scoreNabCorpus,
  scoreNabFile,
} from './nab-scoring';

const standard = NAB_PROFILES.standard;

function flags(length: number, detectedRows: readonly number[]): boolean[] {
  const result = new Array<boolean>(length).fill(false);
  detectedRows.forEach((row) => {
    result[row] = true;
  });
  return result;
}

describe('scaleSigmoid', () => {
  it.each([
    [0, 0],
    [-1, 2 / (1 + Math.exp(-5)) - 1],
    [1, 2 / (1 + Math.exp(5)) - 1],
    [3.0001, -1],
  ])('maps position %p to %p', (position, expected) => {
    expect(scaleSigmoid(position)).toBeCloseTo(expected, 10);
  });
});

describe('computeProbationRows', () => {
  it.each([
    [100, 15],
    [4999, 749],
    [15902, 750],
  ])('skips the first rows of a %p-row file: %p', (rows, expected) => {
    expect(computeProbationRows(rows)).toBe(expected);
  });
});

describe('scoreNabFile', () => {
  // 200 rows: probation is 30 rows; one window of width 20 at rows 100..119.
  const windows = [{ startRow: 100, endRow: 119 }];

  it.each([
    ['misses the window', [], -1],
    ['detects at the window start', [100], 1],
    ['detects only at the window end', [119], scaleSigmoid(-1 / 20) / scaleSigmoid(-1)],
    ['ignores detections in probation', [5], -1],
    ['charges a full FP before any window', [50], -1 - 0.11],
    ['charges nothing right at the window end', [100, 119], 1],
    ['charges an FP by distance after the window', [100, 139], 1 + 0.11 * scaleSigmoid(20 / 19)],
  ])('scores the file when it %s', (_case, detected, expected) => {
    expect(scoreNabFile(flags(200, detected), windows, standard).score).toBeCloseTo(expected, 10);
  });

  it('splits the shortfall from a perfect score into misses, lateness and false positives', () => {
    const late = scoreNabFile(flags(200, [50, 110]), windows, standard);
    expect(late.shortfall.missed).toBe(0);
    expect(late.shortfall.late).toBeCloseTo(1 - scaleSigmoid(-10 / 20) / scaleSigmoid(-1), 10);
    expect(late.shortfall.falsePositives).toBeCloseTo(0.11, 10);
    expect(late.shortfall.missed + late.shortfall.late + late.shortfall.falsePositives).toBeCloseTo(1 - late.score, 10);
    expect(scoreNabFile(flags(200, []), windows, standard).shortfall).toEqual({
      missed: 2,
      late: 0,
      falsePositives: 0,
    });
  });

  it('counts only the earliest detection of a window', () => {
    const once = scoreNabFile(flags(200, [105]), windows, standard).score;
    expect(scoreNabFile(flags(200, [105, 106, 110]), windows, standard).score).toBeCloseTo(once, 12);
  });
});

describe('normaliseNabScore', () => {
  it.each([
    [-3, 0],
    [3, 100],
    [0, 50],
  ])('maps raw %p over 3 windows to %p', (raw, expected) => {
    expect(normaliseNabScore(raw, 3, standard)).toBeCloseTo(expected, 10);
  });

  it('gives 100 to a corpus detected at every window start', () => {
    const file = { name: 'a', windows: [{ startRow: 100, endRow: 119 }], anomalyScores: flags(200, [100]).map(Number) };
    expect(scoreNabCorpus([file, { ...file, name: 'b' }], 0.5, standard).normalised).toBeCloseTo(100, 10);
  });
});

describe('locateWindowRows', () => {
  it('snaps window bounds inward to existing rows', () => {
    expect(locateWindowRows([0, 10, 20, 30, 40], [[5, 35]])).toEqual([{ startRow: 1, endRow: 3 }]);
  });

  it('reads rows in file order, ignoring a repeated or backward timestamp outside the window', () => {
    expect(locateWindowRows([0, 10, 10, 5, 20, 30, 40, 30, 50], [[20, 40]])).toEqual([{ startRow: 4, endRow: 6 }]);
  });

  it('opens each window after the previous one', () => {
    expect(
      locateWindowRows(
        [0, 10, 20, 10, 20, 30],
        [
          [0, 10],
          [20, 30],
        ],
      ),
    ).toEqual([
      { startRow: 0, endRow: 1 },
      { startRow: 2, endRow: 5 },
    ]);
  });

  it('throws when a window holds no row', () => {
    expect(() => locateWindowRows([0, 10], [[3, 7]])).toThrow(/holds no row/);
  });
});
