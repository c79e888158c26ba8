/*
 * The selected alert: its facts and countdowns, the level's playbook, the evidence samples,
 * the audit trail and the webhook deliveries. Mention text, notes and names are untrusted and
 * reach the page only as text.
 */
import type { AlertSample, AlertView, AuditAction } from '@tocsin/alerting';
import type { WebhookDelivery } from '@tocsin/redis';
import { append, find, findAll, h } from '../shared/dom';
import { formatFollowers } from '@tocsin/domain/format-amount';
import { formatDuration } from '@tocsin/domain/format-duration';
import { formatTime, INFLUENTIAL_FOLLOWERS, plural } from '../shared/format';
import { deadlineOf, deadlineStatus, describeEscalation } from './alert-timing';
import {
  brandName,
  levelName,
  pagesMe,
  personName,
  roleLabel,
  selectedAlert,
  severityBucket,
  state,
  STATE_LABELS,
  STORAGE_KEYS,
} from './console-state';

const MAX_DELIVERIES_SHOWN = 8;

const ACTION_LABELS: Record<AuditAction, string> = {
  opened: 'opened',
  upgraded: 'upgraded',
  notified: 'paged',
  'escalation-skipped': 'escalation skipped',
  acknowledged: 'acknowledged',
  resolved: 'resolved',
  'auto-resolved': 'auto-resolved',
};

const detail = find('[data-testid="alert-detail"]', HTMLElement);
const content = find('.detail__content', HTMLElement, detail);
export const detailElements = {
  empty: find('.detail__empty', HTMLElement, detail),
  ackButton: find('[data-testid="ack-button"]', HTMLButtonElement),
  resolveButton: find('[data-testid="resolve-button"]', HTMLButtonElement),
  silenceLike: find('[data-action="silence-like"]', HTMLButtonElement),
  note: find('.actions textarea[name="note"]', HTMLTextAreaElement),
  actionError: find('[data-testid="action-error"]', HTMLElement),
};
const part = <T extends Element>(selector: string, type: abstract new (...args: never[]) => T): T =>
  find(selector, type, content);

export function renderDetail(): void {
  const alert = selectedAlert();
  detailElements.empty.hidden = Boolean(alert);
  content.hidden = !alert;
  detail.dataset.alertId = alert ? alert.id : '';
  detail.dataset.state = alert ? alert.state : '';
  if (!alert) {
    state.detailKey = '';
    return;
  }
  const paged = pagesMe(alert);
  const badge = part('.level-badge', HTMLElement);
  badge.className = `level-badge sev-${severityBucket(alert.level)}`;
  badge.textContent = levelName(alert.level);
  const chip = part('.state-chip', HTMLElement);
  chip.className = `state-chip state-chip--${alert.state}`;
  chip.textContent = STATE_LABELS[alert.state];
  const pagedChip = part('.paged-chip', HTMLElement);
  pagedChip.hidden = !paged;
  pagedChip.textContent = alert.state === 'open' ? 'Paging you' : 'Paged you';
  detail.classList.toggle('detail--mine', paged);
  detail.classList.toggle('detail--open', alert.state === 'open');
  part('.detail__title', HTMLElement).textContent = `${brandName(alert.brandId)} — ${alert.reason}`;
  part('.detail__meta', HTMLElement).textContent =
    `Opened ${formatTime(alert.openedAtMs)} by trigger ${alert.triggerId} · plan ${alert.planVersion} · ` +
    `${plural(alert.notificationCount, 'page')} sent` +
    (alert.pagedUserIds.length > 0 ? ` to ${[...new Set(alert.pagedUserIds)].map(personName).join(', ')}` : '');
  part('.fact--hits dd', HTMLElement).textContent = alert.evidence.count.toLocaleString();
  part('.fact--peak dd', HTMLElement).textContent = String(alert.evidence.peakPerMin);
  part('.fact--ack dd', HTMLElement).textContent =
    alert.acknowledgedBy && alert.acknowledgedAtMs
      ? `${personName(alert.acknowledgedBy)}, ${formatTime(alert.acknowledgedAtMs)}`
      : alert.state === 'resolved'
        ? 'no, resolved directly'
        : 'not yet';
  part('.fact--ack', HTMLElement).dataset.tone = alert.state === 'open' ? 'pending' : '';

  renderActions(alert);
  const key = `${alert.id}|${alert.level}`;
  if (key !== state.detailKey) {
    state.detailKey = key;
    detailElements.note.value = '';
    renderPlaybook(alert);
  }
  renderSamples(alert);
  renderAudit(alert);
  renderDeliveries(alert);
  tickDetail(Date.now());
}

/** The countdowns of the selected alert, every second. */
export function tickDetail(nowMs: number): void {
  const alert = selectedAlert();
  if (!alert) return;
  const deadline = deadlineStatus(alert, nowMs);
  const deadlineCell = part('.fact--deadline dd', HTMLElement);
  deadlineCell.textContent = deadline ? deadline.text : '—';
  deadlineCell.dataset.tone = deadline ? deadline.tone : '';
  const escalation = describeEscalation(alert.escalationStatus, nowMs);
  const escalationCell = part('.fact--escalation dd', HTMLElement);
  escalationCell.textContent = escalation ? escalation.text : alert.state === 'resolved' ? 'none (resolved)' : '—';
  escalationCell.dataset.tone = escalation ? escalation.tone : '';
  escalationCell.title = escalation?.detail ?? '';
  const budget = deadlineOf(alert);
  const line = part('.playbook__deadline', HTMLElement);
  line.replaceChildren();
  if (budget) {
    append(line, [
      h('strong', { text: `Respond within ${formatDuration(budget.budgetMs)}` }),
      ` of the opening — due ${formatTime(budget.atMs, false)}`,
      deadline ? h('span', { class: 'tone', dataset: { tone: deadline.tone }, text: ` (${deadline.text})` }) : null,
    ]);
  }
}

export function renderActions(alert: AlertView): void {
  const noUser = !state.userId;
  const { ackButton: ack, resolveButton: resolve } = detailElements;
  ack.disabled = noUser || state.busy || alert.state !== 'open';
  resolve.disabled = noUser || state.busy || alert.state === 'resolved';
  ack.title = noUser
    ? 'Choose who you are first'
    : alert.state === 'open'
      ? 'Acknowledge: you own it, escalation stops (a)'
      : `Already ${alert.state}`;
  resolve.title = noUser ? 'Choose who you are first' : alert.state === 'resolved' ? 'Already resolved' : 'Resolve (r)';
  detailElements.note.disabled = alert.state === 'resolved';
  detailElements.silenceLike.disabled = noUser;
}

function readTickedSteps(storageKey: string): number[] {
  try {
    const ticked: unknown = JSON.parse(localStorage.getItem(storageKey) ?? '[]');
    return Array.isArray(ticked) ? ticked.filter((step): step is number => typeof step === 'number') : [];
  } catch {
    return [];
  }
}

function renderPlaybook(alert: AlertView): void {
  const playbook = state.levelById.get(alert.level)?.playbook;
  const checklist = part('.checklist', HTMLElement);
  const responders = part('.playbook__responders', HTMLElement);
  const guidelines = part('.guidelines', HTMLElement);
  checklist.replaceChildren();
  responders.replaceChildren();
  guidelines.replaceChildren();
  if (!playbook) {
    checklist.append(h('li', { class: 'muted', text: `No playbook for level "${alert.level}" in the plan in force.` }));
    return;
  }
  // The checklist is the CM's own scratchpad: kept in this browser, per alert.
  const storageKey = STORAGE_KEYS.checklist(alert.id);
  const ticked = readTickedSteps(storageKey);
  playbook.steps.forEach((step, index) => {
    const input = h('input', { type: 'checkbox', dataset: { step: String(index) } });
    input.checked = ticked.includes(index);
    input.addEventListener('change', () => {
      const now = findAll('input[type="checkbox"]', HTMLInputElement, checklist)
        .filter((box) => box.checked)
        .map((box) => Number(box.dataset.step));
      localStorage.setItem(storageKey, JSON.stringify(now));
    });
    checklist.append(h('li', null, h('label', { class: 'check' }, input, h('span', { text: step }))));
  });

  const { roles, users } = playbook.publicResponders;
  const names = [...roles.map((role) => `every ${roleLabel(role)}`), ...users.map(personName)];
  const me = state.userId ? state.people.get(state.userId) : undefined;
  const mayAnswer = me !== undefined && (roles.includes(me.role) || users.includes(me.id));
  append(responders, [
    h('span', { class: 'label', text: 'Who answers publicly: ' }),
    names.length > 0 ? names.join(', ') : 'nobody named in the plan',
    me
      ? h('span', {
          class: `responder-note ${mayAnswer ? 'responder-note--yes' : 'responder-note--no'}`,
          text: mayAnswer ? ' — you may answer.' : ' — not you: hand over, do not reply publicly.',
        })
      : null,
  ]);

  if (playbook.replyGuidelines.length === 0) {
    guidelines.append(h('li', { class: 'muted', text: 'No reply guidelines for this level.' }));
  }
  for (const guideline of playbook.replyGuidelines) guidelines.append(renderGuideline(guideline));
}

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // Without clipboard permission (plain http), a selected textarea and the copy command still work.
    const area = h('textarea', { class: 'visually-hidden', readonly: true });
    area.value = text;
    document.body.append(area);
    area.select();
    const done = document.execCommand('copy');
    area.remove();
    return done;
  }
}

/** "FR : « … »" and "EN: "…"" guidelines are reply templates: shown with their language and a copy button. */
function renderGuideline(guideline: string): HTMLElement {
  const tagged = /^\s*(FR|EN|DE|ES|IT|NL)\s*:\s*(.+)$/i.exec(guideline);
  const language = tagged?.[1]?.toUpperCase();
  const quoted = /[«“"]\s*([^»”"]+?)\s*[»”"]/.exec(tagged?.[2] ?? guideline);
  const template = quoted?.[1] ?? tagged?.[2]?.trim();
  if (template === undefined) return h('li', { class: 'guideline', text: guideline });
  const button = h('button', { type: 'button', class: 'btn btn--small copy', text: 'Copy' });
  button.setAttribute('aria-label', `Copy the ${language ? `${language} ` : ''}reply template`);
  button.addEventListener('click', () => {
    void copyText(template).then((done) => {
      button.textContent = done ? 'Copied ✓' : 'Copy failed';
      setTimeout(() => {
        button.textContent = 'Copy';
      }, 1500);
    });
  });
  return h(
    'li',
    { class: 'guideline guideline--template' },
    language ? h('span', { class: 'lang', text: language }) : null,
    h('q', { class: 'template', text: template }),
    button,
  );
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Text with the crisis terms in <mark>: built from text nodes, so nothing in it is ever parsed as HTML. */
function highlighted(text: string, terms: readonly string[]): HTMLElement {
  const node = h('p', { class: 'sample__text' });
  const wanted = [...new Set(terms.filter((term) => term.trim().length > 0))].sort((a, b) => b.length - a.length);
  if (wanted.length === 0) {
    node.textContent = text;
    return node;
  }
  const pattern = new RegExp(wanted.map(escapeRegExp).join('|'), 'giu');
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    const index = match.index ?? 0;
    if (index > last) node.append(document.createTextNode(text.slice(last, index)));
    node.append(h('mark', { text: match[0] }));
    last = index + match[0].length;
  }
  if (last < text.length) node.append(document.createTextNode(text.slice(last)));
  return node;
}

/** "@handle" for a bare handle; names with spaces and other forms as they are. */
function authorLabel(author: string | undefined): string {
  if (!author) return 'aggregate signal';
  return /^[@\w]/.test(author) && !author.startsWith('@') && !author.includes(' ') ? `@${author}` : author;
}

function renderSample(sample: AlertSample, allTerms: readonly string[]): HTMLElement {
  const ev = sample.evidence;
  const cues: HTMLElement[] = [];
  if (typeof ev.sentimentScore === 'number') {
    cues.push(
      h('span', {
        class: `cue ${ev.sentimentScore < 0 ? 'cue--negative' : ''}`,
        text: `sentiment ${ev.sentimentScore.toFixed(2)}`,
      }),
    );
  }
  if (ev.terms && ev.terms.length > 0) cues.push(h('span', { class: 'cue', text: `terms: ${ev.terms.join(', ')}` }));
  if (ev.share) {
    cues.push(
      h('span', {
        class: 'cue',
        text: `${ev.share.negative}/${ev.share.total} negative (${Math.round(ev.share.pct)}%) over ${formatDuration(ev.share.windowMs)}`,
      }),
    );
  }
  // The detector's own sentence: observed, expected, band, how unusual, since when.
  if (ev.signal) cues.push(h('span', { class: 'cue', text: ev.signal.explanation }));
  return h(
    'li',
    { class: 'sample', dataset: { testid: 'evidence-sample' } },
    h(
      'div',
      { class: 'sample__head' },
      h('span', { class: 'sample__author', text: authorLabel(ev.author) }),
      ev.verified
        ? h(
            'span',
            { class: 'card__verified', title: 'Verified account' },
            '✓',
            h('span', { class: 'visually-hidden', text: ' verified' }),
          )
        : null,
      typeof ev.followers === 'number'
        ? h('span', {
            class: `sample__followers${ev.followers >= INFLUENTIAL_FOLLOWERS ? ' sample__followers--influential' : ''}`,
            text: `${formatFollowers(ev.followers)} followers`,
          })
        : null,
      ev.platform ? h('span', { class: 'sample__chip', text: ev.platform }) : null,
      ev.country ? h('span', { class: 'sample__chip', text: ev.country }) : null,
      h('time', {
        class: 'sample__time',
        datetime: new Date(sample.atMs).toISOString(),
        text: formatTime(sample.atMs),
      }),
    ),
    ev.text ? highlighted(ev.text, ev.terms && ev.terms.length > 0 ? ev.terms : allTerms) : null,
    h(
      'p',
      { class: 'sample__why' },
      h('span', { class: 'sample__trigger', text: sample.triggerId }),
      ` ${sample.reason}`,
    ),
    cues.length > 0 ? h('p', { class: 'sample__cues' }, cues) : null,
  );
}

function renderSamples(alert: AlertView): void {
  const evidence = alert.evidence;
  part('.evidence__summary', HTMLElement).textContent =
    `${plural(evidence.count, 'hit')} from ${formatTime(evidence.firstSeenAtMs)} to ${formatTime(evidence.lastSeenAtMs)}, ` +
    `peak ${evidence.peakPerMin}/min · triggers: ${evidence.triggerIds.join(', ') || alert.triggerId}` +
    (evidence.samples.length < evidence.count ? ` · latest ${evidence.samples.length} shown` : '');
  const samples = [...evidence.samples].reverse();
  const allTerms = samples.flatMap((sample) => sample.evidence.terms ?? []);
  const list = part('.samples', HTMLElement);
  list.replaceChildren(...samples.map((sample) => renderSample(sample, allTerms)));
  if (samples.length === 0) list.append(h('li', { class: 'muted', text: 'No sample kept for this alert.' }));
}

function renderAudit(alert: AlertView): void {
  part('.audit__list', HTMLElement).replaceChildren(
    ...alert.audit.map((entry) =>
      h(
        'li',
        { class: `audit-entry audit-entry--${entry.action}`, dataset: { testid: 'audit-entry', action: entry.action } },
        h('time', { datetime: new Date(entry.atMs).toISOString(), text: formatTime(entry.atMs) }),
        h('span', {
          class: 'audit-entry__actor',
          text: entry.actor === 'tocsin' ? 'Tocsin (automatic)' : personName(entry.actor),
        }),
        h('span', { class: 'audit-entry__action', text: ACTION_LABELS[entry.action] }),
        entry.from || entry.to
          ? h('span', { class: 'audit-entry__transition', text: `${entry.from ?? '—'} → ${entry.to ?? '—'}` })
          : null,
        entry.reason ? h('span', { class: 'audit-entry__reason', text: entry.reason }) : null,
      ),
    ),
  );
}

function renderDeliveries(alert: AlertView): void {
  const deliveries: WebhookDelivery[] = [...(state.deliveries.get(alert.id) ?? [])].sort((a, b) => b.atMs - a.atMs);
  part('.deliveries__empty', HTMLElement).hidden = deliveries.length > 0;
  const failed = deliveries.filter((delivery) => delivery.status === 'failed').length;
  const retrying = deliveries.filter((delivery) => delivery.status === 'retrying').length;
  find('#deliveries-heading', HTMLElement).textContent =
    `Webhook deliveries${failed > 0 ? ` — ${failed} failed` : ''}${retrying > 0 ? `${failed > 0 ? ',' : ' —'} ${retrying} retrying` : ''}`;
  const shown = deliveries.slice(0, MAX_DELIVERIES_SHOWN);
  const hiddenCount = deliveries.length - shown.length;
  part('.deliveries__list', HTMLElement).replaceChildren(
    ...(hiddenCount > 0
      ? [
          h('li', {
            class: 'muted deliveries__more',
            text: `Latest ${shown.length} of ${deliveries.length} shown (${failed} failed in all).`,
          }),
        ]
      : []),
    ...shown.map((delivery) =>
      h(
        'li',
        { class: `delivery delivery--${delivery.status}`, dataset: { testid: 'delivery', status: delivery.status } },
        h('span', { class: 'delivery__status', text: delivery.status }),
        h('span', { class: 'delivery__format', text: delivery.format }),
        h('span', { class: 'delivery__url', text: delivery.url }),
        h('span', { class: 'delivery__attempts', text: plural(delivery.attempts, 'attempt') }),
        h('time', { text: formatTime(delivery.atMs) }),
        delivery.error ? h('span', { class: 'delivery__error', text: delivery.error }) : null,
      ),
    ),
  );
}
