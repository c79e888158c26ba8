import type { INestApplication } from '@nestjs/common';
import { TOPICS, type Mention } from '@tocsin/domain';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { loadIngestConfig } from '../../apps/ingest/src/config';
import { createIngestApp } from '../../apps/ingest/src/ingest.app';
import { aMention } from '../support/mention-fixtures';
import { readWholeTopic, TestRun } from '../support/test-infra';
import { createIngestKey } from '../support/tocsin-apps';

const MAX_BODY_BYTES = 4_000;

describe('ingest bodies: what POST /v1/mentions reads and how it answers', () => {
  const run = new TestRun();
  // Three producers: the mentions of one test go through several, and all must land.
  const env = run.env({ INGEST_MAX_BODY_BYTES: String(MAX_BODY_BYTES), INGEST_PRODUCERS: '3' });
  let ingest: INestApplication;
  let port = 0;
  let authorization = '';
  const accepted: Mention[] = [];

  /** A raw request, so headers such as content-encoding and a lying content-length can be sent. */
  function post(
    body: Buffer | string,
    headers: Record<string, string>,
    method = 'POST',
  ): Promise<{ status: number; type: string; body: unknown }> {
    return new Promise((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port, path: '/v1/mentions', method, headers: { authorization, ...headers } },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            const text = Buffer.concat(chunks).toString();
            const type = response.headers['content-type'] ?? '';
            resolve({ status: response.statusCode ?? 0, type, body: type.includes('json') ? JSON.parse(text) : text });
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  beforeAll(async () => {
    await run.createTopics();
    authorization = `Bearer ${await createIngestKey(env)}`;
    ingest = await createIngestApp(loadIngestConfig(env));
    await ingest.listen(0, '127.0.0.1');
    port = (ingest.getHttpServer().address() as AddressInfo).port;
  });

  afterAll(async () => {
    await ingest?.close();
    await run.cleanUp();
  });

  it('accepts one mention as a JSON object and answers 202 in JSON', async () => {
    const mention = aMention();
    accepted.push(mention);
    expect(await post(JSON.stringify(mention), { 'content-type': 'application/json' })).toEqual({
      status: 202,
      type: 'application/json; charset=utf-8',
      body: { accepted: 1, rejected: 0, errors: [] },
    });
  });

  it('reads a gzip-compressed body and one in another charset', async () => {
    const [zipped, latin] = [aMention(), aMention({ text: 'Crème brûlée chez Fleurie' })];
    accepted.push(zipped, latin);
    const gzip = await post(gzipSync(JSON.stringify([zipped])), {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    });
    const iso = await post(Buffer.from(JSON.stringify(latin), 'latin1'), {
      'content-type': 'application/json; charset=iso-8859-1',
    });
    expect([gzip, iso].map(({ status, body }) => ({ status, body }))).toEqual([
      { status: 202, body: { accepted: 1, rejected: 0, errors: [] } },
      { status: 202, body: { accepted: 1, rejected: 0, errors: [] } },
    ]);
  });

  it('answers 413 to a body over the limit, declared or not', async () => {
    const big = JSON.stringify(Array.from({ length: 40 }, () => aMention()));
    const declared = await post(big, { 'content-type': 'application/json' });
    expect(declared).toMatchObject({
      status: 413,
      body: { statusCode: 413, message: `request body larger than ${MAX_BODY_BYTES} bytes` },
    });
    const chunked = await post(big, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    expect(chunked.status).toBe(413);
  });

  it.each([
    ['text/plain', '{}', 415, /Content-Type must be application\/json or application\/x-ndjson, got "text\/plain"/],
    ['application/json', '{"id": ', 400, /body is not valid JSON/],
    ['application/json', '   ', 400, /request body is empty/],
  ])('answers %s %j with %i and the reason', async (type, body, status, message) => {
    const answer = await post(body, { 'content-type': type });
    expect(answer).toMatchObject({ status, body: { statusCode: status, message: expect.stringMatching(message) } });
  });

  it('answers 404 to anything but a POST', async () => {
    expect((await post('', {}, 'GET')).status).toBe(404);
  });

  it('put exactly the accepted mentions in mentions.raw', async () => {
    const records = await readWholeTopic(run, run.topic(TOPICS.mentionsRaw), 5_000);
    const ids = records.map((record) => (JSON.parse(String(record.value)) as Mention).id);
    expect(ids.sort()).toEqual(accepted.map((mention) => mention.id).sort());
    const latin = records.find((record) => String(record.value).includes('brûlée'));
    expect(latin).toBeDefined();
  });
});
