import type { AccessRole } from '@tocsin/access';
import { RedisKeys, UserStore } from '@tocsin/redis';
import type Redis from 'ioredis';
import { hashPassword } from '../../apps/gateway/src/auth/password.hasher';

/** The session secret every test gateway of a run shares, as instances of one deployment do. */
export const TEST_SESSION_SECRET = 'test-session-secret-of-at-least-32-characters';

export interface TestAccount {
  username: string;
  personId: string;
  role: AccessRole;
  brandIds: string[];
  password: string;
}

/** Writes accounts into the run's user store, as `npm run users -- add` does. */
export async function createAccounts(redis: Redis, keyPrefix: string, accounts: readonly TestAccount[]): Promise<void> {
  const users = new UserStore(redis, new RedisKeys(keyPrefix));
  for (const account of accounts) {
    await users.put({
      username: account.username,
      personId: account.personId,
      role: account.role,
      brandIds: account.brandIds,
      disabled: false,
      passwordHash: await hashPassword(account.password),
      createdAtMs: Date.now(),
    });
  }
}

/** A signed-in HTTP client: its cookie on every call, its CSRF token on state-changing ones. */
export class SignedInClient {
  constructor(
    readonly baseUrl: string,
    readonly cookie: string,
    readonly csrfToken: string,
  ) {}

  fetch(path: string, init: RequestInit = {}, baseUrl = this.baseUrl): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set('cookie', this.cookie);
    headers.set('x-csrf-token', this.csrfToken);
    if (init.body !== undefined) headers.set('content-type', 'application/json');
    return fetch(`${baseUrl}${path}`, { ...init, headers });
  }

  async json<T>(path: string, init: RequestInit = {}, baseUrl = this.baseUrl): Promise<T> {
    const response = await this.fetch(path, init, baseUrl);
    if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  }
}

export async function postSignIn(baseUrl: string, username: string, password: string): Promise<Response> {
  return fetch(`${baseUrl}/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
}

/** Signs in through `POST /v1/session`; fails naming the answer when refused. */
export async function signIn(
  baseUrl: string,
  account: Pick<TestAccount, 'username' | 'password'>,
): Promise<SignedInClient> {
  const response = await postSignIn(baseUrl, account.username, account.password);
  if (response.status !== 200) {
    throw new Error(`sign-in of ${account.username} refused: ${response.status} ${await response.text()}`);
  }
  const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const { csrfToken } = (await response.json()) as { csrfToken: string };
  return new SignedInClient(baseUrl, cookie, csrfToken);
}

/** Creates the account (a password of its own) and signs it in: one line for suites about something else. */
export async function signInNewAccount(
  run: { redis: Redis; keyPrefix: string },
  baseUrl: string,
  account: Omit<TestAccount, 'password'>,
): Promise<SignedInClient> {
  const withPassword = { ...account, password: `${account.username}-password-for-tests` };
  await createAccounts(run.redis, run.keyPrefix, [withPassword]);
  return signIn(baseUrl, withPassword);
}
