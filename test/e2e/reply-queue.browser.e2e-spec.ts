import { openLivePage, useTocsinInChromium } from '../support/browser';
import { aMention, toNdjson } from '../support/mention-fixtures';
import { postMentions } from '../support/tocsin-apps';

describe('reply queue in the console, in Chromium', () => {
  const stack = useTocsinInChromium({ PLAN_FILE: 'config/test/reply-queue-plan.yaml', ESCALATION_POLL_MS: '100' });

  it('shows waiting mentions live, the influencer first, and moves one to answered with its reply time', async () => {
    const { tocsin, page } = stack;
    await openLivePage(page, `${tocsin.gatewayUrl}/console.html`);
    const createdAt = new Date().toISOString();
    const influencer = aMention({
      text: 'Fleurie Cosmetics is terrible, the worst service ever, I hate this brand 😡',
      author: { id: 'u-inf', handle: '@beautyqueen', followers: 250_000 },
      createdAt,
    });
    const small = aMention({
      text: 'Fleurie Cosmetics is awful, horrible cream, I am so disappointed 😞',
      author: { id: 'u-small', handle: '@jane', followers: 40 },
      createdAt,
    });
    await postMentions(tocsin.ingest, toNdjson([influencer, small]), 'application/x-ndjson');

    const entries = page.locator('[data-testid="reply-entry"]');
    await page
      .locator(`[data-testid="reply-entry"][data-mention-key="twitter:${small.id}"]`)
      .waitFor({ timeout: 20_000 });
    await page.locator(`[data-testid="reply-entry"][data-mention-key="twitter:${influencer.id}"]`).waitFor();
    await expect(
      entries.evaluateAll((items) => items.map((item) => item.getAttribute('data-mention-key'))),
    ).resolves.toEqual([`twitter:${influencer.id}`, `twitter:${small.id}`]);

    const reply = aMention({
      text: 'Hello, we are sorry to read this. Could you send us a private message?',
      author: { id: 'brand', handle: '@fleurie_off' },
      inReplyTo: influencer.id,
      brandIds: ['fleurie'],
    });
    await postMentions(tocsin.ingest, JSON.stringify(reply), 'application/json');
    const answered = page.locator(`[data-testid="reply-closed"][data-mention-key="twitter:${influencer.id}"]`);
    await answered.waitFor({ timeout: 20_000 });
    await expect(answered.innerText()).resolves.toMatch(/answered by @fleurie_off in \d+(\.\d+)?\s?s/);
    await expect(
      page.locator(`[data-testid="reply-entry"][data-mention-key="twitter:${influencer.id}"]`).count(),
    ).resolves.toBe(0);
  });

  it('marks the small author overdue past the 4 s deadline, and closes it as not to answer with a reason', async () => {
    const { page } = stack;
    const overdue = page.locator('[data-testid="reply-entry"].reply--overdue');
    await overdue.waitFor({ timeout: 15_000 });
    await expect(overdue.locator('[data-testid="reply-deadline"]').innerText()).resolves.toMatch(/^overdue by /);
    await overdue.locator('input[name="reason"]').fill('Spam account');
    await overdue.getByRole('button', { name: 'Not to answer' }).click();
    const closed = page.locator('[data-testid="reply-closed"][data-state="not-to-answer"]');
    await closed.waitFor({ timeout: 10_000 });
    await expect(closed.innerText()).resolves.toContain('not to answer (Spam account) · camille');
    await page.locator('[data-testid="reply-empty"]').waitFor({ state: 'visible' });
  });
});
