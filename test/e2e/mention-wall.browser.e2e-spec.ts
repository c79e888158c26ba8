import type { Page } from 'playwright-core';
import { openLivePage, useTocsinInChromium } from '../support/browser';
import { aMention, toNdjson } from '../support/mention-fixtures';
import { postMentions } from '../support/tocsin-apps';
import { waitUntil } from '../support/wait-for';

async function waitForText(page: Page, testId: string, pattern: RegExp): Promise<void> {
  const locator = page.locator(`[data-testid="${testId}"]`);
  let last: string | null = null;
  await waitUntil(
    `${testId} to read ${pattern}`,
    async () => {
      last = await locator.textContent();
      return pattern.test(last ?? '') ? true : undefined;
    },
    10_000,
  ).catch((error: Error) => {
    throw new Error(`${error.message}; it reads ${JSON.stringify(last)}`);
  });
}

describe('mention wall in Chromium', () => {
  // One-second intervals closed as soon as event time passes them, so the trend fills at once.
  const stack = useTocsinInChromium({ SIGNAL_INTERVAL_MS: '1000', SIGNAL_ALLOWED_LATENESS_MS: '0' });

  it('shows mentions live, coloured by sentiment, with running counts', async () => {
    const { tocsin, page } = stack;
    await openLivePage(page, `${tocsin.gatewayUrl}/?brands=fleurie`);

    const angry = aMention({ text: 'Fleurie Cosmetics est une arnaque, je suis furieuse 😡 #boycott' });
    const happy = aMention({ text: 'I love my Fleurie Cosmetics serum, my skin is glowing 😍' });
    const other = aMention({ text: 'Voltaway scooters everywhere in Lyon today' });
    await postMentions(tocsin.ingest, toNdjson([angry, happy, other]), 'application/x-ndjson');

    const angryCard = page.locator(`[data-testid="mention-card"][data-key="twitter:${angry.id}"]`);
    await angryCard.waitFor({ timeout: 20_000 });
    await page.locator(`[data-testid="mention-card"][data-key="twitter:${happy.id}"]`).waitFor({ timeout: 20_000 });

    await expect(angryCard.getAttribute('data-sentiment')).resolves.toBe('negative');
    await expect(angryCard.innerText()).resolves.toMatch(/arnaque/);
    // Counts are redrawn at most once a second, for screen readers' sake.
    await waitForText(page, 'count-negative', /^\s*1\s*$/);
    await waitForText(page, 'count-positive', /^\s*1\s*$/);
    await expect(page.locator(`[data-key="twitter:${other.id}"]`).count()).resolves.toBe(0);
  });

  it("draws the brand's volume per interval against the usual range as intervals close", async () => {
    const { tocsin, page } = stack;
    // After the first test's mentions, so none is late: event time runs on from now.
    const startMs = Date.now();
    const stream = Array.from({ length: 8 }, (_, second) =>
      aMention({
        text: second % 2 === 0 ? 'Fleurie Cosmetics, colis reçu 👍' : 'Fleurie Cosmetics, toujours rien reçu 😡',
        createdAt: new Date(startMs + second * 1_000).toISOString(),
      }),
    );
    await postMentions(tocsin.ingest, toNdjson(stream), 'application/x-ndjson');

    const trend = page.locator('[data-testid="trend"][data-brand="fleurie"]');
    await trend.waitFor({ timeout: 20_000 });
    await waitUntil(
      'the trend to draw the closed intervals',
      async () => ((await trend.locator('[data-testid="trend-bar"]').count()) >= 6 ? true : undefined),
      10_000,
    );
    await expect(trend.locator('svg').getAttribute('aria-label')).resolves.toMatch(
      /^Fleurie Cosmetics: \d+\/1 s(, \d+ negative)? · usual [\d.]+/,
    );
    await expect(page.locator('[data-testid="trend"][data-brand="voltaway"]').count()).resolves.toBe(0);
  });
});
