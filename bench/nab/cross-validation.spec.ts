import { chooseOnOthers, heldOutResults, normaliseResults, type FileResult } from './cross-validation';
import { NAB_PROFILES } from './nab-scoring';

const standard = NAB_PROFILES.standard;

// Candidate 0 is good on files 0 and 1, candidate 1 only on file 2.
const RESULTS: FileResult[][] = [
  [
    { raw: 1, windows: 1 },
    { raw: 1, windows: 1 },
    { raw: -1, windows: 1 },
  ],
  [
    { raw: -1, windows: 1 },
    { raw: 0, windows: 1 },
    { raw: 1, windows: 1 },
  ],
];

describe('cross-validation', () => {
  it('normalises a set of results as NAB does (null 0, perfect 100)', () => {
    expect(normaliseResults(RESULTS[0] ?? [], standard)).toBeCloseTo(((1 - -3) / 6) * 100, 10);
  });

  it('chooses each fold on the other files only', () => {
    // Holding out file 0 leaves candidate 0 at 0 raw and candidate 1 at 1 raw.
    expect(chooseOnOthers(RESULTS, [[0], [1], [2]], standard)).toEqual([1, 0, 0]);
  });

  it('breaks a tie in favour of the earlier candidate', () => {
    const tied = [RESULTS[0] ?? [], RESULTS[0] ?? []];
    expect(chooseOnOthers(tied, [[0]], standard)).toEqual([0]);
  });

  it('keeps the first candidate unless another beats it by more than the margin', () => {
    // Without file 0, candidate 1 scores 75 and candidate 0 scores 50.
    expect(chooseOnOthers(RESULTS, [[0]], standard, 24)).toEqual([1]);
    expect(chooseOnOthers(RESULTS, [[0]], standard, 26)).toEqual([0]);
  });

  it("scores each fold's files with its own choice", () => {
    expect(heldOutResults(RESULTS, [[0], [1, 2]], [1, 0])).toEqual([
      { raw: -1, windows: 1 },
      { raw: 1, windows: 1 },
      { raw: -1, windows: 1 },
    ]);
  });
});
