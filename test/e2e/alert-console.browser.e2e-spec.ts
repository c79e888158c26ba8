import { openLivePage, useTocsinInChromium } from '../support/browser';
import { aMention } from '../support/mention-fixtures';
import { postMentions } from '../support/tocsin-apps';

/** An org-wide Slack hook whose path is its secret; nothing listens on port 9, so every attempt fails. */
const SLACK_SECRET = 'T0SECRET/B0SECRET/xoxb-not-to-be-shown';

describe('alert console in Chromium', () => {
  const stack = useTocsinInChromium({
    PLAN_FILE: 'config/test/e2e-plan.yaml',
    ESCALATION_POLL_MS: '100',
    SLACK_WEBHOOK_URL: `http://127.0.0.1:9/services/${SLACK_SECRET}`,
  });

  it('pages the on-call CM live, and acknowledging from the console stops the escalation', async () => {
    const { tocsin, page } = stack;
    await openLivePage(page, `${tocsin.gatewayUrl}/console.html`);

    await postMentions(
      tocsin.ingest,
      JSON.stringify(aMention({ text: 'Fleurie Cosmetics est une arnaque, boycott ! 😡' })),
      'application/json',
    );
    const row = page.locator('[data-testid="alert-row"][data-state="open"][data-level="crisis"]');
    await row.waitFor({ timeout: 20_000 });
    await page.locator('[data-testid="alert-banner"]').waitFor({ state: 'visible', timeout: 10_000 });
    const alertId = await row.getAttribute('data-alert-id');

    await row.click();
    await page.locator('[data-testid="alert-detail"]').waitFor();
    await page.locator('[data-testid="ack-button"]').click();

    await page
      .locator(`[data-testid="alert-row"][data-alert-id="${alertId}"][data-state="acknowledged"]`)
      .waitFor({ timeout: 10_000 });
    // Read with the page's own session, as the console reads it.
    const { alert } = await page.evaluate(
      async (id) =>
        (await (await fetch(`/v1/alerts/${id}`)).json()) as {
          alert: { state: string; acknowledgedBy: string; nextEscalationAtMs: number | null };
        },
      alertId,
    );
    expect(alert).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'camille', nextEscalationAtMs: null });
    await expect(page.locator('[data-testid="audit-entry"]').allInnerTexts()).resolves.toEqual(
      expect.arrayContaining([expect.stringMatching(/acknowledged/)]),
    );
  });

  it("shows a webhook's failed attempts with its scheme and host only, never its secret path", async () => {
    const { page } = stack;
    const delivery = page.locator('[data-testid="delivery"]').first();
    await delivery.waitFor({ timeout: 10_000 });
    await expect(delivery.innerText()).resolves.toContain('http://127.0.0.1:9');
    await expect(page.locator('[data-testid="alert-detail"]').innerText()).resolves.not.toContain('SECRET');
  });
});
