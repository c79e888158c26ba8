'use strict';

(() => {
  /** Older cards are dropped beyond this, so a long shift does not slow the browser down. */
  const MAX_CARDS = 200;
  /** Keys remembered to skip mentions already shown (a resubscribe sends recent ones again). */
  const MAX_SEEN_KEYS = 5000;
  const RATE_WINDOW_MS = 60_000;
  /** Counts are read out by screen readers, so they change at most this often. */
  const COUNTS_REFRESH_MS = 1000;
  const SENTIMENTS = ['negative', 'neutral', 'positive'];
  const INFLUENTIAL_FOLLOWERS = 100_000;
  /** Intervals drawn per brand: two hours of the pipeline's 1-minute intervals. */
  const TREND_INTERVALS = 120;
  const CHARTED_METRICS = ['volume', 'negativeVolume'];
  const SVG_NS = 'http://www.w3.org/2000/svg';

  const elements = {
    status: document.querySelector('[data-testid="connection-status"]'),
    statusText: document.querySelector('.status__text'),
    brandList: document.querySelector('.brands__list'),
    filterButtons: [...document.querySelectorAll('[data-filter]')].filter((node) => node.tagName === 'BUTTON'),
    pause: document.querySelector('[data-testid="pause-button"]'),
    error: document.querySelector('[data-testid="wall-error"]'),
    feed: document.querySelector('[data-testid="feed"]'),
    empty: document.querySelector('[data-testid="feed-empty"]'),
    template: document.getElementById('mention-card-template'),
    counts: {
      negative: document.querySelector('[data-testid="count-negative"]'),
      neutral: document.querySelector('[data-testid="count-neutral"]'),
      positive: document.querySelector('[data-testid="count-positive"]'),
      total: document.querySelector('[data-testid="count-total"]'),
      rate: document.querySelector('[data-testid="rate-per-minute"]'),
    },
    moodBar: document.querySelector('[data-testid="mood-bar"]'),
    trends: document.querySelector('[data-testid="trends"]'),
    trendList: document.querySelector('.trends__list'),
  };
  const { formatCompact, emitWithAck, describeError } = window.TocsinPage;
  const { showError, clearError, setConnection } = window.TocsinPage.bindHeader(elements);

  const state = {
    brands: [],
    brandNames: new Map(),
    selected: [],
    subscribed: [],
    seen: new Set(),
    counts: { negative: 0, neutral: 0, positive: 0 },
    arrivals: [],
    paused: false,
    held: [],
    countsDirty: false,
    /** brandId → intervalStart → { volume, negativeVolume } verdicts of the detector. */
    trends: new Map(),
    trendsDirty: false,
  };

  const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  const dayFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });

  function formatTime(iso) {
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) return iso;
    const sameDay = date.toDateString() === new Date().toDateString();
    return sameDay ? timeFormat.format(date) : `${dayFormat.format(date)} ${timeFormat.format(date)}`;
  }

  /** Brand selection lives in the URL so a console can be bookmarked per brand. */
  function readSelectionFromUrl(knownIds) {
    const param = new URLSearchParams(window.location.search).get('brands');
    if (param === null) return knownIds;
    const wanted = param
      .split(',')
      .map((id) => id.trim())
      .filter((id) => knownIds.includes(id));
    return wanted;
  }

  function writeSelectionToUrl() {
    const url = new URL(window.location.href);
    const all = state.selected.length === state.brands.length;
    if (all) url.searchParams.delete('brands');
    else url.searchParams.set('brands', state.selected.join(','));
    window.history.replaceState(null, '', url);
  }

  function renderBrandPicker() {
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

  function resetFeed() {
    elements.feed.replaceChildren();
    state.seen.clear();
    state.held = [];
    state.arrivals = [];
    state.counts = { negative: 0, neutral: 0, positive: 0 };
    state.countsDirty = true;
    updatePauseLabel();
    renderEmptyNote();
  }

  function renderEmptyNote() {
    elements.empty.hidden = elements.feed.childElementCount > 0;
    elements.empty.textContent =
      state.selected.length === 0 ? 'Pick at least one brand to see its mentions.' : 'Waiting for mentions…';
  }

  function sentimentOf(mention) {
    const label = mention.sentiment && mention.sentiment.label;
    return SENTIMENTS.includes(label) ? label : 'neutral';
  }

  function describeCues(mention, sentiment) {
    const cues = (mention.sentiment && Array.isArray(mention.sentiment.cues) ? mention.sentiment.cues : []).filter(
      (cue) => typeof cue === 'string' && cue.length > 0,
    );
    return cues.length === 0 ? '' : `why ${sentiment}: ${cues.join(', ')}`;
  }

  /** Only web links are followed; anything else in `url` is shown as nothing. */
  function safeHref(url) {
    try {
      const parsed = new URL(url);
      return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : null;
    } catch {
      return null;
    }
  }

  /** Every field goes in through textContent or a checked attribute: mention text is untrusted. */
  function createCard(mention, fresh) {
    const sentiment = sentimentOf(mention);
    const item = elements.template.content.firstElementChild.cloneNode(true);
    const find = (selector) => item.querySelector(selector);
    const author = mention.author || {};
    const handle = String(author.handle || '').replace(/^@/, '');
    const brandIds = Array.isArray(mention.brandIds) ? mention.brandIds : [];

    item.dataset.sentiment = sentiment;
    item.dataset.brands = brandIds.join(',');
    item.dataset.key = mention.key || `${mention.platform}:${mention.id}`;
    if (fresh) item.classList.add('card--fresh');

    find('.card__avatar').textContent = (author.name || handle || '?').trim().charAt(0).toUpperCase();
    find('.card__name').textContent = author.name || `@${handle}`;
    find('.card__handle').textContent = author.name ? `@${handle}` : '';
    find('.card__verified').hidden = author.verified !== true;
    const followers = find('.card__followers');
    if (typeof author.followers === 'number') {
      followers.textContent = `${formatCompact(author.followers)} followers`;
      followers.classList.toggle('card__followers--influential', author.followers >= INFLUENTIAL_FOLLOWERS);
    }

    const badge = find('.card__sentiment');
    badge.textContent = sentiment;
    if (mention.sentiment && typeof mention.sentiment.score === 'number') {
      badge.title = `score ${mention.sentiment.score.toFixed(2)}, confidence ${Number(mention.sentiment.confidence || 0).toFixed(2)}`;
    }

    find('.card__text').textContent = mention.text;
    find('.card__cues').textContent = describeCues(mention, sentiment);

    const brandList = find('.card__brands');
    for (const brandId of brandIds) {
      const chip = document.createElement('li');
      chip.textContent = state.brandNames.get(brandId) || brandId;
      brandList.append(chip);
    }
    find('.card__platform').textContent = mention.platform;
    find('.card__place').textContent = [mention.country, mention.lang].filter(Boolean).join(' · ');
    const time = find('.card__time');
    time.dateTime = mention.createdAt;
    time.textContent = formatTime(mention.createdAt);
    time.title = mention.createdAt;
    const href = mention.url ? safeHref(mention.url) : null;
    if (href !== null) {
      const link = find('.card__link');
      link.href = href;
      link.hidden = false;
      link.setAttribute('aria-label', `Open the ${mention.platform} post by @${handle}`);
    }
    return item;
  }

  function trimFeed() {
    while (elements.feed.childElementCount > MAX_CARDS) elements.feed.lastElementChild.remove();
  }

  function isWanted(mention) {
    const brandIds = Array.isArray(mention.brandIds) ? mention.brandIds : [];
    return brandIds.some((id) => state.selected.includes(id));
  }

  /** Records a mention once; returns false when it was already counted. */
  function remember(mention) {
    const key = mention.key || `${mention.platform}:${mention.id}`;
    if (state.seen.has(key)) return false;
    state.seen.add(key);
    if (state.seen.size > MAX_SEEN_KEYS) state.seen.delete(state.seen.values().next().value);
    state.counts[sentimentOf(mention)] += 1;
    state.countsDirty = true;
    return true;
  }

  /** `recent` is newest first; after a reconnection only the ones missed are new, and they go on top. */
  function showRecent(recent) {
    const fragment = document.createDocumentFragment();
    for (const mention of recent) {
      if (isWanted(mention) && remember(mention)) fragment.append(createCard(mention, false));
    }
    elements.feed.prepend(fragment);
    trimFeed();
    renderEmptyNote();
  }

  function onMentionCreated(mention) {
    if (!mention || !isWanted(mention) || !remember(mention)) return;
    state.arrivals.push(Date.now());
    if (state.paused) {
      state.held.push(mention);
      if (state.held.length > MAX_CARDS) state.held.shift();
      updatePauseLabel();
      return;
    }
    elements.feed.prepend(createCard(mention, true));
    trimFeed();
    renderEmptyNote();
  }

  function renderCounts() {
    const cutoff = Date.now() - RATE_WINDOW_MS;
    while (state.arrivals.length > 0 && state.arrivals[0] < cutoff) state.arrivals.shift();
    elements.counts.rate.textContent = String(state.arrivals.length);
    if (!state.countsDirty) return;
    state.countsDirty = false;
    const total = SENTIMENTS.reduce((sum, sentiment) => sum + state.counts[sentiment], 0);
    for (const sentiment of SENTIMENTS) {
      elements.counts[sentiment].textContent = state.counts[sentiment].toLocaleString();
      const share = total === 0 ? 0 : (state.counts[sentiment] / total) * 100;
      elements.moodBar.querySelector(`.mood-bar__part--${sentiment}`).style.width = `${share}%`;
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

  /** Whole above 100, two significant digits below: "0.4", "12", "340". */
  function formatAmount(value) {
    return value >= 100 ? String(Math.round(value)) : String(Number(value.toPrecision(2)));
  }

  function onSignal(signal) {
    if (!signal || !CHARTED_METRICS.includes(signal.metric) || !state.selected.includes(signal.brandId)) return;
    let intervals = state.trends.get(signal.brandId);
    if (!intervals) {
      intervals = new Map();
      state.trends.set(signal.brandId, intervals);
    }
    intervals.set(signal.intervalStart, { ...intervals.get(signal.intervalStart), [signal.metric]: signal });
    while (intervals.size > TREND_INTERVALS) intervals.delete([...intervals.keys()].sort()[0]);
    state.trendsDirty = true;
  }

  function svgNode(tag, attributes) {
    const node = document.createElementNS(SVG_NS, tag);
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
    return node;
  }

  /** Bars of what was seen over the band the detector expected, right-aligned on the latest interval. */
  function createTrend(brandId, entries) {
    const height = 100;
    const latest = entries[entries.length - 1];
    const top = Math.max(1, ...entries.map((entry) => Math.max(entry.volume.observed, entry.volume.expected))) * 1.15;
    const y = (value) => height - (Math.min(Math.max(value, 0), top) / top) * height;
    const chart = svgNode('svg', { viewBox: `0 0 ${TREND_INTERVALS} ${height}`, preserveAspectRatio: 'none' });
    const firstX = TREND_INTERVALS - entries.length;
    entries.forEach(({ volume, negativeVolume }, index) => {
      const x = firstX + index;
      const bandTop = y(volume.upper);
      chart.append(
        svgNode('rect', { class: 'trend__band', x, y: bandTop, width: 1, height: y(volume.lower) - bandTop }),
        svgNode('rect', {
          class: 'trend__bar',
          'data-testid': 'trend-bar',
          x: x + 0.1,
          y: y(volume.observed),
          width: 0.8,
          height: height - y(volume.observed),
        }),
      );
      if (negativeVolume) {
        chart.append(
          svgNode('rect', {
            class: 'trend__bar trend__bar--negative',
            x: x + 0.1,
            y: y(negativeVolume.observed),
            width: 0.8,
            height: height - y(negativeVolume.observed),
          }),
        );
      }
      if (volume.alert || (negativeVolume && negativeVolume.alert)) {
        chart.append(svgNode('polygon', { class: 'trend__spike', points: `${x - 1},0 ${x + 2},0 ${x + 0.5},8` }));
      }
    });
    chart.append(
      svgNode('polyline', {
        class: 'trend__expected',
        points: entries.map((entry, index) => `${firstX + index + 0.5},${y(entry.volume.expected)}`).join(' '),
      }),
    );

    const underWay = latest.volume.since !== undefined || (latest.negativeVolume && latest.negativeVolume.since);
    const seconds = (Date.parse(latest.volume.intervalEnd) - Date.parse(latest.volume.intervalStart)) / 1000;
    const per = seconds === 60 ? 'min' : seconds % 60 === 0 ? `${seconds / 60} min` : `${seconds} s`;
    const negative = latest.negativeVolume ? `, ${formatAmount(latest.negativeVolume.observed)} negative` : '';
    const summary =
      `${formatAmount(latest.volume.observed)}/${per}${negative} · usual ${formatAmount(latest.volume.expected)}` +
      (underWay ? ' · spike under way' : '');
    chart.setAttribute('role', 'img');
    chart.setAttribute('aria-label', `${state.brandNames.get(brandId) || brandId}: ${summary}`);

    const figure = document.createElement('figure');
    figure.className = underWay ? 'trend trend--spike' : 'trend';
    figure.dataset.testid = 'trend';
    figure.dataset.brand = brandId;
    const caption = document.createElement('figcaption');
    const name = document.createElement('span');
    name.textContent = state.brandNames.get(brandId) || brandId;
    const now = document.createElement('span');
    now.className = 'trend__now';
    now.textContent = summary;
    caption.append(name, now);
    figure.append(caption, chart);
    return figure;
  }

  function renderTrends() {
    if (!state.trendsDirty) return;
    state.trendsDirty = false;
    const figures = [];
    for (const brandId of state.selected) {
      const intervals = state.trends.get(brandId);
      if (!intervals) continue;
      const entries = [...intervals.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([, entry]) => entry)
        .filter((entry) => entry.volume);
      if (entries.length > 0) figures.push(createTrend(brandId, entries));
    }
    elements.trendList.replaceChildren(...figures);
    elements.trends.hidden = figures.length === 0;
  }

  function updatePauseLabel() {
    elements.pause.setAttribute('aria-pressed', String(state.paused));
    elements.pause.textContent = state.paused
      ? `Resume feed${state.held.length > 0 ? ` (${state.held.length} new)` : ''}`
      : 'Pause feed';
  }

  function onPauseClicked() {
    state.paused = !state.paused;
    if (!state.paused && state.held.length > 0) {
      const fragment = document.createDocumentFragment();
      for (const mention of state.held.reverse()) fragment.append(createCard(mention, true));
      state.held = [];
      elements.feed.prepend(fragment);
      trimFeed();
      renderEmptyNote();
    }
    updatePauseLabel();
  }

  function onFilterClicked(event) {
    const filter = event.currentTarget.dataset.filter;
    elements.feed.dataset.filter = filter;
    for (const button of elements.filterButtons)
      button.setAttribute('aria-pressed', String(button === event.currentTarget));
  }

  async function applySelection(socket, reset) {
    if (!socket.connected) return;
    const removed = state.subscribed.filter((id) => !state.selected.includes(id));
    if (removed.length > 0) {
      const ack = await emitWithAck(socket, 'unsubscribe', { brandIds: removed });
      if (!ack || ack.ok !== true)
        showError(`Could not unsubscribe from ${removed.join(', ')}: ${describeError(ack && ack.error)}`);
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
    const ack = await emitWithAck(socket, 'subscribe', { brandIds: state.selected });
    if (!ack || ack.ok !== true) {
      showError(`Could not subscribe to ${state.selected.join(', ')}: ${describeError(ack && ack.error)}`);
      return;
    }
    clearError();
    state.subscribed = Array.isArray(ack.brandIds) ? ack.brandIds : state.selected;
    showRecent(Array.isArray(ack.recent) ? ack.recent : []);
    for (const signal of Array.isArray(ack.signals) ? ack.signals : []) onSignal(signal);
  }

  let socket = null;
  let pendingSelection = Promise.resolve();

  /** Selection changes are applied one after the other, so acks cannot arrive out of order. */
  function syncSelection(reset) {
    if (socket === null) return;
    const current = socket;
    pendingSelection = pendingSelection
      .then(() => applySelection(current, reset))
      .catch((error) => showError(error.message));
  }

  function onBrandToggled() {
    state.selected = [...elements.brandList.querySelectorAll('input:checked')].map((input) => input.value);
    writeSelectionToUrl();
    syncSelection(true);
  }

  async function loadBrands() {
    const response = await fetch('/v1/brands', { headers: { accept: 'application/json' } });
    if (!response.ok) throw new Error(`GET /v1/brands answered ${response.status}`);
    const brands = await response.json();
    if (!Array.isArray(brands)) throw new Error('GET /v1/brands did not answer a list');
    return brands.filter((brand) => brand && typeof brand.id === 'string');
  }

  function connect() {
    if (typeof window.io !== 'function') {
      setConnection('offline', 'Offline');
      showError('The socket.io client did not load; is the gateway running?');
      return;
    }
    socket = window.io({ transports: ['websocket'] });
    socket.on('connect', () => {
      setConnection('connected', 'Live');
      syncSelection(false);
    });
    socket.on('disconnect', () => {
      // Rooms do not survive a reconnection: the next connection subscribes again from scratch.
      state.subscribed = [];
      setConnection('reconnecting', 'Reconnecting…');
    });
    socket.on('connect_error', () => setConnection('reconnecting', 'Reconnecting…'));
    socket.on('mention.created', onMentionCreated);
    socket.on('signal.spike', onSignal);
    socket.on('connection.refused', (error) => {
      setConnection('offline', 'Refused');
      showError(`The gateway refused this connection: ${describeError(error)}`);
    });
  }

  async function start() {
    elements.pause.addEventListener('click', onPauseClicked);
    for (const button of elements.filterButtons) button.addEventListener('click', onFilterClicked);
    setInterval(() => {
      renderCounts();
      renderTrends();
    }, COUNTS_REFRESH_MS);
    try {
      state.brands = await loadBrands();
    } catch (error) {
      showError(`Could not load the brands: ${error.message}`);
      state.brands = [];
    }
    state.brandNames = new Map(state.brands.map((brand) => [brand.id, brand.name || brand.id]));
    state.selected = readSelectionFromUrl(state.brands.map((brand) => brand.id));
    renderBrandPicker();
    renderEmptyNote();
    connect();
  }

  start();
})();
