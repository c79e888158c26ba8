import type { Environment } from '@tocsin/domain';
import { chromium, type Browser, type Page } from 'playwright-core';
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
 * For the calling describe block: its own topics, the three apps started with `overrides` and
 * a Chromium page before its tests, all stopped after them. Fields are set once beforeAll ran.
 */
export function useTocsinInChromium(overrides: Environment = {}): BrowserStack {
  const run = new TestRun();
  const stack = {} as BrowserStack;
  let browser: Browser | undefined;
  let tocsin: RunningTocsin | undefined;
  beforeAll(async () => {
    await run.createTopics();
    tocsin = await startTocsin(run.env(overrides));
    stack.tocsin = tocsin;
    browser = await launchChromium();
    stack.page = await browser.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await tocsin?.stop();
    await run.cleanUp();
  });
  return stack;
}

/** Opens one of the gateway's pages and waits until its socket is live. */
export async function openLivePage(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForSelector('[data-testid="connection-status"][data-state="connected"]', { timeout: 15_000 });
}
