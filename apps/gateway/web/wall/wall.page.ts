/*
 * The mention wall: live mentions of the chosen brands, their mood and the detector's trend.
 * Entry point of the wall's bundle, loaded by index.html.
 */
import type { EnrichedMention, SentimentLabel, SpikeSignal } from '@tocsin/domain';
import { readBrandSelection, writeBrandSelection } from '../shared/brand-selection';
import { find, findAll } from '../shared/dom';
import { ACCESS_ROLE_LABELS } from '../shared/access-labels';
import { loadSession, requestJson, signOut } from '../shared/http.client';
import { bindPageHeader } from '../shared/page-header';
import { connectGateway, describeError, sendCommand, type GatewaySocket } from '../shared/socket.client';
import { createMentionCard, mentionKeyOf } from './mention-card';
import { createTrendChart, isCharted, TREND_INTERVALS, type DrawnEntry, type TrendEntry } from './trend-chart';

/** Older cards are dropped beyond this, so a long shift does not slow the browser down. */
const MAX_CARDS = 200;
/** Keys remembered to skip mentions already shown (a resubscribe sends recent ones again). */
const MAX_SEEN_KEYS = 5000;
const RATE_WINDOW_MS = 60_000;
/** Counts are read out by screen readers, so they change at most this often. */
const COUNTS_REFRESH_MS = 1000;
const SENTIMENTS: readonly SentimentLabel[] = ['negative', 'neutral', 'positive'];

interface Brand {
  id: string;
  name: string;
}

const elements = {
  brandList: find('.brands__list', HTMLElement),
  filterButtons: findAll('button[data-filter]', HTMLButtonElement),
  pause: find('[data-testid="pause-button"]', HTMLButtonElement),
  feed: find('[data-testid="feed"]', HTMLElement),
  empty: find('[data-testid="feed-empty"]', HTMLElement),
  template: find('#mention-card-template', HTMLTemplateElement),
  counts: {
    negative: find('[data-testid="count-negative"]', HTMLElement),
    neutral: find('[data-testid="count-neutral"]', HTMLElement),
    positive: find('[data-testid="count-positive"]', HTMLElement),
    total: find('[data-testid="count-total"]', HTMLElement),
    rate: find('[data-testid="rate-per-minute"]', HTMLElement),
  },
  moodBar: find('[data-testid="mood-bar"]', HTMLElement),
  trends: find('[data-testid="trends"]', HTMLElement),
  trendList: find('.trends__list', HTMLElement),
};
const { showError, clearError, setConnection } = bindPageHeader('[data-testid="wall-error"]');

const state = {
  brands: [] as Brand[],
  brandNames: new Map<string, string>(),
  selected: [] as string[],
  subscribed: [] as string[],
  seen: new Set<string>(),
  counts: { negative: 0, neutral: 0, positive: 0 } as Record<SentimentLabel, number>,
  arrivals: [] as number[],
  paused: false,
  held: [] as EnrichedMention[],
  countsDirty: false,
  /** brandId → intervalStart → the detector's verdicts on that interval. */
  trends: new Map<string, Map<string, TrendEntry>>(),
  trendsDirty: false,
};

const brandName = (brandId: string): string => state.brandNames.get(brandId) ?? brandId;

function renderBrandPicker(): void {
  elements.brandList.replaceChildren();
  if (state.brands.length === 0) {
    const note = document.createElement('span');
    note.className = 'muted';
    note.textContent = 'No brands configured';
    elements.brandList.append(note);
    return;
  }
  for (const brand of state.brands) {
    const label = document.createElement('label');
    label.className = 'brand-option';
    const input = document.createElement('input');
    input.type = 'checkbox';
    input.value = brand.id;
    input.checked = state.selected.includes(brand.id);
    input.dataset.testid = `brand-${brand.id}`;
    input.addEventListener('change', onBrandToggled);
    const name = document.createElement('span');
    name.textContent = brand.name;
    label.append(input, name);
    elements.brandList.append(label);
  }
}

function resetFeed(): void {
  elements.feed.replaceChildren();
  state.seen.clear();
  state.held = [];
  state.arrivals = [];
  state.counts = { negative: 0, neutral: 0, positive: 0 };
  state.countsDirty = true;
  updatePauseLabel();
  renderEmptyNote();
}

function renderEmptyNote(): void {
  elements.empty.hidden = elements.feed.childElementCount > 0;
  elements.empty.textContent =
    state.selected.length === 0 ? 'Pick at least one brand to see its mentions.' : 'Waiting for mentions…';
}

function card(mention: EnrichedMention, fresh: boolean): HTMLElement {
  return createMentionCard(elements.template, mention, brandName, fresh);
}

function trimFeed(): void {
  while (elements.feed.childElementCount > MAX_CARDS) elements.feed.lastElementChild?.remove();
}

function isWanted(mention: EnrichedMention): boolean {
  return mention.brandIds.some((id) => state.selected.includes(id));
}

/** Records a mention once; returns false when it was already counted. */
function remember(mention: EnrichedMention): boolean {
  const key = mentionKeyOf(mention);
  if (state.seen.has(key)) return false;
  state.seen.add(key);
  if (state.seen.size > MAX_SEEN_KEYS) {
    const oldest = state.seen.values().next();
    if (!oldest.done) state.seen.delete(oldest.value);
  }
  state.counts[mention.sentiment.label] += 1;
  state.countsDirty = true;
  return true;
}

/** `recent` is newest first; after a reconnection only the ones missed are new, and they go on top. */
function showRecent(recent: readonly EnrichedMention[]): void {
  const fragment = document.createDocumentFragment();
  for (const mention of recent) {
    if (isWanted(mention) && remember(mention)) fragment.append(card(mention, false));
  }
  elements.feed.prepend(fragment);
  trimFeed();
  renderEmptyNote();
}

function onMentionCreated(mention: EnrichedMention): void {
  if (!isWanted(mention) || !remember(mention)) return;
  state.arrivals.push(Date.now());
  if (state.paused) {
    state.held.push(mention);
    if (state.held.length > MAX_CARDS) state.held.shift();
    updatePauseLabel();
    return;
  }
  elements.feed.prepend(card(mention, true));
  trimFeed();
  renderEmptyNote();
}

function renderCounts(): void {
  const cutoff = Date.now() - RATE_WINDOW_MS;
  while ((state.arrivals[0] ?? Infinity) < cutoff) state.arrivals.shift();
  elements.counts.rate.textContent = String(state.arrivals.length);
  if (!state.countsDirty) return;
  state.countsDirty = false;
  const total = SENTIMENTS.reduce((sum, sentiment) => sum + state.counts[sentiment], 0);
  for (const sentiment of SENTIMENTS) {
    elements.counts[sentiment].textContent = state.counts[sentiment].toLocaleString();
    const share = total === 0 ? 0 : (state.counts[sentiment] / total) * 100;
    find(`.mood-bar__part--${sentiment}`, HTMLElement, elements.moodBar).style.width = `${share}%`;
  }
  elements.counts.total.textContent = total.toLocaleString();
  elements.moodBar.setAttribute(
    'aria-label',
    total === 0
      ? 'No mentions yet'
      : SENTIMENTS.map((sentiment) => `${Math.round((state.counts[sentiment] / total) * 100)}% ${sentiment}`).join(
          ', ',
        ),
  );
}

function onSignal(signal: SpikeSignal): void {
  const metric = signal.metric;
  if (!isCharted(metric) || !state.selected.includes(signal.brandId)) return;
  let intervals = state.trends.get(signal.brandId);
  if (!intervals) {
    intervals = new Map();
    state.trends.set(signal.brandId, intervals);
  }
  intervals.set(signal.intervalStart, { ...intervals.get(signal.intervalStart), [metric]: signal });
  while (intervals.size > TREND_INTERVALS) {
    const oldest = [...intervals.keys()].sort()[0];
    if (oldest === undefined) break;
    intervals.delete(oldest);
  }
  state.trendsDirty = true;
}

function renderTrends(): void {
  if (!state.trendsDirty) return;
  state.trendsDirty = false;
  const figures: HTMLElement[] = [];
  for (const brandId of state.selected) {
    const intervals = state.trends.get(brandId);
    if (!intervals) continue;
    const entries = [...intervals.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([, entry]) => entry)
      .filter((entry): entry is DrawnEntry => entry.volume !== undefined);
    if (entries.length > 0) figures.push(createTrendChart(brandId, brandName(brandId), entries));
  }
  elements.trendList.replaceChildren(...figures);
  elements.trends.hidden = figures.length === 0;
}

function updatePauseLabel(): void {
  elements.pause.setAttribute('aria-pressed', String(state.paused));
  elements.pause.textContent = state.paused
    ? `Resume feed${state.held.length > 0 ? ` (${state.held.length} new)` : ''}`
    : 'Pause feed';
}

function onPauseClicked(): void {
  state.paused = !state.paused;
  if (!state.paused && state.held.length > 0) {
    const fragment = document.createDocumentFragment();
    for (const mention of state.held.reverse()) fragment.append(card(mention, true));
    state.held = [];
    elements.feed.prepend(fragment);
    trimFeed();
    renderEmptyNote();
  }
  updatePauseLabel();
}

function onFilterClicked(clicked: HTMLButtonElement): void {
  elements.feed.dataset.filter = clicked.dataset.filter ?? '';
  for (const button of elements.filterButtons) button.setAttribute('aria-pressed', String(button === clicked));
}

async function applySelection(socket: GatewaySocket, reset: boolean): Promise<void> {
  if (!socket.connected) return;
  const removed = state.subscribed.filter((id) => !state.selected.includes(id));
  if (removed.length > 0) {
    const answer = await sendCommand(socket, 'unsubscribe', { brandIds: removed });
    if (!answer.ok) showError(`Could not unsubscribe from ${removed.join(', ')}: ${describeError(answer.error)}`);
  }
  state.subscribed = state.subscribed.filter((id) => state.selected.includes(id));
  if (reset) {
    resetFeed();
    state.trends.clear();
    state.trendsDirty = true;
  }
  if (state.selected.length === 0) {
    clearError();
    return;
  }
  const answer = await sendCommand(socket, 'subscribe', { brandIds: state.selected });
  if (!answer.ok) {
    showError(`Could not subscribe to ${state.selected.join(', ')}: ${describeError(answer.error)}`);
    return;
  }
  clearError();
  state.subscribed = answer.brandIds;
  showRecent(answer.recent);
  for (const signal of answer.signals) onSignal(signal);
}

let socket: GatewaySocket | null = null;
let pendingSelection = Promise.resolve();

/** Selection changes are applied one after the other, so acks cannot arrive out of order. */
function syncSelection(reset: boolean): void {
  if (socket === null) return;
  const current = socket;
  pendingSelection = pendingSelection
    .then(() => applySelection(current, reset))
    .catch((error: unknown) => showError(error instanceof Error ? error.message : String(error)));
}

function onBrandToggled(): void {
  state.selected = findAll('input:checked', HTMLInputElement, elements.brandList).map((input) => input.value);
  writeBrandSelection(state.selected, state.brands.length);
  syncSelection(true);
}

async function loadBrands(): Promise<Brand[]> {
  const answer = await requestJson<Brand[]>('/v1/brands');
  if (!answer.ok) throw new Error(`GET /v1/brands answered ${answer.status}`);
  if (!Array.isArray(answer.body)) throw new Error('GET /v1/brands did not answer a list');
  return answer.body;
}

function connect(): void {
  const current = connectGateway();
  socket = current;
  current.on('connect', () => {
    setConnection('connected', 'Live');
    syncSelection(false);
  });
  current.on('disconnect', () => {
    // Rooms do not survive a reconnection: the next connection subscribes again from scratch.
    state.subscribed = [];
    setConnection('reconnecting', 'Reconnecting…');
  });
  current.on('connect_error', () => setConnection('reconnecting', 'Reconnecting…'));
  current.on('mention.created', onMentionCreated);
  current.on('signal.spike', onSignal);
  current.on('connection.refused', (error) => {
    setConnection('offline', 'Refused');
    showError(`The gateway refused this connection: ${describeError(error)}`);
  });
}

async function start(): Promise<void> {
  // Without a session this leaves for the sign-in page, which comes back here.
  const session = await loadSession();
  find('[data-testid="signed-in-as"]', HTMLElement).textContent =
    `${session.name} · ${ACCESS_ROLE_LABELS[session.role]}`;
  find('[data-testid="sign-out"]', HTMLButtonElement).addEventListener('click', () => void signOut());
  elements.pause.addEventListener('click', onPauseClicked);
  for (const button of elements.filterButtons) button.addEventListener('click', () => onFilterClicked(button));
  setInterval(() => {
    renderCounts();
    renderTrends();
  }, COUNTS_REFRESH_MS);
  try {
    state.brands = await loadBrands();
  } catch (error) {
    showError(`Could not load the brands: ${error instanceof Error ? error.message : String(error)}`);
    state.brands = [];
  }
  state.brandNames = new Map(state.brands.map((brand) => [brand.id, brand.name || brand.id]));
  state.selected = readBrandSelection(state.brands.map((brand) => brand.id));
  renderBrandPicker();
  renderEmptyNote();
  connect();
}

void start();
