import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { freePort } from './free-port';

export interface TestIdentityProvider {
  issuerUrl: string;
  clientId: string;
  clientSecret: string;
  stop(): Promise<void>;
}

const ROOT = resolve(__dirname, '../..');

/** Starts identity-provider.server.ts (a real oidc-provider) and waits until it listens. */
export async function startIdentityProvider(redirectUri: string): Promise<TestIdentityProvider> {
  const port = await freePort();
  const clientId = 'tocsin-gateway';
  const clientSecret = 'test-client-secret-of-the-identity-provider';
  const child = spawn(resolve(ROOT, 'node_modules/.bin/tsx'), [resolve(__dirname, 'identity-provider.server.ts')], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      IDP_PORT: String(port),
      IDP_REDIRECT_URI: redirectUri,
      IDP_CLIENT_ID: clientId,
      IDP_CLIENT_SECRET: clientSecret,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`identity provider did not start in 20 s:\n${output}`)), 20_000);
    const collect = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes('identity provider listening')) {
        clearTimeout(timer);
        done();
      }
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('exit', (code) => fail(new Error(`identity provider exited (${code}):\n${output}`)));
  });
  return {
    issuerUrl: `http://127.0.0.1:${port}`,
    clientId,
    clientSecret,
    stop: () =>
      new Promise((done) => {
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}
