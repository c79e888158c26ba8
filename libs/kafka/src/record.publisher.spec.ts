import type { Admin, Kafka, Producer, RecordMetadata } from 'kafkajs';
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
  /** The next send resolves with no answer for its partitions, as kafkajs does after a leader moved. */
  dropNextAnswers = false;

  admin(): Admin {
    const admin: Pick<Admin, 'connect' | 'disconnect' | 'fetchTopicMetadata'> = {
      connect: () => Promise.resolve(),
      disconnect: () => Promise.resolve(),
      fetchTopicMetadata: () =>
        Promise.resolve({
          topics: [
            { name: 't', partitions: [{ partitionId: 0, leader: 1, partitionErrorCode: 0, replicas: [1], isr: [1] }] },
          ],
        }),
    };
    return admin as Admin;
  }

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
        const answers: RecordMetadata[] = [];
        for (const { topic, messages } of batch.topicMessages ?? []) {
          state.sent.push(...messages.map((m) => String(m.value)));
          for (const partition of new Set(messages.map((m) => m.partition ?? 0))) {
            answers.push({ topicName: topic, partition, errorCode: 0, baseOffset: '0' });
          }
        }
        const dropped = this.dropNextAnswers;
        this.dropNextAnswers = false;
        return Promise.resolve(dropped ? [] : answers);
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

  it('fails a send that Kafka resolved without acknowledging a partition it wrote to, so the caller sends it again', async () => {
    const kafka = new ScriptedKafka();
    const sut = new RecordPublisher(kafka as unknown as Kafka);
    await sut.connect();
    kafka.dropNextAnswers = true;
    await expect(sut.publish('t', [{ key: 'k', value: 'a' }])).rejects.toThrow('Kafka acknowledged no write to t[0]');
    await sut.publish('t', [{ key: 'k', value: 'a' }]);

    expect(kafka.producers).toEqual([{ connected: true, disconnected: false, sent: ['a', 'a'] }]);
  });
});
