import type { Environment } from '@tocsin/domain';
import { chromium, type Browser, type Page } from 'playwright-core';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildWebBundles, PUBLIC_DIR, WEB_BUNDLE_DIR } from '../../scripts/web-build';
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
    // The pages' scripts are built from apps/gateway/web, not committed: each suite builds the
    // sources it runs against into a folder of its own, which suites running side by side and
    // a developer's `npm run dev` watcher never rewrite under it.
    publicDir = await mkdtemp(join(tmpdir(), 'tocsin-pages-'));
    await cp(PUBLIC_DIR, publicDir, { recursive: true, filter: (source) => source !== WEB_BUNDLE_DIR });
    await buildWebBundles(join(publicDir, 'js'));
    await run.createTopics();
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

/** Opens one of the gateway's pages and waits until its socket is live. */
export async function openLivePage(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForSelector('[data-testid="connection-status"][data-state="connected"]', { timeout: 15_000 });
}
