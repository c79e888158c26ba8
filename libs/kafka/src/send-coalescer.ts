export interface OutgoingRecord {
  key: string;
  value: string | Buffer;
  headers?: Record<string, string>;
}

/**
 * Budget of one produce request. The broker refuses a record batch larger than its
 * message.max.bytes (1 MiB by default), and a backlog can make one consumer batch yield
 * megabytes of output; half the default leaves room for the protocol's own framing.
 */
export const MAX_PUBLISH_REQUEST_BYTES = 512 * 1024;
/** Per-record framing in a v2 record batch (lengths, offsets, timestamps), rounded up. */
const RECORD_FRAMING_BYTES = 64;

/** Bytes one record takes in a produce request, framing included, rounded up. */
export function estimateRecordBytes(record: OutgoingRecord): number {
  const headerBytes = Object.entries(record.headers ?? {}).reduce(
    (total, [name, value]) => total + Buffer.byteLength(name) + Buffer.byteLength(value),
    0,
  );
  return RECORD_FRAMING_BYTES + Buffer.byteLength(record.key) + Buffer.byteLength(record.value) + headerBytes;
}

/**
 * How many of `items`, from the first, fit in one produce request of `maxBytes` (at least one:
 * a record larger than the budget still goes, alone).
 */
export function requestLength<T>(items: readonly T[], bytesOf: (item: T) => number, maxBytes: number): number {
  let bytes = 0;
  let count = 0;
  for (const item of items) {
    const size = bytesOf(item);
    if (count > 0 && bytes + size > maxBytes) break;
    bytes += size;
    count += 1;
  }
  return count;
}

/** One produce request: records grouped by topic, each topic's records in the callers' order. */
export type ProduceRequest = Array<{ topic: string; records: OutgoingRecord[] }>;

/** Records grouped by topic, each topic's in the order given. */
export function toProduceRequest(entries: ReadonlyArray<{ topic: string; record: OutgoingRecord }>): ProduceRequest {
  const byTopic = new Map<string, OutgoingRecord[]>();
  for (const { topic, record } of entries) {
    const records = byTopic.get(topic);
    if (records) records.push(record);
    else byTopic.set(topic, [record]);
  }
  return [...byTopic].map(([topic, records]) => ({ topic, records }));
}

interface Caller {
  outstanding: number;
  settled: boolean;
  resolve: () => void;
  reject: (error: unknown) => void;
}

interface Entry {
  topic: string;
  record: OutgoingRecord;
  bytes: number;
  caller: Caller;
}

/**
 * Coalesces concurrent publish calls into as few produce requests as their size allows: with
 * one request in flight (an idempotent producer keeps order that way), what callers hand in
 * meanwhile waits and leaves together in the next request, so a hundred single-mention requests
 * cost one round trip, not a hundred. Nothing waits longer than the request ahead of it plus
 * `lingerMs`. Each call resolves once all its records are acknowledged and rejects if any of its
 * requests fails; its records not yet sent are then dropped, so a caller never sees a failure
 * for records that are still on their way.
 */
export class SendCoalescer {
  private queue: Entry[] = [];
  private sending = false;
  private scheduled = false;

  constructor(
    private readonly send: (request: ProduceRequest) => Promise<void>,
    private readonly options: { maxRequestBytes?: number; lingerMs?: number } = {},
  ) {}

  publish(topic: string, records: readonly OutgoingRecord[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const caller: Caller = { outstanding: records.length, settled: false, resolve, reject };
      for (const record of records) this.queue.push({ topic, record, bytes: estimateRecordBytes(record), caller });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.sending || this.scheduled) return;
    this.scheduled = true;
    const flush = (): void => {
      this.scheduled = false;
      void this.flush();
    };
    // Immediately after the current tick at least, so callers of the same tick share a request.
    if ((this.options.lingerMs ?? 0) > 0) setTimeout(flush, this.options.lingerMs);
    else setImmediate(flush);
  }

  private takeRequest(): Entry[] {
    const maxBytes = this.options.maxRequestBytes ?? MAX_PUBLISH_REQUEST_BYTES;
    return this.queue.splice(
      0,
      requestLength(this.queue, (entry) => entry.bytes, maxBytes),
    );
  }

  private async flush(): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    try {
      while (this.queue.length > 0) {
        const entries = this.takeRequest();
        try {
          await this.send(toProduceRequest(entries));
          for (const { caller } of entries) {
            caller.outstanding -= 1;
            if (caller.outstanding === 0 && !caller.settled) {
              caller.settled = true;
              caller.resolve();
            }
          }
        } catch (error) {
          const failed = new Set(entries.map((entry) => entry.caller));
          for (const caller of failed) {
            if (caller.settled) continue;
            caller.settled = true;
            caller.reject(error);
          }
          this.queue = this.queue.filter((entry) => !failed.has(entry.caller));
        }
      }
    } finally {
      this.sending = false;
    }
  }
}
