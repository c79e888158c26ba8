import type { OutgoingRecord, RecordPublisher } from '@tocsin/kafka';

/**
 * Several idempotent producers taken in turn. One producer keeps one produce request in flight
 * (that is how it keeps order), so one-mention requests wait for the request ahead of them;
 * with a few producers, a few produce requests are on their way at once. The records of one
 * call go through one producer, in order; separate HTTP requests never had an order between them.
 */
export class PublisherPool {
  private next = 0;

  constructor(private readonly publishers: readonly RecordPublisher[]) {
    if (publishers.length === 0) throw new Error('a publisher pool needs at least one publisher');
  }

  publish(topic: string, records: readonly OutgoingRecord[]): Promise<void> {
    const publisher = this.publishers[this.next % this.publishers.length] as RecordPublisher;
    this.next = (this.next + 1) % this.publishers.length;
    return publisher.publish(topic, records);
  }

  async connect(): Promise<void> {
    await Promise.all(this.publishers.map((publisher) => publisher.connect()));
  }

  async disconnect(): Promise<void> {
    await Promise.all(this.publishers.map((publisher) => publisher.disconnect()));
  }
}
