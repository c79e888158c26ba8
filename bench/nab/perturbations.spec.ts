import {
  CORPUS_PERTURBATIONS,
  aggregateRows,
  dropRows,
  perturbFile,
  remapWindows,
  repeatRows,
  shiftClock,
  swapNeighbours,
} from './perturbations';

const MINUTE_MS = 60_000;
const rows = Array.from({ length: 12 }, (_, index) => ({ timestampMs: index * 5 * MINUTE_MS, value: index + 1 }));
const windows = [
  { startRow: 2, endRow: 4 },
  { startRow: 8, endRow: 9 },
];

describe('input perturbations', () => {
  it('shifts every timestamp and keeps values and windows', () => {
    const shifted = perturbFile(shiftClock(30 * MINUTE_MS), rows, windows, 1);
    expect(shifted.rows.map((row) => row.timestampMs - 30 * MINUTE_MS)).toEqual(rows.map((row) => row.timestampMs));
    expect(shifted.rows.map((row) => row.value)).toEqual(rows.map((row) => row.value));
    expect(shifted.windows).toEqual(windows);
  });

  it('repeats rows with their timestamps, and a window grows by its repeated rows', () => {
    const repeated = perturbFile(repeatRows(0.5), rows, windows, 3);
    expect(repeated.rows.length).toBeGreaterThan(rows.length);
    const repeats = repeated.rows.filter(
      (row, index) => index > 0 && repeated.rows[index - 1]?.fromRow === row.fromRow,
    );
    expect(repeats.length).toBe(repeated.rows.length - rows.length);
    const firstWindow = repeated.rows.slice(repeated.windows[0]?.startRow, (repeated.windows[0]?.endRow ?? 0) + 1);
    expect(firstWindow.map((row) => row.fromRow).filter((row, index, all) => all.indexOf(row) === index)).toEqual([
      2, 3, 4,
    ]);
  });

  it('swaps neighbours so that some timestamps step back, and moves each row at most once', () => {
    const swapped = perturbFile(swapNeighbours(0.5), rows, windows, 5).rows;
    const steppedBack = swapped.filter(
      (row, index) => index > 0 && row.timestampMs < (swapped[index - 1]?.timestampMs ?? 0),
    );
    expect(steppedBack.length).toBeGreaterThan(0);
    expect(swapped.map((row) => row.fromRow).sort((a, b) => a - b)).toEqual(rows.map((_, index) => index));
    swapped.forEach((row, index) => expect(Math.abs(row.fromRow - index)).toBeLessThanOrEqual(1));
  });

  it('drops rows, and a window keeps the rows left of it', () => {
    const dropped = perturbFile(dropRows(0.4), rows, windows, 7);
    expect(dropped.rows.length).toBeLessThan(rows.length);
    for (const window of dropped.windows) {
      const held = dropped.rows.slice(window.startRow, window.endRow + 1);
      expect(
        held.every((row) => (row.fromRow >= 2 && row.fromRow <= 4) || (row.fromRow >= 8 && row.fromRow <= 9)),
      ).toBe(true);
    }
  });

  it('adds counts and averages readings when merging rows, and maps windows to the merged rows', () => {
    const counts = perturbFile(aggregateRows(3), rows, windows, 1);
    expect(counts.rows.map((row) => row.value)).toEqual([6, 15, 24, 33]);
    expect(counts.rows.map((row) => row.timestampMs)).toEqual([0, 15, 30, 45].map((minutes) => minutes * MINUTE_MS));
    expect(counts.windows).toEqual([
      { startRow: 0, endRow: 1 },
      { startRow: 2, endRow: 3 },
    ]);
    const readings = aggregateRows(2).apply(
      rows.map((row) => ({ ...row, value: row.value + 0.5 })),
      Math.random,
    );
    expect(readings.map((row) => row.value)).toEqual([2, 4, 6, 8, 10, 12]);
  });

  it('drops a window none of whose rows is left', () => {
    const rowsLeft = [{ timestampMs: 0, value: 1, fromRow: 0, toRow: 0 }];
    expect(remapWindows(windows, rowsLeft)).toEqual([]);
  });

  it('is reproducible from the seed, and the corpus list labels each perturbation apart', () => {
    for (const perturbation of CORPUS_PERTURBATIONS) {
      expect(perturbFile(perturbation, rows, windows, 11)).toEqual(perturbFile(perturbation, rows, windows, 11));
    }
    const labels = CORPUS_PERTURBATIONS.map((perturbation) => perturbation.label);
    expect(new Set(labels).size).toBe(labels.length);
  });
});
