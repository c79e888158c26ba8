import type { RecordMetadata, TopicMessages } from 'kafkajs';
import { AcknowledgedSend } from './acknowledged-send';

function answer(topicName: string, partition: number, errorCode = 0): RecordMetadata {
  return { topicName, partition, errorCode, baseOffset: '0', logAppendTime: '-1', logStartOffset: '0' };
}

const sent: TopicMessages[] = [
  {
    topic: 'mentions.raw',
    messages: [
      { key: 'a', value: '1', partition: 0 },
      { key: 'b', value: '2', partition: 3 },
      { key: 'c', value: '3', partition: 3 },
    ],
  },
  { topic: 'mentions.dlq', messages: [{ key: 'd', value: '4', partition: 1 }] },
];

describe(AcknowledgedSend.name, () => {
  it('accepts a send whose every partition written to was acknowledged', () => {
    expect(() =>
      AcknowledgedSend.check(sent, [answer('mentions.raw', 0), answer('mentions.raw', 3), answer('mentions.dlq', 1)]),
    ).not.toThrow();
  });

  it('refuses a send whose answers leave out a partition, as kafkajs returns when a leader moved to a broker that had answered', () => {
    expect(() => AcknowledgedSend.check(sent, [answer('mentions.raw', 0), answer('mentions.dlq', 1)])).toThrow(
      'Kafka acknowledged no write to mentions.raw[3]',
    );
  });

  it('refuses a partition answered with an error code', () => {
    expect(() =>
      AcknowledgedSend.check(sent, [
        answer('mentions.raw', 0),
        answer('mentions.raw', 3, 6),
        answer('mentions.dlq', 1),
      ]),
    ).toThrow('mentions.raw[3]');
  });
});
