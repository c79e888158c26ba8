/*
 * The on-call alert console: entry point of the console's bundle, loaded by console.html. It
 * loads the session and the plan summary, connects as the signed-in person, keeps the alerts of the chosen brands
 * up to date and wires the views (list, detail, pager, silences, identity) together.
 */
import type { AlertEventView, AlertView, Incident, IncidentNotification } from '@tocsin/alerting';
import type { WebhookDelivery } from '@tocsin/redis';
import type { PlanSummary } from '../../src/plan.controller';
import { readBrandSelection, writeBrandSelection } from '../shared/brand-selection';
import { find, findAll, h, replaceQuery } from '../shared/dom';
import { loadSession, requestJson, signOut } from '../shared/http.client';
import { connectGateway, describeError, sendCommand, type GatewaySocket } from '../shared/socket.client';
import { detailElements, renderActions, renderDetail, tickDetail } from './alert-detail.view';
import { markSelectedRow, orderedVisibleIds, renderList, tickRows } from './alert-list.view';
import { upsertAlert } from './alert-store';
import { header, rankOf, selectedAlert, state, STATES, type StateFilter } from './console-state';
import { bindIdentity, renderIdentity } from './identity.view';
import { bindIncidents, renderIncidents, showIncidents } from './incidents.view';
import { bindPager, dismissPages, page, renderBanner } from './pager.view';
import { bindReplyQueue, loadReplyQueues, onReplyEvent } from './reply-queue.view';
import { bindSilences, loadSilences, prefillSilence, renderSilenceBrands } from './silences.view';

const HISTORY_LIMIT = 100;
const DETAIL_REFRESH_MS = 10_000;
/**
 * Live alerts are read again this often: an event pushed while another gateway's Redis
 * subscriber was reconnecting never reaches this socket, and a CM must still see the alert.
 */
const LIVE_RESYNC_MS = 30_000;
const ALERT_EVENTS: readonly AlertEventView['kind'][] = [
  'alert.opened',
  'alert.updated',
  'alert.upgraded',
  'alert.acknowledged',
  'alert.escalated',
  'alert.resolved',
];

type Command = 'acknowledge' | 'resolve';

const elements = {
  brandList: find('.brands__list', HTMLElement),
  stateButtons: findAll('[data-state-filter]', HTMLButtonElement),
  levelFilter: find('[data-testid="level-filter"]', HTMLSelectElement),
};
const { showError, clearError, setConnection } = header;

let socket: GatewaySocket | null = null;
let pendingSync = Promise.resolve();
let detailTimer: ReturnType<typeof setTimeout> | undefined;

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function upsert(alert: AlertView): boolean {
  return upsertAlert(state.alerts, alert);
}

function refreshList(): void {
  renderList(select);
}

// ---------------------------------------------------------------- selection and the detail pane

function select(alertId: string | null, focus = false): void {
  state.selectedId = alertId;
  replaceQuery((params) => (alertId ? params.set('alert', alertId) : params.delete('alert')));
  markSelectedRow(alertId, focus);
  detailElements.actionError.hidden = true;
  if (alertId && state.pages.delete(alertId)) renderBanner();
  renderDetail();
  if (alertId) void loadDetail(alertId);
}

function move(step: number): void {
  const ids = orderedVisibleIds();
  if (ids.length === 0) return;
  const index = state.selectedId ? ids.indexOf(state.selectedId) : -1;
  const next = index < 0 ? (step > 0 ? 0 : ids.length - 1) : Math.min(ids.length - 1, Math.max(0, index + step));
  select(ids[next] ?? null, true);
}

/** The alert with its webhook deliveries; refreshed after each event of the selected alert. */
async function loadDetail(alertId: string): Promise<void> {
  clearTimeout(detailTimer);
  detailTimer = undefined;
  try {
    const answer = await requestJson<{ alert: AlertView; deliveries: WebhookDelivery[] }>(
      `/v1/alerts/${encodeURIComponent(alertId)}`,
    );
    if (!answer.ok || !answer.body) {
      if (answer.status === 404 && !state.alerts.has(alertId) && state.selectedId === alertId) {
        showError(`There is no alert "${alertId}" (it may have expired).`);
      }
      return;
    }
    upsert(answer.body.alert);
    state.deliveries.set(alertId, Array.isArray(answer.body.deliveries) ? answer.body.deliveries : []);
    if (state.selectedId === alertId) {
      renderDetail();
      refreshList();
    }
  } catch (error) {
    showError(`Could not load alert ${alertId}: ${messageOf(error)}`);
  }
}

function scheduleDetailRefresh(delayMs: number): void {
  const alertId = state.selectedId;
  if (!alertId) return;
  clearTimeout(detailTimer);
  detailTimer = setTimeout(() => void loadDetail(alertId), delayMs);
}

// ---------------------------------------------------------------- acknowledge / resolve

type CommandAnswer = { ok: true; alert: AlertView } | { ok: false; error: { code: string; message: string } };

/** The same command over HTTP, for when the socket is down. */
async function httpCommand(command: Command, alertId: string, note: string): Promise<CommandAnswer> {
  const answer = await requestJson<AlertView & { code?: string; message?: string }>(
    `/v1/alerts/${encodeURIComponent(alertId)}/${command}`,
    // Who acts is the session's person: the body carries only the note.
    { method: 'POST', body: note ? { note } : {} },
  );
  if (answer.ok && answer.body) return { ok: true, alert: answer.body };
  return {
    ok: false,
    error: { code: answer.body?.code ?? String(answer.status), message: answer.body?.message ?? 'request failed' },
  };
}

async function act(command: Command): Promise<void> {
  const alert = selectedAlert();
  const button = command === 'acknowledge' ? detailElements.ackButton : detailElements.resolveButton;
  if (!alert || button.disabled) return;
  const note = detailElements.note.value.trim();
  state.busy = true;
  renderActions(alert);
  button.setAttribute('aria-busy', 'true');
  detailElements.actionError.hidden = true;
  let answer: CommandAnswer;
  try {
    const payload = note ? { alertId: alert.id, note } : { alertId: alert.id };
    answer = socket?.connected
      ? await sendCommand(socket, `alert.${command}`, payload)
      : await httpCommand(command, alert.id, note);
  } catch (error) {
    answer = { ok: false, error: { code: 'network', message: messageOf(error) } };
  }
  state.busy = false;
  button.removeAttribute('aria-busy');
  if (answer.ok) {
    upsert(answer.alert);
    detailElements.note.value = '';
    state.pages.delete(alert.id);
    renderBanner();
    scheduleDetailRefresh(800);
  } else {
    detailElements.actionError.textContent = `Could not ${command}: ${describeError(answer.error)}`;
    detailElements.actionError.hidden = false;
  }
  refreshList();
  renderDetail();
}

// ---------------------------------------------------------------- socket

/** Rings once per page: the key tells a new page from the same event received again. */
function pageOnce(alert: AlertView, key: string, reason: Parameters<typeof page>[1]): void {
  if (state.seenPages.has(key)) return;
  state.seenPages.add(key);
  page(alert, reason);
}

/**
 * An incident page rings through its most severe open alert: the banner and its "View" lead to
 * an alert of the incident, and acknowledging that alert acknowledges the whole incident.
 */
function onIncidentPaged(incident: Incident, notification: IncidentNotification): void {
  const lead = incident.alerts
    .flatMap((member) => state.alerts.get(member.alertId) ?? [])
    .filter((alert) => alert.state === 'open')
    .sort((a, b) => rankOf(b.level) - rankOf(a.level))[0];
  if (lead) pageOnce(lead, `${incident.id}/page-${incident.notificationCount}`, notification.reason);
}

function onAlertEvent(event: AlertEventView): void {
  upsert(event.alert);
  const alert = state.alerts.get(event.alert.id) ?? event.alert;
  const userId = state.userId;
  if (userId && alert.state === 'open') {
    if (event.kind === 'alert.escalated' && event.notification.recipients.includes(userId)) {
      const { step, reason, atMs } = event.notification;
      pageOnce(alert, `${alert.id}|${step}|${reason}|${atMs}`, reason);
    } else if (event.kind === 'alert.opened' && event.alert.pagedUserIds.includes(userId)) {
      pageOnce(alert, `${alert.id}|0|opened|${alert.openedAtMs}`, 'opened');
    }
  }
  if (state.pages.size > 0) renderBanner();
  refreshList();
  if (alert.id === state.selectedId) {
    renderDetail();
    scheduleDetailRefresh(1000);
  }
}

/** Alerts of every state from before the connection, so a console opened late shows the day's history. */
async function loadHistory(): Promise<void> {
  const answers = await Promise.all(
    STATES.map((name) =>
      requestJson<{ alerts: AlertView[] }>(`/v1/alerts?state=${name}&limit=${HISTORY_LIMIT}`).catch(() => null),
    ),
  );
  for (const answer of answers) {
    if (answer?.ok && answer.body && Array.isArray(answer.body.alerts)) answer.body.alerts.forEach(upsert);
  }
}

async function applySubscription(current: GatewaySocket): Promise<void> {
  if (!current.connected || state.refused) return;
  const removed = state.subscribed.filter((id) => !state.selectedBrands.includes(id));
  if (removed.length > 0) {
    const answer = await sendCommand(current, 'unsubscribe', { brandIds: removed });
    if (!answer.ok) showError(`Could not unsubscribe from ${removed.join(', ')}: ${describeError(answer.error)}`);
  }
  state.subscribed = state.subscribed.filter((id) => state.selectedBrands.includes(id));
  if (state.selectedBrands.length > 0) {
    const answer = await sendCommand(current, 'subscribe', { brandIds: state.selectedBrands });
    if (state.refused || current !== socket) return;
    if (!answer.ok) {
      showError(`Could not subscribe to ${state.selectedBrands.join(', ')}: ${describeError(answer.error)}`);
      return;
    }
    clearError();
    state.subscribed = answer.brandIds;
    answer.alerts.forEach(upsert);
    showIncidents(answer.incidents);
  }
  await loadHistory();
  refreshList();
  renderDetail();
}

/** Subscription changes are applied one after the other, so acks cannot arrive out of order. */
function syncSubscription(): void {
  if (!socket) return;
  const current = socket;
  pendingSync = pendingSync
    .then(() => applySubscription(current))
    .catch((error: unknown) => showError(messageOf(error)));
}

function connect(): void {
  if (socket) {
    socket.removeAllListeners();
    socket.disconnect();
    socket = null;
  }
  state.subscribed = [];
  state.refused = false;
  setConnection('connecting', 'Connecting…');
  const current = connectGateway();
  socket = current;
  const live = (): boolean => current === socket && !state.refused;
  current.on('connect', () => {
    if (!live()) return;
    setConnection('connected', 'Live');
    clearError();
    syncSubscription();
    // Queue changes made while the socket was down were not pushed: read the queues again.
    void loadReplyQueues();
  });
  current.on('disconnect', (reason) => {
    if (!live()) return;
    state.subscribed = [];
    // Dropped on purpose by the server without a refusal: try again.
    if (reason === 'io server disconnect') current.connect();
    setConnection('reconnecting', 'Reconnecting…');
  });
  current.on('connect_error', () => {
    if (live()) setConnection('reconnecting', 'Reconnecting…');
  });
  current.io.on('reconnect_attempt', () => {
    if (live()) setConnection('reconnecting', 'Reconnecting…');
  });
  current.on('connection.refused', (error) => {
    if (current !== socket) return;
    state.refused = true;
    setConnection('refused', 'Refused');
    showError(`The gateway refused this console: ${describeError(error)}.`);
  });
  for (const kind of ALERT_EVENTS) current.on(kind, onAlertEvent);
  bindIncidents(current, () => (live() ? current : null), onIncidentPaged);
  for (const kind of ['reply.queued', 'reply.closed', 'reply.overdue'] as const) current.on(kind, onReplyEvent);
}

// ---------------------------------------------------------------- identity, brands and filters

function renderFilters(): void {
  elements.brandList.replaceChildren();
  for (const brand of state.brands) {
    const input = h('input', { type: 'checkbox', value: brand.id, dataset: { testid: `brand-${brand.id}` } });
    input.checked = state.selectedBrands.includes(brand.id);
    input.addEventListener('change', onBrandToggled);
    elements.brandList.append(h('label', { class: 'brand-option' }, input, h('span', { text: brand.name })));
  }
  renderSilenceBrands();
  elements.levelFilter.replaceChildren(
    h('option', { value: '', text: 'All levels' }),
    ...[...state.levels].reverse().map((level) => h('option', { value: level.id, text: level.name })),
  );
}

function onBrandToggled(): void {
  state.selectedBrands = findAll('input:checked', HTMLInputElement, elements.brandList).map((input) => input.value);
  writeBrandSelection(state.selectedBrands, state.brands.length);
  refreshList();
  renderIncidents();
  syncSubscription();
  void loadReplyQueues();
}

function isStateFilter(value: string | undefined): value is StateFilter {
  return value === 'active' || value === 'all' || STATES.some((name) => name === value);
}

function onStateFilterClicked(clicked: HTMLButtonElement): void {
  const filter = clicked.dataset.stateFilter;
  if (!isStateFilter(filter)) return;
  state.stateFilter = filter;
  for (const button of elements.stateButtons) button.setAttribute('aria-pressed', String(button === clicked));
  refreshList();
}

// ---------------------------------------------------------------- keyboard and clock

function onKeyDown(event: KeyboardEvent): void {
  if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
  const target = event.target;
  if (target instanceof Element && target.closest('input, textarea, select, [contenteditable="true"]')) return;
  switch (event.key) {
    case 'j':
      move(1);
      break;
    case 'k':
      move(-1);
      break;
    case 'a':
      void act('acknowledge');
      break;
    case 'r':
      void act('resolve');
      break;
    case 'Escape':
      if (state.pages.size === 0) return;
      dismissPages();
      break;
    default:
      return;
  }
  event.preventDefault();
}

function tick(): void {
  const now = Date.now();
  tickRows(now);
  tickDetail(now);
}

// ---------------------------------------------------------------- start

async function loadPlan(): Promise<PlanSummary> {
  const answer = await requestJson<PlanSummary>('/v1/plan');
  if (!answer.ok || !answer.body) throw new Error(`GET /v1/plan answered ${answer.status}`);
  return answer.body;
}

function applyPlan(plan: PlanSummary): void {
  state.levels = plan.levels;
  state.levelById = new Map(plan.levels.map((level) => [level.id, level]));
  state.brands = plan.brands;
  state.brandNames = new Map(plan.brands.map((brand) => [brand.id, brand.name || brand.id]));
  state.people = new Map(plan.people.map((person) => [person.id, person]));
}

async function start(): Promise<void> {
  // Without a session this leaves for the sign-in page, which comes back here.
  const session = await loadSession();
  state.userId = session.personId;
  bindIdentity(() => void signOut());
  renderIdentity(session);
  bindPager((alertId) => select(alertId, true));
  bindSilences();
  bindReplyQueue();
  for (const button of elements.stateButtons) button.addEventListener('click', () => onStateFilterClicked(button));
  elements.levelFilter.addEventListener('change', () => {
    state.levelFilter = elements.levelFilter.value;
    refreshList();
  });
  detailElements.ackButton.addEventListener('click', () => void act('acknowledge'));
  detailElements.resolveButton.addEventListener('click', () => void act('resolve'));
  detailElements.silenceLike.addEventListener('click', prefillSilence);
  document.addEventListener('keydown', onKeyDown);
  setInterval(tick, 1000);
  setInterval(() => {
    if (socket?.connected && document.visibilityState === 'visible') syncSubscription();
  }, LIVE_RESYNC_MS);
  setInterval(() => {
    const alert = selectedAlert();
    if (alert && alert.state !== 'resolved' && document.visibilityState === 'visible') void loadDetail(alert.id);
  }, DETAIL_REFRESH_MS);

  const params = new URLSearchParams(window.location.search);
  state.selectedId = params.get('alert');

  try {
    applyPlan(await loadPlan());
  } catch (error) {
    showError(`Could not load the crisis plan: ${messageOf(error)}`);
  }
  state.selectedBrands = readBrandSelection(state.brands.map((brand) => brand.id));

  renderFilters();
  refreshList();
  renderDetail();
  if (state.selectedId) void loadDetail(state.selectedId);
  void loadSilences();
  void loadReplyQueues();
  connect();
}

void start();
