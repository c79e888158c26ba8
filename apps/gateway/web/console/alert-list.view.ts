/* The alert list: alerts of the chosen brands grouped by state, most severe first. */
import type { AlertView } from '@tocsin/alerting';
import { find, findAll, h } from '../shared/dom';
import { formatAgo, formatTime, plural } from '../shared/format';
import { deadlineStatus, describeEscalation } from './alert-timing';
import {
  brandName,
  levelName,
  pagesMe,
  personName,
  rankOf,
  severityBucket,
  state,
  STATE_LABELS,
  STATES,
} from './console-state';

const elements = {
  summary: find('.alerts__summary', HTMLElement),
  empty: find('[data-testid="alerts-empty"]', HTMLElement),
  groups: find('.alert-groups', HTMLElement),
  knownTriggers: find('#known-triggers', HTMLDataListElement),
};

/** The parts of a row that change every second. */
interface RowClock {
  alert: AlertView;
  age: HTMLElement;
  deadline: HTMLElement;
  escalation: HTMLElement;
}

const rowClocks = new Map<string, RowClock>();

function visibleAlerts(): AlertView[] {
  const states: readonly AlertView['state'][] =
    state.stateFilter === 'active'
      ? ['open', 'acknowledged']
      : state.stateFilter === 'all'
        ? STATES
        : [state.stateFilter];
  return [...state.alerts.values()].filter(
    (alert) =>
      states.includes(alert.state) &&
      state.selectedBrands.includes(alert.brandId) &&
      (!state.levelFilter || alert.level === state.levelFilter),
  );
}

/** Most severe first, then newest; resolved ones by when they were resolved. */
function compareAlerts(a: AlertView, b: AlertView): number {
  if (a.state === 'resolved' && b.state === 'resolved') return (b.resolvedAtMs ?? 0) - (a.resolvedAtMs ?? 0);
  return rankOf(b.level) - rankOf(a.level) || b.openedAtMs - a.openedAtMs;
}

/** The visible alerts in the order the list shows them, for moving with j and k. */
export function orderedVisibleIds(): string[] {
  const alerts = visibleAlerts();
  return STATES.flatMap((name) => alerts.filter((alert) => alert.state === name).sort(compareAlerts)).map(
    (alert) => alert.id,
  );
}

export function levelBadge(levelId: string): HTMLElement {
  return h(
    'span',
    {
      class: `level-badge sev-${severityBucket(levelId)}`,
      title: `Severity level ${rankOf(levelId) + 1} of ${state.levels.length}`,
    },
    levelName(levelId),
  );
}

function tickRow(clock: RowClock, nowMs: number): void {
  const { alert } = clock;
  clock.age.textContent =
    alert.state === 'resolved' && alert.resolvedAtMs
      ? `resolved ${formatAgo(alert.resolvedAtMs, nowMs)}`
      : `opened ${formatAgo(alert.openedAtMs, nowMs)}`;
  clock.age.title = `Opened ${formatTime(alert.openedAtMs)}`;
  const deadline = deadlineStatus(alert, nowMs);
  clock.deadline.textContent = deadline ? deadline.text : '';
  clock.deadline.dataset.tone = deadline ? deadline.tone : '';
  const escalation = describeEscalation(alert.escalationStatus, nowMs);
  clock.escalation.textContent = escalation ? escalation.text : '';
  clock.escalation.dataset.tone = escalation ? escalation.tone : '';
  clock.escalation.title = escalation?.detail ?? '';
}

export function tickRows(nowMs: number): void {
  for (const clock of rowClocks.values()) tickRow(clock, nowMs);
}

function createRow(alert: AlertView, onSelect: (alertId: string) => void): HTMLElement {
  const paged = pagesMe(alert);
  const selected = alert.id === state.selectedId;
  const age = h('span', { class: 'row__age' });
  const deadline = h('span', { class: 'row__deadline' });
  const escalation = h('span', { class: 'row__escalation' });
  const button = h(
    'button',
    { type: 'button', class: 'row__select', 'aria-current': selected ? 'true' : 'false' },
    h(
      'span',
      { class: 'row__line row__line--head' },
      levelBadge(alert.level),
      h('span', { class: 'row__brand', text: brandName(alert.brandId) }),
      h('span', { class: `state-chip state-chip--${alert.state}`, text: STATE_LABELS[alert.state] }),
      paged ? h('span', { class: 'paged-chip', text: alert.state === 'open' ? 'Paging you' : 'Paged you' }) : null,
      age,
    ),
    h('span', { class: 'row__reason', text: alert.reason }),
    h(
      'span',
      { class: 'row__line row__line--meta' },
      h('span', { class: 'row__hits', text: plural(alert.evidence.count, 'hit') }),
      deadline,
      alert.acknowledgedBy
        ? h('span', { class: 'row__ack', text: `ack by ${personName(alert.acknowledgedBy)}` })
        : null,
      alert.state === 'resolved' && alert.resolvedBy
        ? h('span', { class: 'row__ack', text: `resolved by ${personName(alert.resolvedBy)}` })
        : null,
      escalation,
    ),
  );
  const row = h(
    'li',
    {
      class: `alert-row sev-${severityBucket(alert.level)}${paged ? ' alert-row--mine' : ''}${selected ? ' alert-row--selected' : ''}`,
      dataset: { testid: 'alert-row', alertId: alert.id, state: alert.state, level: alert.level, paged: String(paged) },
    },
    button,
  );
  button.addEventListener('click', () => onSelect(alert.id));
  const clock = { alert, age, deadline, escalation };
  rowClocks.set(alert.id, clock);
  tickRow(clock, Date.now());
  return row;
}

function rowButton(alertId: string): HTMLButtonElement | null {
  const row = document.querySelector(`[data-testid="alert-row"][data-alert-id="${CSS.escape(alertId)}"] .row__select`);
  return row instanceof HTMLButtonElement ? row : null;
}

/** Redraws the list, keeping the keyboard focus on the row that had it. */
export function renderList(onSelect: (alertId: string) => void): void {
  const focused = document.activeElement?.closest<HTMLElement>('[data-testid="alert-row"]');
  const focusedAlertId = focused?.dataset.alertId;
  rowClocks.clear();
  const alerts = visibleAlerts();
  const groups: HTMLElement[] = [];
  for (const name of STATES) {
    const inState = alerts.filter((alert) => alert.state === name).sort(compareAlerts);
    if (inState.length === 0) continue;
    groups.push(
      h(
        'section',
        { class: `group group--${name}`, 'aria-label': `${STATE_LABELS[name]} alerts` },
        h(
          'h3',
          { class: 'group__title' },
          STATE_LABELS[name],
          h('span', { class: 'group__count', text: String(inState.length) }),
        ),
        h(
          'ol',
          { class: 'alert-list' },
          inState.map((alert) => createRow(alert, onSelect)),
        ),
      ),
    );
  }
  elements.groups.replaceChildren(...groups);
  elements.empty.hidden = groups.length > 0;
  elements.empty.textContent = !state.userId
    ? 'Choose who you are to see the alerts.'
    : state.selectedBrands.length === 0
      ? 'Pick at least one brand to see its alerts.'
      : state.stateFilter === 'active'
        ? 'No active alert. All quiet.'
        : 'No alert matches these filters.';
  const all = [...state.alerts.values()].filter((alert) => state.selectedBrands.includes(alert.brandId));
  const count = (name: AlertView['state']): number => all.filter((alert) => alert.state === name).length;
  elements.summary.textContent = `${count('open')} open · ${count('acknowledged')} acknowledged · ${count('resolved')} resolved`;
  if (focusedAlertId) rowButton(focusedAlertId)?.focus({ preventScroll: true });
  renderKnownTriggers();
}

/** Trigger ids of the alerts seen, offered when a silence names a trigger. */
function renderKnownTriggers(): void {
  const ids = new Set<string>();
  for (const alert of state.alerts.values()) for (const id of alert.evidence.triggerIds) ids.add(id);
  elements.knownTriggers.replaceChildren(...[...ids].sort().map((id) => h('option', { value: id })));
}

/** Marks the selected row without redrawing the list; `focus` moves the keyboard focus to it. */
export function markSelectedRow(alertId: string | null, focus: boolean): void {
  for (const row of findAll('[data-testid="alert-row"]', HTMLElement)) {
    const selected = row.dataset.alertId === alertId;
    row.classList.toggle('alert-row--selected', selected);
    find('.row__select', HTMLElement, row).setAttribute('aria-current', String(selected));
  }
  if (focus && alertId) {
    const button = rowButton(alertId);
    button?.focus();
    button?.scrollIntoView({ block: 'nearest' });
  }
}
