import type { Kafka, Producer } from 'kafkajs';
import { RecordPublisher } from './record.publisher';

/**
 * A stand-in for kafkajs' client, recording which producer each request went through. A real
 * single broker does not refuse sequences after a leader moves (that needs the cluster suite's
 * lost node; deleting and re-creating the topic under the producer was tried and accepted), so
 * the refusal is played here with the error kafkajs raises for it.
 */
class ScriptedKafka {
  readonly producers: Array<{ connected: boolean; disconnected: boolean; sent: string[] }> = [];
  failNextWith: Error | undefined;

  producer(): Producer {
    const state = { connected: false, disconnected: false, sent: [] as string[] };
    this.producers.push(state);
    const producer: Pick<Producer, 'connect' | 'disconnect' | 'sendBatch'> = {
      connect: () => Promise.resolve(void (state.connected = true)),
      disconnect: () => Promise.resolve(void (state.disconnected = true)),
      sendBatch: (batch) => {
        const failure = this.failNextWith;
        this.failNextWith = undefined;
        if (failure) return Promise.reject(failure);
        for (const { messages } of batch.topicMessages ?? []) state.sent.push(...messages.map((m) => String(m.value)));
        return Promise.resolve([]);
      },
    };
    return producer as Producer;
  }
}

/** kafkajs wraps the broker's refusal in its retry error: the type sits on the cause. */
function outOfOrderSequence(): Error {
  const refusal = Object.assign(new Error('The broker received an out of order sequence number'), {
    type: 'OUT_OF_ORDER_SEQUENCE_NUMBER',
  });
  return new Error('Number of retries exceeded', { cause: refusal });
}

describe(RecordPublisher.name, () => {
  it('replaces its producer after an out-of-order sequence error, and the retried call goes through the new one', async () => {
    const kafka = new ScriptedKafka();
    const sut = new RecordPublisher(kafka as unknown as Kafka);
    await sut.connect();
    await sut.publish('t', [{ key: 'k', value: 'a' }]);

    kafka.failNextWith = outOfOrderSequence();
    await expect(sut.publish('t', [{ key: 'k', value: 'b' }])).rejects.toThrow(/retries exceeded/);
    await sut.publish('t', [{ key: 'k', value: 'b' }]);

    expect(kafka.producers).toEqual([
      { connected: true, disconnected: true, sent: ['a'] },
      { connected: true, disconnected: false, sent: ['b'] },
    ]);
  });

  it('keeps its producer after any other failure', async () => {
    const kafka = new ScriptedKafka();
    const sut = new RecordPublisher(kafka as unknown as Kafka);
    await sut.connect();
    kafka.failNextWith = Object.assign(new Error('leader not available'), { type: 'LEADER_NOT_AVAILABLE' });
    await expect(sut.publish('t', [{ key: 'k', value: 'a' }])).rejects.toThrow(/leader/);
    await sut.publish('t', [{ key: 'k', value: 'a' }]);

    expect(kafka.producers).toEqual([{ connected: true, disconnected: false, sent: ['a'] }]);
  });
});
