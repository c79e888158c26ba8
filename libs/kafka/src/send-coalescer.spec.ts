import { SendCoalescer, type OutgoingRecord, type ProduceRequest } from './send-coalescer';

const record = (key: string, bytes = 10): OutgoingRecord => ({ key, value: 'x'.repeat(bytes) });

/** A send that records each request and resolves when told to, like a broker's ack. */
class Broker {
  readonly requests: ProduceRequest[] = [];
  private acks: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];

  readonly send = (request: ProduceRequest): Promise<void> => {
    this.requests.push(request);
    return new Promise((resolve, reject) => this.acks.push({ resolve, reject }));
  };

  async ack(): Promise<void> {
    await this.waitForRequest();
    this.acks.shift()?.resolve();
  }

  async fail(message: string): Promise<void> {
    await this.waitForRequest();
    this.acks.shift()?.reject(new Error(message));
  }

  private async waitForRequest(): Promise<void> {
    for (let turn = 0; turn < 20 && this.acks.length === 0; turn += 1) await new Promise(setImmediate);
  }
}

const keysOf = (request: ProduceRequest | undefined): string[][] =>
  (request ?? []).map((part) => [part.topic, ...part.records.map((item) => item.key)]);

describe(SendCoalescer.name, () => {
  it('sends the calls of one tick in one request, grouped by topic in call order', async () => {
    const broker = new Broker();
    const sut = new SendCoalescer(broker.send);
    const calls = [
      sut.publish('raw', [record('a')]),
      sut.publish('dlq', [record('b')]),
      sut.publish('raw', [record('c')]),
    ];
    await broker.ack();
    await Promise.all(calls);
    expect(broker.requests.map(keysOf)).toEqual([
      [
        ['raw', 'a', 'c'],
        ['dlq', 'b'],
      ],
    ]);
  });

  it('gathers what arrives while a request is in flight into the next one', async () => {
    const broker = new Broker();
    const sut = new SendCoalescer(broker.send);
    const first = sut.publish('raw', [record('a')]);
    await new Promise(setImmediate);
    const later = [sut.publish('raw', [record('b')]), sut.publish('raw', [record('c')])];
    await broker.ack();
    await first;
    await broker.ack();
    await Promise.all(later);
    expect(broker.requests.map(keysOf)).toEqual([[['raw', 'a']], [['raw', 'b', 'c']]]);
  });

  it('cuts requests at the byte budget, in order, a record larger than it travelling alone', async () => {
    const broker = new Broker();
    const sut = new SendCoalescer(broker.send, { maxRequestBytes: 200 });
    const done = sut.publish('raw', [record('a'), record('b', 500), record('c'), record('d')]);
    for (let i = 0; i < 3; i += 1) await broker.ack();
    await done;
    expect(broker.requests.map(keysOf)).toEqual([[['raw', 'a']], [['raw', 'b']], [['raw', 'c', 'd']]]);
  });

  it('resolves a call only once every one of its records is acknowledged', async () => {
    const broker = new Broker();
    const sut = new SendCoalescer(broker.send, { maxRequestBytes: 100 });
    let resolved = false;
    const done = sut.publish('raw', [record('a'), record('b')]).then(() => (resolved = true));
    await broker.ack();
    await new Promise(setImmediate);
    expect(resolved).toBe(false);
    await broker.ack();
    await done;
    expect(resolved).toBe(true);
  });

  it('rejects the calls of a failed request, drops their unsent records and keeps serving others', async () => {
    const broker = new Broker();
    const sut = new SendCoalescer(broker.send, { maxRequestBytes: 100 });
    const failing = sut.publish('raw', [record('a'), record('b')]);
    const failed = expect(failing).rejects.toThrow('broker down');
    await broker.fail('broker down');
    await failed;
    const next = sut.publish('raw', [record('c')]);
    await broker.ack();
    await next;
    expect(broker.requests.map(keysOf)).toEqual([[['raw', 'a']], [['raw', 'c']]]);
  });

  it('resolves a call of no record without a request', async () => {
    const broker = new Broker();
    await new SendCoalescer(broker.send).publish('raw', []);
    expect(broker.requests).toEqual([]);
  });
});
