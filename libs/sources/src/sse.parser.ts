/** One server-sent event, as the WHATWG event-stream format defines it. */
export interface SseEvent {
  /** "message" when the server named none. */
  event: string;
  data: string;
  id?: string;
}

/**
 * Incremental text/event-stream parser: feed it chunks as they arrive, get whole events back.
 * Lines end in CRLF, LF or CR; `:` lines are comments (heartbeats); a blank line dispatches.
 */
export class SseParser {
  private pending = '';
  private eventName = '';
  private dataLines: string[] = [];
  private lastId: string | undefined;

  push(chunk: string): SseEvent[] {
    this.pending += chunk;
    const events: SseEvent[] = [];
    for (;;) {
      const match = /\r\n|\n|\r/.exec(this.pending);
      // A lone CR at the end may be the first half of a CRLF still in transit.
      if (!match || (match[0] === '\r' && match.index === this.pending.length - 1)) break;
      const line = this.pending.slice(0, match.index);
      this.pending = this.pending.slice(match.index + match[0].length);
      const event = this.readLine(line);
      if (event) events.push(event);
    }
    return events;
  }

  private readLine(line: string): SseEvent | undefined {
    if (line === '') {
      if (this.dataLines.length === 0) {
        this.eventName = '';
        return undefined;
      }
      const event: SseEvent = {
        event: this.eventName || 'message',
        data: this.dataLines.join('\n'),
        ...(this.lastId === undefined ? {} : { id: this.lastId }),
      };
      this.eventName = '';
      this.dataLines = [];
      return event;
    }
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.eventName = value;
    else if (field === 'data') this.dataLines.push(value);
    else if (field === 'id' && !value.includes('\0')) this.lastId = value;
    return undefined;
  }
}
