import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pinoHttp } from 'pino-http';
import { REDACTED_LOG_PATHS } from './json-logging';

describe('REDACTED_LOG_PATHS', () => {
  it('censors the authorization and cookie headers of a logged request', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    // As the apps configure pino-http, but logging every request so there is one to read.
    const logger = pinoHttp({ redact: { paths: REDACTED_LOG_PATHS, censor: '***' } }, sink);
    const server = createServer((request, response) => {
      logger(request, response);
      response.end('ok');
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const { port } = server.address() as AddressInfo;
    await fetch(`http://127.0.0.1:${port}/v1/mentions`, {
      headers: { authorization: 'Bearer tsk_0123456789ab_sampleSecretValue', cookie: 'sid=sampleSession' },
    });
    await new Promise((done) => server.close(done));

    const logged = lines.join('');
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({
      req: { headers: { authorization: '***', cookie: '***' } },
    });
    expect(logged).not.toContain('sampleSecretValue');
    expect(logged).not.toContain('sampleSession');
  });
});
