import type { Incident } from '@tocsin/alerting';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLivePage, useTocsinInChromium } from '../support/browser';
import { aMention, toNdjson } from '../support/mention-fixtures';
import { postMentions } from '../support/tocsin-apps';

/** The e2e plan, its alerts gathered into one incident per brand. */
function incidentsPlanFile(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'tocsin-incident-console-')), 'plan.yaml');
  writeFileSync(file, `${readFileSync('config/test/e2e-plan.yaml', 'utf8')}\nincidents:\n  groupBy: [brand]\n`);
  return file;
}

describe('incident console in Chromium', () => {
  const stack = useTocsinInChromium({ PLAN_FILE: incidentsPlanFile(), ESCALATION_POLL_MS: '100' });

  it('shows the incident first with its alerts and timeline, adds a note typed on the page, and lists its complaints in the reply queue', async () => {
    const { tocsin, page } = stack;
    await openLivePage(page, `${tocsin.gatewayUrl}/console.html`);

    const influential = aMention({
      text: 'Fleurie Cosmetics night cream is the worst, my skin is ruined 😡',
      author: { id: 'star', handle: 'beautystar', followers: 300_000, verified: true },
    });
    await postMentions(tocsin.ingest, JSON.stringify(influential), 'application/json');
    await page.locator('[data-testid="incident"][data-level="alert"]').waitFor({ timeout: 20_000 });
    // The incident's page to the on-call CM rings the console through the incident's alert.
    await page.locator('[data-testid="alert-banner"]').waitFor({ state: 'visible', timeout: 10_000 });
    const words = aMention({ text: "Fleurie Cosmetics c'est une arnaque, boycott ! 😡" });
    await postMentions(tocsin.ingest, toNdjson([words]), 'application/x-ndjson');

    const incident = page.locator('[data-testid="incident"][data-level="crisis"]');
    await incident.waitFor({ timeout: 20_000 });
    await incident.locator('[data-testid="incident-alert"]').nth(1).waitFor({ timeout: 10_000 });
    await expect(incident.locator('[data-testid="incident-alert"]').count()).resolves.toBe(2);
    await expect(
      incident
        .locator('[data-testid="incident-timeline-entry"]')
        .evaluateAll((entries) => entries.map((entry) => entry.getAttribute('data-action'))),
    ).resolves.toEqual(expect.arrayContaining(['opened', 'alert-joined', 'level-raised', 'notified']));

    await incident.locator('[data-testid="incident-note-input"]').fill('Called the lab, batch 42 under review');
    await incident.locator('[data-testid="incident-note-submit"]').click();
    await incident
      .locator('[data-testid="incident-timeline-entry"][data-action="note"]', { hasText: 'batch 42 under review' })
      .waitFor({ timeout: 10_000 });

    const incidentId = await incident.getAttribute('data-incident-id');
    // Read with the page's own session: the API answers only signed-in people.
    const stored = (await (await page.request.get(`${tocsin.gatewayUrl}/v1/incidents/${incidentId}`)).json()) as {
      incident: Incident;
    };
    expect(stored.incident.timeline.filter((entry) => entry.action === 'note')).toEqual([
      expect.objectContaining({ actor: 'camille', reason: 'Called the lab, batch 42 under review' }),
    ]);

    // The same console lists the incident's complaints in the brand's reply queue, still waiting
    // for an answer (the plan has no replyQueue rules: every negative mention, 30 minutes).
    for (const mention of [influential, words]) {
      const entry = page.locator(`[data-testid="reply-entry"][data-mention-key="twitter:${mention.id}"]`);
      await entry.waitFor({ timeout: 10_000 });
      await expect(entry.locator('[data-testid="reply-deadline"]').innerText()).resolves.toMatch(/\d/);
    }
  });
});
