import { MAX_PUBLISH_REQUEST_BYTES, splitIntoRequests, type OutgoingRecord } from './record.publisher';

const record = (index: number, bytes: number): OutgoingRecord => ({ key: `k${index}`, value: 'x'.repeat(bytes) });

describe(splitIntoRequests.name, () => {
  it('keeps a small output in one request', () => {
    const records = [record(1, 100), record(2, 100)];
    expect(splitIntoRequests(records)).toEqual([records]);
  });

  it('cuts a large output into requests under the budget, in order, losing nothing', () => {
    const records = Array.from({ length: 3000 }, (_, index) => record(index, 1000));
    const requests = splitIntoRequests(records);
    expect(requests.length).toBeGreaterThan(5);
    for (const request of requests) {
      const bytes = request.reduce((total, item) => total + item.key.length + item.value.length, 0);
      expect(bytes).toBeLessThanOrEqual(MAX_PUBLISH_REQUEST_BYTES);
    }
    expect(requests.flat()).toEqual(records);
  });

  it('sends a record larger than the budget alone', () => {
    const records = [record(1, 10), record(2, 2000), record(3, 10)];
    expect(splitIntoRequests(records, 1000).map((request) => request.map((item) => item.key))).toEqual([
      ['k1'],
      ['k2'],
      ['k3'],
    ]);
  });

  it('returns no request for no record', () => {
    expect(splitIntoRequests([])).toEqual([]);
  });
});
