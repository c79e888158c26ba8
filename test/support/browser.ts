import type { Environment } from '@tocsin/domain';
import { chromium, type Browser, type Page } from 'playwright-core';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildWebBundles, PUBLIC_DIR, WEB_BUNDLE_DIR } from '../../scripts/web-build';
import { createAccounts, type TestAccount } from './sessions';
import { TestRun } from './test-infra';
import { startTocsin, type RunningTocsin } from './tocsin-apps';

/** Debian's Chromium, headless, with the flags that keep it off a closed network. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** What a browser test works with: the running apps and one Chromium page. */
export interface BrowserStack {
  tocsin: RunningTocsin;
  page: Page;
}

/**
 * For the calling describe block: the pages' bundles built, its own topics, the three apps
 * started with `overrides` and a Chromium page before its tests, all stopped after them.
 * Fields are set once beforeAll ran.
 */
export function useTocsinInChromium(overrides: Environment = {}): BrowserStack {
  const run = new TestRun();
  const stack = {} as BrowserStack;
  let browser: Browser | undefined;
  let tocsin: RunningTocsin | undefined;
  let publicDir: string | undefined;
  beforeAll(async () => {
    publicDir = await buildPagesFolder();
    await run.createTopics();
    await createAccounts(run.redis, run.keyPrefix, [BROWSER_CM]);
    tocsin = await startTocsin(run.env({ GATEWAY_PUBLIC_DIR: publicDir, ...overrides }));
    stack.tocsin = tocsin;
    browser = await launchChromium();
    stack.page = await browser.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await tocsin?.stop();
    await run.cleanUp();
    if (publicDir) await rm(publicDir, { recursive: true, force: true });
  });
  return stack;
}

/**
 * The gateway's pages with their scripts built from apps/gateway/web (not committed): each
 * suite builds the sources it runs against into a folder of its own, which suites running side
 * by side and a developer's `npm run dev` watcher never rewrite under it. Remove it after.
 */
export async function buildPagesFolder(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'tocsin-pages-'));
  await cp(PUBLIC_DIR, folder, { recursive: true, filter: (source) => source !== WEB_BUNDLE_DIR });
  await buildWebBundles(join(folder, 'js'));
  return folder;
}

/** The account useTocsinInChromium creates: a cm of both brands of the example and e2e plans. */
export const BROWSER_CM: TestAccount = {
  username: 'camille',
  personId: 'camille',
  role: 'cm',
  brandIds: ['fleurie', 'voltaway'],
  password: 'camille-browser-pass',
};

/** Fills and sends the sign-in form the browser is on, and waits until it left for `next`. */
export async function submitSignIn(page: Page, account: Pick<TestAccount, 'username' | 'password'>): Promise<void> {
  await page.fill('[data-testid="signin-username"]', account.username);
  await page.fill('[data-testid="signin-password"]', account.password);
  await Promise.all([
    page.waitForURL((url) => url.pathname !== '/signin.html'),
    page.click('[data-testid="signin-submit"]'),
  ]);
}

/**
 * Opens one of the gateway's pages and waits until its socket is live. Without a session the
 * page sends the browser to the sign-in page, where `account` signs in and comes back.
 */
export async function openLivePage(page: Page, url: string, account: TestAccount = BROWSER_CM): Promise<void> {
  const live = '[data-testid="connection-status"][data-state="connected"]';
  await page.goto(url);
  // The page's script decides after it loaded: live at once with a session, or off to sign in.
  const signIn = page
    .waitForURL((current) => current.pathname === '/signin.html', { timeout: 15_000 })
    .then(
      () => 'sign-in' as const,
      () => undefined,
    );
  const connected = page.waitForSelector(live, { timeout: 15_000 }).then(
    () => 'live' as const,
    () => undefined,
  );
  const landed = await Promise.race([signIn, connected]);
  if (landed === 'live') return;
  if (landed !== 'sign-in') throw new Error(`${url} neither went live nor asked to sign in within 15 s`);
  await submitSignIn(page, account);
  await page.waitForURL(url);
  await page.waitForSelector(live, { timeout: 15_000 });
}
