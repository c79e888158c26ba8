import type { INestApplication } from '@nestjs/common';
import { TOPICS, ingestKeyId, type Mention } from '@tocsin/domain';
import { execFile } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { loadIngestConfig } from '../../apps/ingest/src/config';
import { createIngestApp } from '../../apps/ingest/src/ingest.app';
import { aMention } from '../support/mention-fixtures';
import { readWholeTopic, TestRun } from '../support/test-infra';
import { createIngestKey } from '../support/tocsin-apps';
import { waitUntil } from '../support/wait-for';

const ROOT = resolve(__dirname, '../..');
const KEY_CACHE_MS = 300;

describe('ingest keys: only a valid key gets mentions into Kafka', () => {
  const run = new TestRun();
  const env = run.env({ INGEST_KEY_CACHE_MS: String(KEY_CACHE_MS) });
  let ingest: INestApplication;
  let url = '';
  const accepted: Mention[] = [];
  const refused: Mention[] = [];

  async function post(mentions: Mention[], authorization?: string) {
    const response = await fetch(`${url}/v1/mentions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
      body: JSON.stringify(mentions),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  /** The operator's command, as a person runs it. */
  async function keysCli(...args: string[]): Promise<string> {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'scripts/ingest-keys.ts', ...args],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH, ...env },
      },
    );
    return stdout;
  }

  beforeAll(async () => {
    await run.createTopics();
    ingest = await createIngestApp(loadIngestConfig(env));
    await ingest.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(ingest.getHttpServer().address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await ingest?.close();
    await run.cleanUp();
  });

  it('answers 401 with a JSON reason without a key or with a wrong one', async () => {
    const key = await createIngestKey(env);
    const cases: Array<[string | undefined, string, RegExp]> = [
      [undefined, 'missing_key', /missing "Authorization: Bearer <ingest key>" header/],
      [`Basic ${Buffer.from('user:pw').toString('base64')}`, 'invalid_key', /not "Bearer tsk_<id>_<secret>"/],
      [`Bearer ${key.slice(0, -3)}abc`, 'invalid_key', new RegExp(`ingest key ${ingestKeyId(key)} is not a key`)],
    ];
    for (const [authorization, error, message] of cases) {
      const mention = aMention();
      refused.push(mention);
      const answer = await post([mention], authorization);
      expect(answer).toEqual({
        status: 401,
        body: { statusCode: 401, error, message: expect.stringMatching(message) },
      });
    }
  });

  it('accepts a valid key, and refuses it once revoked with the operator command', async () => {
    const key = await createIngestKey(env, 'partner');
    const before = aMention();
    expect(await post([before], `Bearer ${key}`)).toMatchObject({ status: 202, body: { accepted: 1 } });
    accepted.push(before);

    const listed = await keysCli('list');
    expect(listed).toMatch(new RegExp(`^${ingestKeyId(key)}  partner  all brands  created \\S+  active$`, 'm'));
    await keysCli('revoke', ingestKeyId(key) ?? '');
    const revokedAt = Date.now();
    // Within the cache period a revoked key may still pass; after it, never.
    const after = aMention();
    refused.push(after);
    const answer = await waitUntil(
      'the revoked key to be refused',
      async () => {
        const attempt = await post([after], `Bearer ${key}`);
        return attempt.status === 401 ? attempt : undefined;
      },
      5_000,
    );
    expect(Date.now() - revokedAt).toBeLessThan(KEY_CACHE_MS + 1_000);
    expect(answer.body).toEqual({
      statusCode: 401,
      error: 'revoked_key',
      message: expect.stringMatching(
        new RegExp(`ingest key ${ingestKeyId(key)} \\(source "partner"\\) was revoked at `),
      ),
    });
  });

  it('refuses, item by item, mentions of a brand the key is not for', async () => {
    const key = await createIngestKey(env, 'fleurie-reviews', ['fleurie']);
    const ours = aMention({ text: 'Fleurie Cosmetics, une crème parfaite' });
    const theirs = aMention({ text: 'Voltaway scooter broke down again' });
    refused.push(theirs);
    const answer = await post([ours, theirs], `Bearer ${key}`);
    expect(answer).toEqual({
      status: 202,
      body: {
        accepted: 1,
        rejected: 1,
        errors: [
          {
            index: 1,
            field: 'brandIds',
            message: `ingest key ${ingestKeyId(key)} may post about fleurie only; this mention is about voltaway`,
          },
        ],
      },
    });
    accepted.push(ours);
  });

  it('let nothing refused reach Kafka', async () => {
    const records = await readWholeTopic(run, run.topic(TOPICS.mentionsRaw), 20_000);
    const ids = records.map((record) => (JSON.parse(record.value?.toString() ?? '{}') as Mention).id).sort();
    expect(ids).toEqual(accepted.map((mention) => mention.id).sort());
    expect(refused).toHaveLength(5);
  });
});
