import type { Browser, Page } from 'playwright-core';
import { rm } from 'node:fs/promises';
import { buildPagesFolder, launchChromium, openLivePage } from '../support/browser';
import { freePort } from '../support/free-port';
import { startIdentityProvider, type TestIdentityProvider } from '../support/oidc-provider';
import { createAccounts, type TestAccount } from '../support/sessions';
import { TestRun } from '../support/test-infra';
import { startGateway, type RunningGateway } from '../support/tocsin-apps';
import { RedisKeys, UserStore } from '@tocsin/redis';

const CAMILLE: TestAccount = {
  username: 'camille',
  personId: 'camille',
  role: 'cm',
  brandIds: ['fleurie'],
  password: 'camille-pass-123',
};

interface WhoAmI {
  status: number;
  username?: string;
  role?: string;
}

/** The session as the page's own scripts would see it. */
function whoAmI(page: Page): Promise<WhoAmI> {
  return page.evaluate(async () => {
    const response = await fetch('/v1/session');
    if (!response.ok) return { status: response.status };
    const body = (await response.json()) as { username: string; role: string };
    return { status: response.status, username: body.username, role: body.role };
  });
}

describe('sign-in in Chromium: password and OpenID Connect', () => {
  const run = new TestRun();
  let idp: TestIdentityProvider;
  let gateway: RunningGateway;
  let browser: Browser;
  let publicDir: string | undefined;

  beforeAll(async () => {
    publicDir = await buildPagesFolder();
    await run.createTopics();
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}`;
    idp = await startIdentityProvider(`${publicUrl}/v1/session/oidc/callback`);
    // The provider's login "oidc-user" has the verified e-mail oidc-user@example.com.
    await createAccounts(run.redis, run.keyPrefix, [CAMILLE]);
    await new UserStore(run.redis, new RedisKeys(run.keyPrefix)).put({
      username: 'sophie',
      personId: 'sophie',
      role: 'manager',
      brandIds: ['fleurie', 'voltaway'],
      disabled: false,
      email: 'oidc-user@example.com',
      createdAtMs: Date.now(),
    });
    gateway = await startGateway(
      run.env({
        PLAN_FILE: 'config/test/e2e-plan.yaml',
        GATEWAY_PUBLIC_DIR: publicDir,
        GATEWAY_PORT: String(port),
        PUBLIC_URL: publicUrl,
        OIDC_ISSUER_URL: idp.issuerUrl,
        OIDC_CLIENT_ID: idp.clientId,
        OIDC_CLIENT_SECRET: idp.clientSecret,
      }),
    );
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await gateway?.app.close();
    await idp?.stop();
    await run.cleanUp();
    if (publicDir) await rm(publicDir, { recursive: true, force: true });
  });

  async function freshPage(): Promise<Page> {
    const context = await browser.newContext();
    return context.newPage();
  }

  it('shows an error for a wrong password and stays on the sign-in page', async () => {
    const page = await freshPage();
    await page.goto(`${gateway.url}/signin.html`);
    await page.fill('[data-testid="signin-username"]', 'camille');
    await page.fill('[data-testid="signin-password"]', 'not-her-password');
    await page.click('[data-testid="signin-submit"]');
    await page.waitForSelector('[data-testid="signin-error"]:not([hidden])');
    expect(await page.textContent('[data-testid="signin-error"]')).toBe('Wrong username or password.');
    expect(new URL(page.url()).pathname).toBe('/signin.html');
    expect((await whoAmI(page)).status).toBe(401);
    await page.context().close();
  });

  it('signs in with the password and goes to the page asked for', async () => {
    const page = await freshPage();
    await page.goto(`${gateway.url}/signin.html?next=/`);
    await page.fill('[data-testid="signin-username"]', 'camille');
    await page.fill('[data-testid="signin-password"]', CAMILLE.password);
    await Promise.all([page.waitForURL(`${gateway.url}/`), page.click('[data-testid="signin-submit"]')]);
    expect(await whoAmI(page)).toEqual({ status: 200, username: 'camille', role: 'cm' });
    // The wall, live, as that person.
    await page.waitForSelector('[data-testid="connection-status"][data-state="connected"]', { timeout: 15_000 });
    expect(await page.textContent('[data-testid="signed-in-as"]')).toBe('Camille Martin · community manager');
    const cookie = (await page.context().cookies()).find((c) => c.name === 'tocsin.sid');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
    await page.context().close();
  });

  it('never sends the browser to another site after sign-in', async () => {
    const page = await freshPage();
    await page.goto(`${gateway.url}/signin.html?next=//evil.example/`);
    await page.fill('[data-testid="signin-username"]', 'camille');
    await page.fill('[data-testid="signin-password"]', CAMILLE.password);
    await Promise.all([page.waitForURL(`${gateway.url}/console.html`), page.click('[data-testid="signin-submit"]')]);
    await page.context().close();
  });

  it('sends a page opened without a session to sign in, shows the console as that person, and signs out', async () => {
    const page = await freshPage();
    await openLivePage(page, `${gateway.url}/console.html`, CAMILLE);
    expect(await page.textContent('[data-testid="signed-in-as"] .who__name')).toBe(
      'Camille Martin · community manager',
    );
    await Promise.all([page.waitForURL(`${gateway.url}/signin.html`), page.click('[data-testid="sign-out"]')]);
    expect((await whoAmI(page)).status).toBe(401);
    // The console again: without a session it sends the browser back to sign in.
    await page.goto(`${gateway.url}/console.html`);
    await page.waitForURL(`${gateway.url}/signin.html?next=%2Fconsole.html`);
    await page.context().close();
  });

  it("signs in through the organisation's provider and links its subject to the account with that e-mail", async () => {
    const page = await freshPage();
    await page.goto(`${gateway.url}/signin.html`);
    await page.click('[data-testid="signin-oidc"]');
    await page.waitForURL(`${idp.issuerUrl}/**`);
    await page.fill('input[name="login"]', 'oidc-user');
    await page.fill('input[name="password"]', 'anything');
    await page.click('button[type="submit"]');
    // The provider asks once to let Tocsin read the e-mail.
    await page.click('button[type="submit"]');
    await page.waitForURL(`${gateway.url}/console.html`);
    expect(await whoAmI(page)).toEqual({ status: 200, username: 'sophie', role: 'manager' });
    await page.waitForSelector('[data-testid="connection-status"][data-state="connected"]', { timeout: 15_000 });
    expect(await page.textContent('[data-testid="signed-in-as"] .who__name')).toBe('Sophie Bernard · manager');
    const linked = await new UserStore(run.redis, new RedisKeys(run.keyPrefix)).get('sophie');
    expect(linked?.oidcSubject).toBe('oidc-user');
    await page.context().close();
  });

  it('refuses a provider login that matches no account, saying so on the sign-in page', async () => {
    const page = await freshPage();
    await page.goto(`${gateway.url}/signin.html`);
    await page.click('[data-testid="signin-oidc"]');
    await page.waitForURL(`${idp.issuerUrl}/**`);
    await page.fill('input[name="login"]', 'stranger');
    await page.fill('input[name="password"]', 'anything');
    await page.click('button[type="submit"]');
    await page.click('button[type="submit"]');
    await page.waitForURL(`${gateway.url}/signin.html?error=oidc_unknown_user`);
    await page.waitForSelector('[data-testid="signin-error"]:not([hidden])');
    expect(await page.textContent('[data-testid="signin-error"]')).toMatch(/no Tocsin account/);
    expect((await whoAmI(page)).status).toBe(401);
    await page.context().close();
  });
});
