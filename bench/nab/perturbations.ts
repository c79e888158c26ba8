import { mulberry32 } from '@tocsin/domain';
import type { SeriesRow } from './nab-csv';
import type { NabWindowRows } from './nab-scoring';

type Point = Pick<SeriesRow, 'timestampMs' | 'value'>;

/** A row of a perturbed series and the span of original rows it stands for. */
export interface PerturbedRow extends Point {
  fromRow: number;
  toRow: number;
}

/**
 * One way real input differs from the corpus as published: a clock set elsewhere, a source
 * that repeats, reorders or drops samples, a coarser interval. Each keeps the labels meaningful:
 * the anomaly is still in the data, at the rows that hold its original rows.
 */
export interface Perturbation {
  label: string;
  apply(rows: readonly Point[], random: () => number): PerturbedRow[];
}

const HOUR_MS = 3_600_000;

function identity(rows: readonly Point[]): PerturbedRow[] {
  return rows.map((row, index) => ({ timestampMs: row.timestampMs, value: row.value, fromRow: index, toRow: index }));
}

/** Every timestamp moved by `shiftMs`: the same series seen from another clock or time zone. */
export function shiftClock(shiftMs: number): Perturbation {
  return {
    label: `clock shifted by ${shiftMs / 60_000} min`,
    apply: (rows) => identity(rows).map((row) => ({ ...row, timestampMs: row.timestampMs + shiftMs })),
  };
}

/** A share of rows delivered twice in a row (a source's retry): repeated timestamps. */
export function repeatRows(share: number): Perturbation {
  return {
    label: `${share * 100} % of rows repeated`,
    apply: (rows, random) => identity(rows).flatMap((row) => (random() < share ? [row, { ...row }] : [row])),
  };
}

/** A share of rows swapped with the next one (a late sample): backward timestamps. */
export function swapNeighbours(share: number): Perturbation {
  return {
    label: `${share * 100} % of rows swapped with the next`,
    apply: (rows, random) => {
      const result = identity(rows);
      for (let index = 1; index < result.length; index += 1) {
        const previous = result[index - 1];
        const current = result[index];
        if (previous && current && random() < share) {
          result[index - 1] = current;
          result[index] = previous;
          // A row moves at most once.
          index += 1;
        }
      }
      return result;
    },
  };
}

/** A share of rows lost (a source's gaps). */
export function dropRows(share: number): Perturbation {
  return {
    label: `${share * 100} % of rows dropped`,
    apply: (rows, random) => identity(rows).filter(() => random() >= share),
  };
}

/**
 * Every `size` consecutive rows merged into one at the first's time: a coarser interval. Counts
 * (every value a non-negative integer) add up, as a longer interval counts more; other readings
 * are averaged. A last incomplete group is left out.
 */
export function aggregateRows(size: number): Perturbation {
  return {
    label: `${size} rows merged into one`,
    apply: (rows) => {
      const counts = rows.every((row) => Number.isInteger(row.value) && row.value >= 0);
      const result: PerturbedRow[] = [];
      for (let start = 0; start + size <= rows.length; start += size) {
        let sum = 0;
        for (let index = start; index < start + size; index += 1) {
          sum += rows[index]?.value ?? 0;
        }
        result.push({
          timestampMs: rows[start]?.timestampMs ?? 0,
          value: counts ? sum : sum / size,
          fromRow: start,
          toRow: start + size - 1,
        });
      }
      return result;
    },
  };
}

/** What `npm run -s bench:nab -- --corpus --robustness` applies to every file. */
export const CORPUS_PERTURBATIONS: readonly Perturbation[] = [
  shiftClock(HOUR_MS),
  shiftClock(HOUR_MS / 4),
  shiftClock(HOUR_MS / 2),
  shiftClock((3 * HOUR_MS) / 4),
  repeatRows(0.05),
  swapNeighbours(0.05),
  dropRows(0.1),
  aggregateRows(2),
  aggregateRows(3),
];

/**
 * The windows on the perturbed rows: each spans the rows that hold any of its original rows.
 * A window none of whose rows is left is dropped.
 */
export function remapWindows(windows: readonly NabWindowRows[], rows: readonly PerturbedRow[]): NabWindowRows[] {
  return windows.flatMap((window) => {
    let startRow = -1;
    let endRow = -1;
    rows.forEach((row, index) => {
      if (row.toRow >= window.startRow && row.fromRow <= window.endRow) {
        startRow = startRow < 0 ? index : startRow;
        endRow = index;
      }
    });
    return startRow < 0 ? [] : [{ startRow, endRow }];
  });
}

/** A perturbation applied to one file, reproducibly: the file's own seed. */
export function perturbFile(
  perturbation: Perturbation,
  rows: readonly Point[],
  windows: readonly NabWindowRows[],
  seed: number,
): { rows: PerturbedRow[]; windows: NabWindowRows[] } {
  const perturbed = perturbation.apply(rows, mulberry32(seed));
  return { rows: perturbed, windows: remapWindows(windows, perturbed) };
}
