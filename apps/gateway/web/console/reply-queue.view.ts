/*
 * The reply queue: negative mentions of the chosen brands still waiting for an answer, most
 * urgent first (the server orders them), with their deadline, the latest answered ones with
 * their reply time, and the share answered within the playbook deadline. A CM closes an entry
 * by hand as handled (answered elsewhere) or not to answer (with a reason). Every change comes
 * from the server: a socket event only says that the brand's queue is to be read again.
 */
import type { ReplyQueueView } from '@tocsin/alert-actions';
import { formatDuration } from '@tocsin/domain/format-duration';
import type { ReplyEntry } from '@tocsin/reply-queue';
import { find, findAll, h } from '../shared/dom';
import { formatAgo, formatTime, plural } from '../shared/format';
import { requestJson } from '../shared/http.client';
import { brandName, header, levelName, state } from './console-state';

const SHOWN_PER_BRAND = 50;
const REFRESH_MS = 30_000;
const TICK_MS = 1_000;
/** Events arrive in bursts (a wave of complaints): read the queue once per burst. */
const RELOAD_DELAY_MS = 400;

type Closed = ReplyQueueView['closed'][number];

const queues = new Map<string, ReplyQueueView>();
const reloads = new Map<string, ReturnType<typeof setTimeout>>();

const elements = {
  waiting: find('[data-testid="reply-waiting"]', HTMLElement),
  answered: find('[data-testid="reply-answered"]', HTMLElement),
  empty: find('[data-testid="reply-empty"]', HTMLElement),
};

export function bindReplyQueue(): void {
  setInterval(() => void loadReplyQueues(), REFRESH_MS);
  setInterval(tickDeadlines, TICK_MS);
}

/** Counts deadlines down in place: a redraw would lose a reason being typed. */
function tickDeadlines(): void {
  const nowMs = Date.now();
  for (const item of findAll('[data-testid="reply-entry"]', HTMLLIElement, elements.waiting)) {
    const dueAtMs = Number(item.dataset.dueAtMs);
    const deadline = deadlineText(dueAtMs, nowMs);
    item.classList.toggle('reply--overdue', deadline.overdue);
    find('[data-testid="reply-deadline"]', HTMLElement, item).textContent = deadline.text;
  }
}

/** Reads the queues of the chosen brands; a brand no longer chosen is dropped. */
export async function loadReplyQueues(): Promise<void> {
  for (const brandId of [...queues.keys()]) if (!state.selectedBrands.includes(brandId)) queues.delete(brandId);
  await Promise.all(state.selectedBrands.map((brandId) => loadBrand(brandId)));
  renderReplyQueue();
}

/** A queue change pushed by the server (`reply.queued`, `reply.closed`, `reply.overdue`). */
export function onReplyEvent(event: { entry: Pick<ReplyEntry, 'brandId'> }): void {
  const { brandId } = event.entry;
  if (!state.selectedBrands.includes(brandId) || reloads.has(brandId)) return;
  reloads.set(
    brandId,
    setTimeout(() => {
      reloads.delete(brandId);
      void loadBrand(brandId).then(renderReplyQueue);
    }, RELOAD_DELAY_MS),
  );
}

async function loadBrand(brandId: string): Promise<void> {
  try {
    const answer = await requestJson<ReplyQueueView>(
      `/v1/brands/${encodeURIComponent(brandId)}/reply-queue?limit=${SHOWN_PER_BRAND}`,
    );
    if (answer.ok && answer.body && Array.isArray(answer.body.waiting)) queues.set(brandId, answer.body);
  } catch {
    // Read again at the next event or refresh; the connection status tells the story meanwhile.
  }
}

async function close(
  entry: ReplyEntry,
  outcome: 'handled' | 'not-to-answer',
  reason: string | undefined,
): Promise<void> {
  if (!state.userId) {
    header.showError('Choose who you are before closing a mention of the reply queue.');
    return;
  }
  const answer = await requestJson<{ entry?: ReplyEntry; message?: string }>(
    `/v1/reply-queue/${encodeURIComponent(entry.mentionKey)}/handled`,
    { method: 'POST', body: { brandId: entry.brandId, outcome, ...(reason ? { reason } : {}) } },
  ).catch(() => null);
  if (!answer?.ok) {
    header.showError(
      `Could not close the mention: ${answer?.body?.message ?? (answer ? answer.status : 'network error')}`,
    );
    return;
  }
  await loadBrand(entry.brandId);
  renderReplyQueue();
}

function deadlineText(dueAtMs: number, nowMs: number): { text: string; overdue: boolean } {
  const leftMs = dueAtMs - nowMs;
  return leftMs > 0
    ? { text: `answer within ${formatDuration(leftMs)}`, overdue: false }
    : { text: `overdue by ${formatDuration(-leftMs)}`, overdue: true };
}

function waitingItem(entry: ReplyEntry, nowMs: number): HTMLLIElement {
  const deadline = deadlineText(entry.dueAtMs, nowMs);
  const reason = h('input', {
    name: 'reason',
    maxlength: 2000,
    placeholder: 'Why no answer (required)',
    'aria-label': 'Why this mention needs no answer',
  });
  const handled = h('button', { type: 'button', class: 'btn btn--small', text: 'Handled' });
  handled.addEventListener('click', () => void close(entry, 'handled', undefined));
  const skip = h('button', { type: 'button', class: 'btn btn--small btn--quiet', text: 'Not to answer' });
  skip.addEventListener('click', () => {
    const why = reason.value.trim();
    if (!why) {
      reason.focus();
      header.showError('Say why this mention needs no answer.');
      return;
    }
    void close(entry, 'not-to-answer', why);
  });
  const followers = entry.author.followers > 0 ? ` · ${entry.author.followers.toLocaleString()} followers` : '';
  return h(
    'li',
    {
      class: `reply${deadline.overdue ? ' reply--overdue' : ''}`,
      dataset: {
        testid: 'reply-entry',
        mentionKey: entry.mentionKey,
        state: entry.state,
        dueAtMs: String(entry.dueAtMs),
      },
    },
    h(
      'div',
      { class: 'reply__head' },
      h('strong', { text: entry.author.handle }),
      h('span', { class: 'muted', text: `${followers} · ${entry.platform} · ${brandName(entry.brandId)}` }),
      h('span', { class: 'reply__deadline', dataset: { testid: 'reply-deadline' }, text: deadline.text }),
    ),
    h('p', { class: 'reply__text', text: entry.text }),
    h(
      'div',
      { class: 'reply__meta muted' },
      `posted ${formatAgo(entry.postedAtMs, nowMs)} · ${levelName(entry.level)}`,
      entry.url
        ? [' · ', h('a', { href: entry.url, target: '_blank', rel: 'noopener noreferrer', text: 'open' })]
        : null,
    ),
    h('div', { class: 'reply__actions' }, handled, reason, skip),
  );
}

function closedItem(entry: Closed): HTMLLIElement {
  const how =
    entry.state === 'answered'
      ? `answered by ${entry.reply?.author ?? 'the brand'}`
      : entry.state === 'handled'
        ? `handled by ${entry.closedBy ?? '?'}`
        : `not to answer (${entry.reason ?? 'no reason'}) · ${entry.closedBy ?? '?'}`;
  const replyTime =
    entry.firstReplyMs === undefined
      ? ''
      : ` in ${formatDuration(entry.firstReplyMs)}${entry.postedAtMs + entry.firstReplyMs <= entry.dueAtMs ? '' : ' (late)'}`;
  return h(
    'li',
    {
      class: 'reply reply--closed',
      dataset: { testid: 'reply-closed', mentionKey: entry.mentionKey, state: entry.state },
    },
    h('strong', { text: entry.author.handle }),
    ' ',
    h('span', { class: 'reply__text', text: entry.text.length > 120 ? `${entry.text.slice(0, 119)}…` : entry.text }),
    h('div', {
      class: 'reply__meta muted',
      dataset: { testid: 'reply-time' },
      text: `${how}${replyTime} · ${formatTime(entry.closedAtMs ?? entry.postedAtMs, false)}`,
    }),
  );
}

/** The brand's counts, its share answered within the deadline and its median reply time, as the server computed them. */
function summaryText(view: ReplyQueueView): string {
  const { stats } = view;
  const share = stats.inTimePct === null ? 'no deadline reached yet' : `${stats.inTimePct}% answered in time`;
  const median = stats.medianReplyMs === null ? '' : ` · median reply ${formatDuration(stats.medianReplyMs)}`;
  return `${plural(stats.waiting, 'waiting')}, ${stats.overdue} overdue · ${share}${median}`;
}

/** Each chosen brand's queue in the server's order (most urgent first), then the latest closed. */
export function renderReplyQueue(): void {
  const nowMs = Date.now();
  const views = state.selectedBrands.flatMap((brandId) => queues.get(brandId) ?? []);
  elements.empty.hidden = views.some((view) => view.waiting.length > 0);
  elements.waiting.replaceChildren(
    ...views.map((view) =>
      h(
        'section',
        { class: 'reply-brand', dataset: { testid: 'reply-brand', brandId: view.brandId } },
        h(
          'h3',
          { class: 'reply-brand__title' },
          brandName(view.brandId),
          ' ',
          h('span', { class: 'muted', dataset: { testid: 'reply-summary' }, text: summaryText(view) }),
        ),
        h('ol', { class: 'reply-list' }, ...view.waiting.map((entry) => waitingItem(entry, nowMs))),
      ),
    ),
  );
  const closed = views
    .flatMap((view) => view.closed)
    .sort((a, b) => (b.closedAtMs ?? 0) - (a.closedAtMs ?? 0))
    .slice(0, 10);
  elements.answered.replaceChildren(...closed.map(closedItem));
}
