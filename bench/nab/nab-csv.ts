import { TocsinError } from '@tocsin/domain';

/** One row of a NAB-format series file. */
export interface SeriesRow {
  /** The timestamp as written, echoed unchanged in results. */
  timestamp: string;
  /** Milliseconds since the epoch, the wall-clock text read as UTC. */
  timestampMs: number;
  value: number;
  /** Present when the file has an `anomaly_score` column (detector results). */
  anomalyScore?: number;
}

/** Raised for a malformed series file; `line` is 1-based, counting the header. */
export class SeriesFormatError extends TocsinError {
  constructor(
    readonly line: number,
    reason: string,
  ) {
    super('SERIES_FORMAT', `line ${line}: ${reason}`);
  }
}

const TIMESTAMP_PATTERN = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/;

/**
 * Reads NAB's `YYYY-MM-DD HH:MM:SS[.ffffff]` as UTC.
 * @returns ms since the epoch, or undefined when the text is not such a valid instant
 */
export function parseNabTimestamp(text: string): number | undefined {
  const match = TIMESTAMP_PATTERN.exec(text.trim());
  if (!match) {
    return undefined;
  }
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const fractionMs = match[7] ? Math.floor(Number(`0.${match[7]}`) * 1000) : 0;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second, fractionMs);
  const check = new Date(ms);
  // Date.UTC rolls 2015-02-30 over to March; a calendar date that moved was not valid.
  if (check.getUTCDate() !== day || check.getUTCMonth() !== month - 1 || hour > 23 || minute > 59 || second > 59) {
    return undefined;
  }
  return ms;
}

function readNumber(text: string | undefined, column: string, line: number): number {
  const trimmed = (text ?? '').trim();
  const value = trimmed === '' ? Number.NaN : Number(trimmed);
  if (!Number.isFinite(value)) {
    throw new SeriesFormatError(line, `${column} "${trimmed}" is not a finite number`);
  }
  return value;
}

/**
 * Parses a NAB-format CSV (header `timestamp,value[,anomaly_score]`, extra columns ignored).
 * Rows are kept in the order given, even where a timestamp repeats or steps back (a duplicated
 * sample, a clock change): NAB scores rows in file order, and so do the detectors. Blank lines
 * are skipped.
 * @throws SeriesFormatError naming the line and the reason
 */
export function parseSeriesCsv(text: string): SeriesRow[] {
  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? '').split(',').map((name) => name.trim());
  const timestampColumn = header.indexOf('timestamp');
  const valueColumn = header.indexOf('value');
  const scoreColumn = header.indexOf('anomaly_score');
  if (timestampColumn < 0 || valueColumn < 0) {
    throw new SeriesFormatError(1, `header must name the columns timestamp and value, got "${lines[0] ?? ''}"`);
  }
  const rows: SeriesRow[] = [];
  for (let index = 1; index < lines.length; index += 1) {
    const lineText = lines[index] ?? '';
    if (lineText.trim() === '') {
      continue;
    }
    const line = index + 1;
    const cells = lineText.split(',');
    if (cells.length < header.length) {
      throw new SeriesFormatError(line, `expected ${header.length} columns, got ${cells.length}`);
    }
    const timestamp = (cells[timestampColumn] ?? '').trim();
    const timestampMs = parseNabTimestamp(timestamp);
    if (timestampMs === undefined) {
      throw new SeriesFormatError(line, `timestamp "${timestamp}" is not YYYY-MM-DD HH:MM:SS`);
    }
    const row: SeriesRow = { timestamp, timestampMs, value: readNumber(cells[valueColumn], 'value', line) };
    if (scoreColumn >= 0) {
      row.anomalyScore = readNumber(cells[scoreColumn], 'anomaly_score', line);
    }
    rows.push(row);
  }
  if (rows.length === 0) {
    throw new SeriesFormatError(1, 'file has a header but no data rows');
  }
  return rows;
}
