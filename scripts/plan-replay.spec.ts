import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { formatPlanError, parsePlan, type CrisisPlan } from '@tocsin/crisis-plan';
import type { Mention } from '@tocsin/domain';
import { describeReplay, parseMentionLines } from './plan-replay';
import { replayPlan } from './replay/plan-replay.engine';

const ROOT = join(__dirname, '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
// Six minutes of the demo stream from 21:00 Paris on 10 March 2026, its bad buzz on Fleurie
// starting at 21:01: the week Montréal is on summer time and Paris is not.
const FIXTURE = 'test/fixtures/replay/fleurie-buzz-2026-03-10.ndjson';

function planReplay(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(TSX, ['scripts/plan-replay.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

function loadPlan(file: string): CrisisPlan {
  const result = parsePlan(readFileSync(join(ROOT, file), 'utf8'), file);
  if (!result.ok) throw new Error(result.errors.map(formatPlanError).join('\n'));
  return result.plan;
}

const recorded = parseMentionLines(readFileSync(join(ROOT, FIXTURE), 'utf8'), FIXTURE).mentions;

describe('plan-replay', () => {
  it('prints one incident for the Fleurie buzz, paging Montréal at 21:03 Paris in the DST week', () => {
    const run = planReplay('--plan', 'config/crisis-plan.example.yaml', '--input', FIXTURE, '--speed', 'max');
    const lines = run.stdout.trim().split('\n');
    expect({ status: run.status, stderr: run.stderr, first: lines.slice(3, 10), summary: lines.slice(-6) }).toEqual({
      status: 0,
      stderr: '',
      first: [
        'reply queue: 20 negative mentions to answer, 1 answered by the brand (median first reply 27s, 5 % within the deadline), 19 left past their deadline',
        '2 incidents holding 4 alerts, 10 pages (nobody acknowledges in a replay), Europe/Paris time:',
        '  2026-03-10 21:03:09  i1 fleurie  opened: Negative mention by @chloegirard_ on tiktok uses crisis words: "rembours*" [a1]',
        '  2026-03-10 21:03:09  i1 fleurie  notified: opened (step 1): emilie',
        '  2026-03-10 21:03:09  i1 fleurie  alert-joined: Negative mention by @chloegirard_ on tiktok uses crisis words: "brûl*" [a2]',
        '  2026-03-10 21:03:09  i1 fleurie  level-raised: alert → crisis: Negative mention by @chloegirard_ on tiktok uses crisis words: "brûl*" [a2]',
        '  2026-03-10 21:03:09  i1 fleurie  notified: upgraded (step 1): emilie, sophie, jordan',
      ],
      // Fleurie's complaints left unanswered two hours join its crisis incident; Voltaway's open one.
      summary: [
        'i1 fleurie crisis: opened 2026-03-10 21:03:09, closed 2026-03-11 09:05:29; 3 alerts (a1 crisis-words alert, a2 product-safety crisis, a3 reply-overdue watch); 9 pages to emilie, sophie, jordan, marc',
        'i2 voltaway watch: opened 2026-03-10 23:01:02, closed 2026-03-11 01:01:45; 1 alert (a4 reply-overdue watch); 1 page to wei',
        'a1 fleurie/crisis-words alert: opened 2026-03-10 21:03:09, closed 2026-03-11 03:05:58; 6 hits (crisis-words); paged through i1',
        'a2 fleurie/product-safety crisis: opened 2026-03-10 21:03:09, closed 2026-03-11 09:05:29; 5 hits (product-safety); paged through i1',
        'a3 fleurie/reply-overdue watch: opened 2026-03-10 23:00:12, closed 2026-03-11 01:05:58; 16 hits (reply-overdue); paged through i1',
        'a4 voltaway/reply-overdue watch: opened 2026-03-10 23:01:02, closed 2026-03-11 01:01:45; 3 hits (reply-overdue); paged through i2',
      ],
    });
  });

  it('shows the escalation passing over empty steps at once when the rota has a DST gap', () => {
    const run = planReplay('--plan', 'config/test/dst-gap-plan.yaml', '--input', FIXTURE);
    expect(run.stdout.trim().split('\n').slice(4)).toEqual([
      '1 alert paging on its own, 1 page (nobody acknowledges in a replay), Europe/Paris time:',
      '  2026-03-10 21:03:09  a1 fleurie  opened: Negative mention by @chloegirard_ on tiktok uses crisis words: "rembours*", "brûl*"',
      '  2026-03-10 21:03:09  a1 fleurie  escalation-skipped: step 1 targets nobody at this time: step 2 goes on at once',
      '  2026-03-10 21:03:09  a1 fleurie  escalation-skipped: step 2 targets nobody at this time: step 3 goes on at once',
      '  2026-03-10 21:03:09  a1 fleurie  notified: escalated (step 3, in place of steps 1, 2 with nobody on call): sophie',
      '  2026-03-10 22:04:52  a1 fleurie  auto-resolved: no new evidence for 1h',
      'a1 fleurie/crisis-words alert: opened 2026-03-10 21:03:09, closed 2026-03-10 22:04:52; 2 hits (crisis-words); 1 page to sophie',
    ]);
  });

  it('exits 2 naming the option when --speed is not max', () => {
    const run = planReplay('--plan', 'config/crisis-plan.example.yaml', '--input', FIXTURE, '--speed', '60');
    expect({ status: run.status, stderr: run.stderr.trim() }).toEqual({
      status: 2,
      stderr: '--speed: only "max" is supported (the replay runs on event time), got "60"',
    });
  });

  it('exits 2 with the usage when the input is missing', () => {
    const run = planReplay('--plan', 'config/crisis-plan.example.yaml');
    expect({ status: run.status, usage: run.stderr.startsWith('usage:') }).toEqual({ status: 2, usage: true });
  });
});

describe(replayPlan.name, () => {
  const plan = loadPlan('config/crisis-plan.example.yaml');

  it('counts a mention recorded twice once, as the pipeline drops what it has seen', () => {
    const once = replayPlan(plan, recorded);
    const twice = replayPlan(plan, [...recorded, ...recorded]);
    expect({ duplicates: twice.mentions.duplicates, timeline: twice.timeline }).toEqual({
      duplicates: recorded.length,
      timeline: once.timeline,
    });
  });

  it('pages nobody for mentions before --live-from, which only warm the windows', () => {
    const report = replayPlan(plan, recorded, { liveFromMs: Date.parse('2026-03-10T21:00:00Z') });
    expect({ read: report.mentions.read, alerts: report.alerts.length }).toEqual({ read: recorded.length, alerts: 0 });
  });
});

describe('replayPlan, reply queue', () => {
  const plan = loadPlan('config/test/reply-incident-plan.yaml');
  const T0 = Date.parse('2026-03-10T20:00:00Z');
  const at = (ms: number) => new Date(T0 + ms).toISOString();
  const complaint = (id: string, text: string, handle: string, atMs: number): Mention => ({
    id,
    platform: 'twitter',
    text,
    createdAt: at(atMs),
    author: { id: `u-${id}`, handle, followers: 40 },
  });
  const scam = complaint('scam', 'Fleurie Cosmetics is a scam, this cream burned my skin 😡', '@jane', 0);
  const angry = complaint(
    'angry',
    'Fleurie Cosmetics is awful, horrible cream, I am so disappointed 😞',
    '@paul',
    1_000,
  );
  const brandReply = (id: string, inReplyTo: string, atMs: number): Mention => ({
    id,
    platform: 'twitter',
    text: 'Hello, we are sorry to read this. Could you send us a private message so we can help?',
    createdAt: at(atMs),
    author: { id: 'brand', handle: '@fleurie_off', followers: 90_000 },
    inReplyTo,
  });

  it('closes a complaint the brand answers in the recording and raises reply-overdue for the other, joining the incident', () => {
    const report = replayPlan(plan, [scam, angry, brandReply('r1', 'angry', 5_000)]);
    expect(
      report.replyQueue.entries.map((entry) => [
        entry.mentionId,
        entry.state,
        entry.reply?.atMs === undefined ? null : entry.reply.atMs - entry.postedAtMs,
        entry.overdueRaisedAtMs === undefined ? null : entry.overdueRaisedAtMs - T0,
      ]),
    ).toEqual([
      ['scam', 'waiting', null, 15_000],
      ['angry', 'answered', 4_000, null],
    ]);
    expect(report.replyQueue.stats).toMatchObject({ answered: 1, overdue: 1, inTimePct: 50, medianReplyMs: 4_000 });
    const [incident] = report.incidents;
    expect(incident?.alerts.map((member) => `${member.triggerId} ${member.level}`)).toEqual([
      'crisis-words watch',
      'reply-overdue alert',
    ]);
    // The overdue hit comes at the deadline itself, 15 s after the post, and raises the incident.
    expect(
      incident?.timeline.filter((entry) => entry.atMs - T0 <= 60_000).map((entry) => [entry.atMs - T0, entry.action]),
    ).toEqual([
      [0, 'opened'],
      [0, 'notified'],
      [15_000, 'alert-joined'],
      [15_000, 'level-raised'],
      [15_000, 'notified'],
    ]);
    expect(report.pages.map((page) => page.recipients)).toEqual([['camille'], ['camille', 'sophie']]);
  });

  it('raises no overdue hit for a complaint the brand answered in its thread before the deadline', () => {
    const report = replayPlan(plan, [scam, { ...brandReply('r2', 'elsewhere', 3_000), threadId: 'scam' }]);
    expect(report.replyQueue.entries.map((entry) => entry.state)).toEqual(['answered']);
    expect(report.hitsByTrigger['reply-overdue']).toBeUndefined();
  });

  it('still raises the overdue hit when the brand answers only after the deadline', () => {
    const report = replayPlan(plan, [scam, brandReply('r3', 'scam', 20_000)]);
    expect(report.replyQueue.entries.map((entry) => [entry.state, entry.overdueRaisedAtMs])).toEqual([
      ['answered', T0 + 15_000],
    ]);
    expect(report.hitsByTrigger['reply-overdue']).toBe(1);
  });

  it('queues nothing before --live-from and runs deadlines only until untilMs', () => {
    expect(replayPlan(plan, [scam], { liveFromMs: T0 + 1 }).replyQueue.entries).toEqual([]);
    const cut = replayPlan(plan, [scam], { untilMs: T0 + 14_999 });
    expect({ hits: cut.hitsByTrigger, waiting: cut.replyQueue.stats.waiting }).toEqual({
      hits: { 'crisis-words': 1 },
      waiting: 1,
    });
  });

  it('prints the reply queue line', () => {
    const lines = describeReplay(replayPlan(plan, [scam, angry, brandReply('r1', 'angry', 5_000)]), plan.timezone);
    expect(lines[2]).toBe(
      'reply queue: 2 negative mentions to answer, 1 answered by the brand (median first reply 4s, 50 % within the deadline), 1 left past its deadline',
    );
  });
});

describe(parseMentionLines.name, () => {
  it('keeps valid mentions and names each bad line with its number and field', () => {
    const good = JSON.stringify(recorded[0]);
    const { mentions, errors } = parseMentionLines(`${good}\n{oops\n\n{"id":"1"}\n`, 'in.ndjson');
    expect({ kept: mentions.length, errors }).toEqual({
      kept: 1,
      errors: [expect.stringMatching(/^in\.ndjson:2: not JSON \(/), expect.stringMatching(/^in\.ndjson:4: .*platform/)],
    });
  });
});
