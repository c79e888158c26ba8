import type { Source, SourceKind } from '@tocsin/sources';

export type SourceState = 'unassigned' | 'held-elsewhere' | 'connecting' | 'reading' | 'waiting' | 'backing-off';

export interface SourceCounts {
  mentions: number;
  /** Items naming none of the source's keywords. */
  filtered: number;
  /** Deletions, boosts, posts without text: items that are not mentions. */
  skipped: number;
  duplicates: number;
  /** Sent to mentions.dlq with their raw bytes. */
  malformed: number;
  /** Items dated in the future, dated now instead. */
  clampedDates: number;
  /** Sessions that failed (refused, cut, silent, rate-limited) and were tried again. */
  retries: number;
  rateLimited: number;
}

export interface SourceHealth {
  id: string;
  kind: SourceKind;
  state: SourceState;
  holder?: string;
  lastItemAt?: string;
  /** "no item for N minutes" once the source has been silent longer than its silentAfter. */
  silence?: string;
  lastError?: string;
  retryAt?: string;
  counts: SourceCounts;
}

const zeroCounts = (): SourceCounts => ({
  mentions: 0,
  filtered: 0,
  skipped: 0,
  duplicates: 0,
  malformed: 0,
  clampedDates: 0,
  retries: 0,
  rateLimited: 0,
});

/** What this collector knows of one source it reads: state, counters, last item time. */
export class SourceStatus {
  state: SourceState = 'unassigned';
  holder: string | undefined;
  lastItemAtMs: number | undefined;
  /** When reading started, so a source that never delivered is also reported silent. */
  private watchedSinceMs: number | undefined;
  lastError: string | undefined;
  retryAtMs: number | undefined;
  readonly counts = zeroCounts();

  constructor(readonly source: Source) {}

  count(counter: keyof SourceCounts, by = 1): void {
    this.counts[counter] += by;
  }

  enter(state: SourceState, nowMs: number): void {
    if ((state === 'connecting' || state === 'reading') && this.watchedSinceMs === undefined)
      this.watchedSinceMs = nowMs;
    if (state === 'unassigned' || state === 'held-elsewhere') this.watchedSinceMs = undefined;
    if (state !== 'backing-off') this.retryAtMs = undefined;
    this.state = state;
  }

  failed(error: string, retryAtMs: number): void {
    this.state = 'backing-off';
    this.lastError = error;
    this.retryAtMs = retryAtMs;
  }

  sawItem(atMs: number): void {
    this.lastItemAtMs = Math.max(this.lastItemAtMs ?? 0, atMs);
  }

  health(nowMs: number): SourceHealth {
    const silentSince = this.lastItemAtMs ?? this.watchedSinceMs;
    const silentMs = silentSince === undefined ? 0 : nowMs - silentSince;
    const mine = this.state !== 'unassigned' && this.state !== 'held-elsewhere';
    return {
      id: this.source.id,
      kind: this.source.kind,
      state: this.state,
      ...(this.holder ? { holder: this.holder } : {}),
      ...(this.lastItemAtMs === undefined ? {} : { lastItemAt: new Date(this.lastItemAtMs).toISOString() }),
      ...(mine && silentSince !== undefined && silentMs >= this.source.silentAfter
        ? { silence: `no item for ${Math.floor(silentMs / 60_000)} minutes` }
        : {}),
      ...(this.lastError ? { lastError: this.lastError } : {}),
      ...(this.retryAtMs === undefined ? {} : { retryAt: new Date(this.retryAtMs).toISOString() }),
      counts: { ...this.counts },
    };
  }
}
