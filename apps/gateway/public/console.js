'use strict';

/*
 * The on-call alert console. Everything the server sends (alert reasons, mention text, notes,
 * names) is untrusted: it only ever reaches the page through textContent or attributes set one
 * by one, never through innerHTML.
 */
(() => {
  const HISTORY_LIMIT = 100;
  const SILENCES_REFRESH_MS = 30_000;
  const DETAIL_REFRESH_MS = 10_000;
  const BEEP_MIN_GAP_MS = 4000;
  const MAX_DELIVERIES_SHOWN = 8;
  const BASE_TITLE = document.title;
  const STATES = ['open', 'acknowledged', 'resolved'];
  const STATE_LABELS = { open: 'Open', acknowledged: 'Acknowledged', resolved: 'Resolved' };
  const ROLE_LABELS = { cm: 'community manager', manager: 'manager', director: 'director' };
  const ALERT_EVENTS = [
    'alert.opened',
    'alert.updated',
    'alert.upgraded',
    'alert.acknowledged',
    'alert.escalated',
    'alert.resolved',
  ];
  const STORAGE_KEYS = {
    user: 'tocsin.console.user',
    sound: 'tocsin.console.sound',
    checklist: (alertId) => `tocsin.console.checklist.${alertId}`,
  };

  // ---------------------------------------------------------------- DOM helpers

  const $ = (selector, root = document) => root.querySelector(selector);
  const $$ = (selector, root = document) => [...root.querySelectorAll(selector)];

  /** `h('span', { class: 'x', dataset: { id } }, 'text', node)`: text always goes in as text nodes. */
  function h(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (name === 'class') node.className = value;
      else if (name === 'text') node.textContent = value;
      else if (name === 'dataset') Object.assign(node.dataset, value);
      else if (name === 'hidden') node.hidden = Boolean(value);
      else if (name.startsWith('on') && typeof value === 'function') node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value === true ? '' : String(value));
    }
    append(node, children);
    return node;
  }

  function append(node, children) {
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
  }

  const elements = {
    status: $('[data-testid="connection-status"]'),
    statusText: $('[data-testid="connection-status"] .status__text'),
    userPicker: $('[data-testid="user-picker"]'),
    soundToggle: $('[data-testid="sound-toggle"]'),
    notifyToggle: $('[data-testid="notify-toggle"]'),
    banner: $('[data-testid="alert-banner"]'),
    bannerTitle: $('.banner__title'),
    bannerList: $('.banner__list'),
    bannerDismiss: $('.banner__dismiss'),
    brandList: $('.brands__list'),
    stateButtons: $$('[data-state-filter]'),
    levelFilter: $('[data-testid="level-filter"]'),
    error: $('[data-testid="console-error"]'),
    welcome: $('[data-testid="welcome"]'),
    welcomePeople: $('.welcome__people'),
    layout: $('[data-testid="console-layout"]'),
    summary: $('.alerts__summary'),
    empty: $('[data-testid="alerts-empty"]'),
    groups: $('.alert-groups'),
    detail: $('[data-testid="alert-detail"]'),
    detailEmpty: $('.detail__empty'),
    detailContent: $('.detail__content'),
    ackButton: $('[data-testid="ack-button"]'),
    resolveButton: $('[data-testid="resolve-button"]'),
    silenceLike: $('[data-action="silence-like"]'),
    note: $('.actions textarea[name="note"]'),
    actionError: $('[data-testid="action-error"]'),
    silenceDetails: $('.silences__details'),
    silenceCount: $('.silences__count'),
    silenceForm: $('[data-testid="silence-form"]'),
    silenceErrors: $('[data-testid="silence-errors"]'),
    silenceList: $('[data-testid="silence-list"]'),
    knownTriggers: $('#known-triggers'),
  };
  const { formatCompact, emitWithAck, describeError } = window.TocsinPage;
  const { showError, clearError, setConnection } = window.TocsinPage.bindHeader(elements);

  const state = {
    plan: null,
    levels: [],
    levelById: new Map(),
    brands: [],
    brandNames: new Map(),
    people: new Map(),
    userId: null,
    selectedBrands: [],
    subscribed: [],
    alerts: new Map(),
    deliveries: new Map(),
    stateFilter: 'active',
    levelFilter: '',
    selectedId: null,
    busy: false,
    pages: new Map(),
    seenPages: new Set(),
    flashTimer: null,
    flashOn: false,
    soundOn: false,
    lastBeepAtMs: 0,
    silences: [],
    refused: false,
    detailKey: '',
  };

  // ---------------------------------------------------------------- formatting

  const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  const shortTimeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
  const dayFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });

  function formatTime(ms, withSeconds = true) {
    const date = new Date(ms);
    if (Number.isNaN(date.getTime())) return '—';
    const clock = (withSeconds ? timeFormat : shortTimeFormat).format(date);
    return date.toDateString() === new Date().toDateString() ? clock : `${dayFormat.format(date)} ${clock}`;
  }

  /** A countdown: "0:42", "12:05", "1:02:09". */
  function formatClock(ms) {
    const total = Math.max(0, Math.floor(Math.abs(ms) / 1000));
    const hours = Math.floor(total / 3600);
    const minutes = Math.floor((total % 3600) / 60);
    const seconds = String(total % 60).padStart(2, '0');
    return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
  }

  /** A plain duration: "45 s", "15 min", "2 h", "1 h 30 min", "3 d". */
  function formatDuration(ms) {
    const seconds = Math.round(Math.abs(ms) / 1000);
    if (seconds < 60) return `${seconds} s`;
    const minutes = Math.floor(seconds / 60);
    if (minutes < 60) return `${minutes} min`;
    const hours = Math.floor(minutes / 60);
    if (hours < 48) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
    return `${Math.floor(hours / 24)} d`;
  }

  function formatAgo(ms, now = Date.now()) {
    const elapsed = now - ms;
    if (elapsed < 10_000) return 'just now';
    return `${formatDuration(elapsed)} ago`;
  }

  function plural(count, word) {
    return `${count.toLocaleString()} ${word}${count === 1 ? '' : 's'}`;
  }

  const brandName = (brandId) => state.brandNames.get(brandId) || brandId;
  const personName = (userId) =>
    userId === 'tocsin' ? 'Tocsin' : (state.people.get(userId) && state.people.get(userId).name) || userId;
  const levelName = (levelId) => (state.levelById.get(levelId) && state.levelById.get(levelId).name) || levelId;

  function levelRank(levelId) {
    return state.levels.findIndex((level) => level.id === levelId);
  }

  /** Severity colour bucket 0 (calm) … 4 (red), spread over however many levels the plan has. */
  function severityBucket(levelId) {
    const rank = levelRank(levelId);
    const count = state.levels.length;
    if (rank < 0) return 2;
    if (count <= 1) return 4;
    return Math.round((rank / (count - 1)) * 4);
  }

  // ---------------------------------------------------------------- small UI utilities

  async function fetchJson(url, init) {
    const response = await fetch(url, { headers: { accept: 'application/json' }, ...init });
    const text = response.status === 204 ? '' : await response.text();
    let body = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = null;
    }
    return { ok: response.ok, status: response.status, body };
  }

  async function copyText(text) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      const area = h('textarea', { class: 'visually-hidden', readonly: true });
      area.value = text;
      document.body.append(area);
      area.select();
      const done = document.execCommand('copy');
      area.remove();
      return done;
    }
  }

  // ---------------------------------------------------------------- alert store

  /** Events and command answers may cross: keep whichever copy of an alert has gone further. */
  function progress(alert) {
    return [
      alert.state === 'resolved' ? 2 : alert.state === 'acknowledged' ? 1 : 0,
      Array.isArray(alert.audit) ? alert.audit.length : 0,
      alert.evidence ? alert.evidence.count : 0,
      alert.notificationCount || 0,
    ];
  }

  function isBehind(next, previous) {
    const a = progress(next);
    const b = progress(previous);
    for (let index = 0; index < a.length; index += 1) {
      if (a[index] !== b[index]) return a[index] < b[index];
    }
    return false;
  }

  function upsert(alert) {
    if (!alert || typeof alert.id !== 'string' || !alert.evidence) return false;
    const previous = state.alerts.get(alert.id);
    if (previous && isBehind(alert, previous)) return false;
    state.alerts.set(alert.id, alert);
    return true;
  }

  const pagesMe = (alert) => Boolean(state.userId) && (alert.pagedUserIds || []).includes(state.userId);

  function deadlineOf(alert) {
    const level = state.levelById.get(alert.level);
    if (!level || !level.playbook) return null;
    const budgetMs = level.playbook.responseDeadlineMs;
    return { budgetMs, atMs: alert.openedAtMs + budgetMs };
  }

  /** Where the response deadline stands: counting down, overdue, or met by the acknowledgement. */
  function deadlineStatus(alert, now) {
    const deadline = deadlineOf(alert);
    if (!deadline) return null;
    if (alert.state === 'open') {
      const left = deadline.atMs - now;
      return left >= 0
        ? { tone: left < 60_000 ? 'soon' : 'ok', text: `respond within ${formatClock(left)}` }
        : { tone: 'overdue', text: `overdue by ${formatClock(left)}` };
    }
    const answeredAt = alert.acknowledgedAtMs || alert.resolvedAtMs;
    if (!answeredAt) return null;
    const late = answeredAt - deadline.atMs;
    return late > 0
      ? { tone: 'late', text: `answered ${formatDuration(late)} late` }
      : { tone: 'met', text: `answered in ${formatDuration(answeredAt - alert.openedAtMs)}` };
  }

  function describeTarget(target) {
    if (target.user) return personName(target.user);
    if (target.role) return `the ${ROLE_LABELS[target.role] || target.role}`;
    if (target.schedule) return `whoever is on call (${target.schedule})`;
    return 'someone';
  }

  /** "escalates to the manager in 0:42", "pages again in 0:02", or why nothing more will happen. */
  function escalationStatus(alert, now) {
    if (alert.state === 'resolved') return null;
    if (alert.state === 'acknowledged') return { tone: 'stopped', text: 'escalation stopped' };
    if (typeof alert.nextEscalationAtMs !== 'number') return { tone: 'none', text: 'no further escalation' };
    const left = alert.nextEscalationAtMs - now;
    const escalation = alert.escalation || {};
    const steps = Array.isArray(escalation.steps) ? escalation.steps : [];
    const step = steps[alert.escalationStepIndex];
    const when = left > 0 ? `in ${formatClock(left)}` : 'now';
    if (step && Array.isArray(step.targets)) {
      return {
        tone: left < 30_000 ? 'soon' : 'ok',
        text: `escalates to ${step.targets.map(describeTarget).join(', ')} ${when}`,
      };
    }
    const repeat = escalation.repeat;
    const count = repeat ? ` (${(alert.repeatsDone || 0) + 1}/${repeat.maxTimes})` : '';
    return { tone: 'soon', text: `pages again ${when}${count}` };
  }

  // ---------------------------------------------------------------- the alert list

  function visibleAlerts() {
    const states =
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
  function compareAlerts(a, b) {
    if (a.state === 'resolved' && b.state === 'resolved') return (b.resolvedAtMs || 0) - (a.resolvedAtMs || 0);
    return levelRank(b.level) - levelRank(a.level) || b.openedAtMs - a.openedAtMs;
  }

  function orderedVisible() {
    const alerts = visibleAlerts();
    return STATES.flatMap((name) => alerts.filter((alert) => alert.state === name).sort(compareAlerts));
  }

  const rowParts = new Map();

  function levelBadge(levelId) {
    return h(
      'span',
      {
        class: `level-badge sev-${severityBucket(levelId)}`,
        title: `Severity level ${levelRank(levelId) + 1} of ${state.levels.length}`,
      },
      levelName(levelId),
    );
  }

  function createRow(alert) {
    const paged = pagesMe(alert);
    const age = h('span', { class: 'row__age' });
    const deadline = h('span', { class: 'row__deadline' });
    const escalation = h('span', { class: 'row__escalation' });
    const button = h(
      'button',
      { type: 'button', class: 'row__select', 'aria-current': alert.id === state.selectedId ? 'true' : 'false' },
      h(
        'span',
        { class: 'row__line row__line--head' },
        levelBadge(alert.level),
        h('span', { class: 'row__brand', text: brandName(alert.brandId) }),
        h('span', { class: `state-chip state-chip--${alert.state}`, text: STATE_LABELS[alert.state] || alert.state }),
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
        class: `alert-row sev-${severityBucket(alert.level)}${paged ? ' alert-row--mine' : ''}${alert.id === state.selectedId ? ' alert-row--selected' : ''}`,
        dataset: {
          testid: 'alert-row',
          alertId: alert.id,
          state: alert.state,
          level: alert.level,
          paged: String(paged),
        },
      },
      button,
    );
    button.addEventListener('click', () => select(alert.id));
    rowParts.set(alert.id, { alert, age, deadline, escalation });
    tickRow(rowParts.get(alert.id), Date.now());
    return row;
  }

  function tickRow(parts, now) {
    const { alert } = parts;
    parts.age.textContent =
      alert.state === 'resolved' && alert.resolvedAtMs
        ? `resolved ${formatAgo(alert.resolvedAtMs, now)}`
        : `opened ${formatAgo(alert.openedAtMs, now)}`;
    parts.age.title = `Opened ${formatTime(alert.openedAtMs)}`;
    const deadline = deadlineStatus(alert, now);
    parts.deadline.textContent = deadline ? deadline.text : '';
    parts.deadline.dataset.tone = deadline ? deadline.tone : '';
    const escalation = escalationStatus(alert, now);
    parts.escalation.textContent = escalation ? escalation.text : '';
    parts.escalation.dataset.tone = escalation ? escalation.tone : '';
  }

  function renderList() {
    const focusedId = document.activeElement && document.activeElement.closest('[data-testid="alert-row"]');
    const focusedAlertId = focusedId ? focusedId.dataset.alertId : null;
    rowParts.clear();
    const alerts = visibleAlerts();
    const groups = [];
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
          h('ol', { class: 'alert-list' }, inState.map(createRow)),
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
    const count = (name) => all.filter((alert) => alert.state === name).length;
    elements.summary.textContent = `${count('open')} open · ${count('acknowledged')} acknowledged · ${count('resolved')} resolved`;
    if (focusedAlertId) {
      const again = $(`[data-testid="alert-row"][data-alert-id="${CSS.escape(focusedAlertId)}"] .row__select`);
      if (again) again.focus({ preventScroll: true });
    }
    renderKnownTriggers();
  }

  function renderKnownTriggers() {
    const ids = new Set();
    for (const alert of state.alerts.values())
      for (const id of alert.evidence.triggerIds || [alert.triggerId]) ids.add(id);
    elements.knownTriggers.replaceChildren(...[...ids].sort().map((id) => h('option', { value: id })));
  }

  // ---------------------------------------------------------------- selection and the detail pane

  function select(alertId, { focus = false } = {}) {
    state.selectedId = alertId;
    const url = new URL(window.location.href);
    if (alertId) url.searchParams.set('alert', alertId);
    else url.searchParams.delete('alert');
    window.history.replaceState(null, '', url);
    for (const row of $$('[data-testid="alert-row"]')) {
      const selected = row.dataset.alertId === alertId;
      row.classList.toggle('alert-row--selected', selected);
      $('.row__select', row).setAttribute('aria-current', String(selected));
    }
    elements.actionError.hidden = true;
    if (state.pages.has(alertId)) {
      state.pages.delete(alertId);
      renderBanner();
    }
    renderDetail();
    if (alertId) loadDetail(alertId);
    if (focus) {
      const row = $(`[data-testid="alert-row"][data-alert-id="${CSS.escape(alertId)}"] .row__select`);
      if (row) {
        row.focus();
        row.scrollIntoView({ block: 'nearest' });
      }
    }
  }

  function move(step) {
    const ids = orderedVisible().map((alert) => alert.id);
    if (ids.length === 0) return;
    const index = ids.indexOf(state.selectedId);
    const next = index < 0 ? (step > 0 ? 0 : ids.length - 1) : Math.min(ids.length - 1, Math.max(0, index + step));
    select(ids[next], { focus: true });
  }

  let detailTimer = null;

  /** The alert with its webhook deliveries; refreshed after each event of the selected alert. */
  async function loadDetail(alertId) {
    clearTimeout(detailTimer);
    detailTimer = null;
    try {
      const answer = await fetchJson(`/v1/alerts/${encodeURIComponent(alertId)}`);
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
        renderList();
      }
    } catch (error) {
      showError(`Could not load alert ${alertId}: ${error.message}`);
    }
  }

  function scheduleDetailRefresh(delayMs) {
    if (!state.selectedId) return;
    clearTimeout(detailTimer);
    const alertId = state.selectedId;
    detailTimer = setTimeout(() => loadDetail(alertId), delayMs);
  }

  function renderDetail() {
    const alert = state.selectedId ? state.alerts.get(state.selectedId) : null;
    elements.detailEmpty.hidden = Boolean(alert);
    elements.detailContent.hidden = !alert;
    elements.detail.dataset.alertId = alert ? alert.id : '';
    elements.detail.dataset.state = alert ? alert.state : '';
    if (!alert) {
      state.detailKey = '';
      return;
    }
    const detail = elements.detailContent;
    const paged = pagesMe(alert);
    const header = $('.level-badge', detail);
    header.className = `level-badge sev-${severityBucket(alert.level)}`;
    header.textContent = levelName(alert.level);
    const chip = $('.state-chip', detail);
    chip.className = `state-chip state-chip--${alert.state}`;
    chip.textContent = STATE_LABELS[alert.state] || alert.state;
    $('.paged-chip', detail).hidden = !paged;
    $('.paged-chip', detail).textContent = alert.state === 'open' ? 'Paging you' : 'Paged you';
    elements.detail.classList.toggle('detail--mine', paged);
    elements.detail.classList.toggle('detail--open', alert.state === 'open');
    $('.detail__title', detail).textContent = `${brandName(alert.brandId)} — ${alert.reason}`;
    $('.detail__meta', detail).textContent =
      `Opened ${formatTime(alert.openedAtMs)} by trigger ${alert.triggerId} · plan ${alert.planVersion} · ` +
      `${plural(alert.notificationCount || 0, 'page')} sent` +
      (alert.pagedUserIds && alert.pagedUserIds.length > 0
        ? ` to ${[...new Set(alert.pagedUserIds)].map(personName).join(', ')}`
        : '');
    $('.fact--hits dd', detail).textContent = alert.evidence.count.toLocaleString();
    $('.fact--peak dd', detail).textContent = String(alert.evidence.peakPerMin);
    $('.fact--ack dd', detail).textContent = alert.acknowledgedBy
      ? `${personName(alert.acknowledgedBy)}, ${formatTime(alert.acknowledgedAtMs)}`
      : alert.state === 'resolved'
        ? 'no, resolved directly'
        : 'not yet';
    $('.fact--ack', detail).dataset.tone = alert.state === 'open' ? 'pending' : '';

    renderActions(alert);
    const key = `${alert.id}|${alert.level}`;
    if (key !== state.detailKey) {
      state.detailKey = key;
      elements.note.value = '';
      renderPlaybook(alert);
    }
    renderSamples(alert);
    renderAudit(alert);
    renderDeliveries(alert);
    tickDetail(Date.now());
  }

  function tickDetail(now) {
    const alert = state.selectedId ? state.alerts.get(state.selectedId) : null;
    if (!alert) return;
    const detail = elements.detailContent;
    const deadline = deadlineStatus(alert, now);
    const deadlineCell = $('.fact--deadline dd', detail);
    deadlineCell.textContent = deadline ? deadline.text : '—';
    deadlineCell.dataset.tone = deadline ? deadline.tone : '';
    const escalation = escalationStatus(alert, now);
    const escalationCell = $('.fact--escalation dd', detail);
    escalationCell.textContent = escalation ? escalation.text : alert.state === 'resolved' ? 'none (resolved)' : '—';
    escalationCell.dataset.tone = escalation ? escalation.tone : '';
    const budget = deadlineOf(alert);
    const line = $('.playbook__deadline', detail);
    line.replaceChildren();
    if (budget) {
      append(line, [
        h('strong', { text: `Respond within ${formatDuration(budget.budgetMs)}` }),
        ` of the opening — due ${formatTime(budget.atMs, false)}`,
        deadline ? h('span', { class: 'tone', dataset: { tone: deadline.tone }, text: ` (${deadline.text})` }) : null,
      ]);
    }
  }

  function renderActions(alert) {
    const noUser = !state.userId;
    const ack = elements.ackButton;
    const resolve = elements.resolveButton;
    ack.disabled = noUser || state.busy || alert.state !== 'open';
    resolve.disabled = noUser || state.busy || alert.state === 'resolved';
    ack.title = noUser
      ? 'Choose who you are first'
      : alert.state === 'open'
        ? 'Acknowledge: you own it, escalation stops (a)'
        : `Already ${alert.state}`;
    resolve.title = noUser
      ? 'Choose who you are first'
      : alert.state === 'resolved'
        ? 'Already resolved'
        : 'Resolve (r)';
    elements.note.disabled = alert.state === 'resolved';
    elements.silenceLike.disabled = noUser;
  }

  function renderPlaybook(alert) {
    const level = state.levelById.get(alert.level);
    const playbook = level && level.playbook;
    const detail = elements.detailContent;
    const checklist = $('.checklist', detail);
    const responders = $('.playbook__responders', detail);
    const guidelines = $('.guidelines', detail);
    checklist.replaceChildren();
    responders.replaceChildren();
    guidelines.replaceChildren();
    if (!playbook) {
      checklist.append(
        h('li', { class: 'muted', text: `No playbook for level "${alert.level}" in the plan in force.` }),
      );
      return;
    }
    const storageKey = STORAGE_KEYS.checklist(alert.id);
    let ticked = [];
    try {
      ticked = JSON.parse(localStorage.getItem(storageKey) || '[]');
    } catch {
      ticked = [];
    }
    playbook.steps.forEach((step, index) => {
      const input = h('input', { type: 'checkbox', dataset: { step: String(index) } });
      input.checked = ticked.includes(index);
      input.addEventListener('change', () => {
        const now = $$('input[type="checkbox"]', checklist)
          .filter((box) => box.checked)
          .map((box) => Number(box.dataset.step));
        localStorage.setItem(storageKey, JSON.stringify(now));
      });
      checklist.append(h('li', null, h('label', { class: 'check' }, input, h('span', { text: step }))));
    });

    const publicResponders = playbook.publicResponders || {};
    const roles = publicResponders.roles || [];
    const users = publicResponders.users || [];
    const names = [
      ...roles.map((role) => `every ${ROLE_LABELS[role] || role}`),
      ...users.map((userId) => personName(userId)),
    ];
    const me = state.people.get(state.userId);
    const mayAnswer = Boolean(me) && (roles.includes(me.role) || users.includes(me.id));
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

    const list = playbook.replyGuidelines || [];
    if (list.length === 0) guidelines.append(h('li', { class: 'muted', text: 'No reply guidelines for this level.' }));
    for (const guideline of list) guidelines.append(renderGuideline(guideline));
  }

  /** "FR : « … »" and "EN: "…"" guidelines are reply templates: shown with their language and a copy button. */
  function renderGuideline(guideline) {
    const tagged = /^\s*(FR|EN|DE|ES|IT|NL)\s*:\s*(.+)$/i.exec(guideline);
    const quoted = /[«“"]\s*([^»”"]+?)\s*[»”"]/.exec(tagged ? tagged[2] : guideline);
    if (!tagged && !quoted) return h('li', { class: 'guideline', text: guideline });
    const template = quoted ? quoted[1] : tagged[2].trim();
    const button = h('button', { type: 'button', class: 'btn btn--small copy', text: 'Copy' });
    button.setAttribute('aria-label', `Copy the ${tagged ? tagged[1].toUpperCase() + ' ' : ''}reply template`);
    button.addEventListener('click', async () => {
      const done = await copyText(template);
      button.textContent = done ? 'Copied ✓' : 'Copy failed';
      setTimeout(() => {
        button.textContent = 'Copy';
      }, 1500);
    });
    return h(
      'li',
      { class: 'guideline guideline--template' },
      tagged ? h('span', { class: 'lang', text: tagged[1].toUpperCase() }) : null,
      h('q', { class: 'template', text: template }),
      button,
    );
  }

  function escapeRegExp(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }

  /** Text with the crisis terms in <mark>: built from text nodes, so nothing in it is ever parsed as HTML. */
  function highlighted(text, terms) {
    const node = h('p', { class: 'sample__text' });
    const wanted = [...new Set(terms.filter((term) => typeof term === 'string' && term.trim().length > 0))].sort(
      (a, b) => b.length - a.length,
    );
    if (wanted.length === 0) {
      node.textContent = text;
      return node;
    }
    const pattern = new RegExp(wanted.map(escapeRegExp).join('|'), 'giu');
    let last = 0;
    for (const match of text.matchAll(pattern)) {
      if (match.index > last) node.append(document.createTextNode(text.slice(last, match.index)));
      node.append(h('mark', { text: match[0] }));
      last = match.index + match[0].length;
    }
    if (last < text.length) node.append(document.createTextNode(text.slice(last)));
    return node;
  }

  function renderSamples(alert) {
    const detail = elements.detailContent;
    const evidence = alert.evidence;
    $('.evidence__summary', detail).textContent =
      `${plural(evidence.count, 'hit')} from ${formatTime(evidence.firstSeenAtMs)} to ${formatTime(evidence.lastSeenAtMs)}, ` +
      `peak ${evidence.peakPerMin}/min · triggers: ${(evidence.triggerIds || []).join(', ') || alert.triggerId}` +
      (evidence.samples.length < evidence.count ? ` · latest ${evidence.samples.length} shown` : '');
    const samples = [...evidence.samples].reverse();
    const allTerms = samples.flatMap((sample) => (sample.evidence && sample.evidence.terms) || []);
    const list = $('.samples', detail);
    list.replaceChildren(
      ...samples.map((sample) => {
        const ev = sample.evidence || {};
        const cues = [];
        if (typeof ev.sentimentScore === 'number') {
          cues.push(
            h('span', {
              class: `cue ${ev.sentimentScore < 0 ? 'cue--negative' : ''}`,
              text: `sentiment ${ev.sentimentScore.toFixed(2)}`,
            }),
          );
        }
        if (ev.terms && ev.terms.length > 0)
          cues.push(h('span', { class: 'cue', text: `terms: ${ev.terms.join(', ')}` }));
        if (ev.share) {
          cues.push(
            h('span', {
              class: 'cue',
              text: `${ev.share.negative}/${ev.share.total} negative (${Math.round(ev.share.pct)}%) over ${formatDuration(ev.share.windowMs)}`,
            }),
          );
        }
        if (ev.signal) {
          cues.push(
            h('span', {
              class: 'cue',
              // The detector's own sentence: observed, expected, band, how unusual, since when.
              text: String(ev.signal.explanation),
            }),
          );
        }
        const author = ev.author ? String(ev.author) : null;
        return h(
          'li',
          { class: 'sample', dataset: { testid: 'evidence-sample' } },
          h(
            'div',
            { class: 'sample__head' },
            h('span', {
              class: 'sample__author',
              text: author
                ? /^[@\w]/.test(author) && !author.startsWith('@') && !author.includes(' ')
                  ? `@${author}`
                  : author
                : 'aggregate signal',
            }),
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
                  class: `sample__followers${ev.followers >= 100_000 ? ' sample__followers--influential' : ''}`,
                  text: `${formatCompact(ev.followers)} followers`,
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
      }),
    );
    if (samples.length === 0) list.append(h('li', { class: 'muted', text: 'No sample kept for this alert.' }));
  }

  const ACTION_LABELS = {
    opened: 'opened',
    upgraded: 'upgraded',
    notified: 'paged',
    'escalation-skipped': 'escalation skipped',
    acknowledged: 'acknowledged',
    resolved: 'resolved',
    'auto-resolved': 'auto-resolved',
  };

  function renderAudit(alert) {
    const list = $('.audit__list', elements.detailContent);
    list.replaceChildren(
      ...(alert.audit || []).map((entry) =>
        h(
          'li',
          {
            class: `audit-entry audit-entry--${entry.action}`,
            dataset: { testid: 'audit-entry', action: entry.action },
          },
          h('time', { datetime: new Date(entry.atMs).toISOString(), text: formatTime(entry.atMs) }),
          h('span', {
            class: 'audit-entry__actor',
            text: entry.actor === 'tocsin' ? 'Tocsin (automatic)' : personName(entry.actor),
          }),
          h('span', { class: 'audit-entry__action', text: ACTION_LABELS[entry.action] || entry.action }),
          entry.from || entry.to
            ? h('span', { class: 'audit-entry__transition', text: `${entry.from || '—'} → ${entry.to || '—'}` })
            : null,
          entry.reason ? h('span', { class: 'audit-entry__reason', text: entry.reason }) : null,
        ),
      ),
    );
  }

  function renderDeliveries(alert) {
    const detail = elements.detailContent;
    const deliveries = [...(state.deliveries.get(alert.id) || [])].sort((a, b) => b.atMs - a.atMs);
    $('.deliveries__empty', detail).hidden = deliveries.length > 0;
    const failed = deliveries.filter((delivery) => delivery.status === 'failed').length;
    const retrying = deliveries.filter((delivery) => delivery.status === 'retrying').length;
    $('#deliveries-heading').textContent =
      `Webhook deliveries${failed > 0 ? ` — ${failed} failed` : ''}${retrying > 0 ? `${failed > 0 ? ',' : ' —'} ${retrying} retrying` : ''}`;
    const shown = deliveries.slice(0, MAX_DELIVERIES_SHOWN);
    const hiddenCount = deliveries.length - shown.length;
    $('.deliveries__list', detail).replaceChildren(
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

  // ---------------------------------------------------------------- acknowledge / resolve

  async function httpCommand(command, alertId, note) {
    const body = { userId: state.userId };
    if (note) body.note = note;
    const answer = await fetchJson(`/v1/alerts/${encodeURIComponent(alertId)}/${command}`, {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (answer.ok && answer.body) return { ok: true, alert: answer.body };
    const error = answer.body || {};
    return {
      ok: false,
      error: { code: error.code || String(answer.status), message: error.message || 'request failed' },
    };
  }

  async function act(command) {
    const alert = state.selectedId ? state.alerts.get(state.selectedId) : null;
    const button = command === 'acknowledge' ? elements.ackButton : elements.resolveButton;
    if (!alert || button.disabled) return;
    const note = elements.note.value.trim();
    state.busy = true;
    renderActions(alert);
    button.setAttribute('aria-busy', 'true');
    elements.actionError.hidden = true;
    let answer;
    try {
      if (socket && socket.connected) {
        answer = await emitWithAck(
          socket,
          `alert.${command}`,
          note ? { alertId: alert.id, note } : { alertId: alert.id },
        );
      } else {
        answer = await httpCommand(command, alert.id, note);
      }
    } catch (error) {
      answer = { ok: false, error: { code: 'network', message: error.message } };
    }
    state.busy = false;
    button.removeAttribute('aria-busy');
    if (answer && answer.ok) {
      upsert(answer.alert);
      elements.note.value = '';
      state.pages.delete(alert.id);
      renderBanner();
      scheduleDetailRefresh(800);
    } else {
      const verb = command === 'acknowledge' ? 'acknowledge' : 'resolve';
      elements.actionError.textContent = `Could not ${verb}: ${describeError(answer && answer.error)}`;
      elements.actionError.hidden = false;
    }
    renderList();
    renderDetail();
  }

  // ---------------------------------------------------------------- pages: banner, title, sound, notifications

  function page(alert, reason) {
    state.pages.set(alert.id, { alertId: alert.id, reason, atMs: Date.now() });
    renderBanner();
    beep();
    notifyDesktop(alert, reason);
  }

  const PAGE_REASONS = {
    opened: 'new alert',
    escalated: 'escalated to you',
    upgraded: 'upgraded',
    repeat: 'still not acknowledged',
  };

  function renderBanner() {
    // A page is over once someone acknowledged or resolved the alert.
    for (const [alertId] of state.pages) {
      const alert = state.alerts.get(alertId);
      if (!alert || alert.state !== 'open') state.pages.delete(alertId);
    }
    const pages = [...state.pages.values()].sort((a, b) => b.atMs - a.atMs);
    elements.banner.hidden = pages.length === 0;
    elements.bannerList.replaceChildren(
      ...pages.slice(0, 4).map((entry) => {
        const alert = state.alerts.get(entry.alertId);
        return h(
          'li',
          { class: 'banner__item', dataset: { alertId: alert.id } },
          levelBadge(alert.level),
          h('strong', { text: brandName(alert.brandId) }),
          h('span', { class: 'banner__reason', text: alert.reason }),
          h('span', { class: 'banner__why', text: PAGE_REASONS[entry.reason] || entry.reason }),
          h('button', {
            type: 'button',
            class: 'btn btn--small',
            text: 'View',
            onclick: () => select(alert.id, { focus: true }),
          }),
        );
      }),
    );
    elements.bannerTitle.textContent =
      pages.length === 1 ? 'An alert is paging you' : `${pages.length} alerts are paging you`;
    updateFlash();
  }

  function titleForPages() {
    const pages = [...state.pages.values()].sort((a, b) => b.atMs - a.atMs);
    const top = pages.length > 0 ? state.alerts.get(pages[0].alertId) : null;
    return top ? `(${pages.length}) ALERT ${levelName(top.level)} · ${brandName(top.brandId)}` : BASE_TITLE;
  }

  function updateFlash() {
    if (state.pages.size === 0) {
      clearInterval(state.flashTimer);
      state.flashTimer = null;
      document.title = BASE_TITLE;
      return;
    }
    document.title = titleForPages();
    if (state.flashTimer) return;
    state.flashOn = true;
    state.flashTimer = setInterval(() => {
      state.flashOn = !state.flashOn;
      document.title = state.flashOn ? titleForPages() : `(${state.pages.size}) ⚠ ${BASE_TITLE}`;
    }, 1000);
  }

  let audioContext = null;

  function ensureAudio() {
    const Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return null;
    if (!audioContext) audioContext = new Context();
    if (audioContext.state === 'suspended') audioContext.resume().catch(() => {});
    return audioContext;
  }

  /** Two short tones; only when the CM turned sound on. */
  function beep(force = false) {
    if (!state.soundOn && !force) return;
    const now = Date.now();
    if (!force && now - state.lastBeepAtMs < BEEP_MIN_GAP_MS) return;
    state.lastBeepAtMs = now;
    const context = ensureAudio();
    if (!context) return;
    const start = context.currentTime + 0.02;
    [0, 0.22].forEach((offset, index) => {
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      oscillator.type = 'sine';
      oscillator.frequency.value = index === 0 ? 880 : 660;
      gain.gain.setValueAtTime(0.0001, start + offset);
      gain.gain.exponentialRampToValueAtTime(0.25, start + offset + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.18);
      oscillator.connect(gain).connect(context.destination);
      oscillator.start(start + offset);
      oscillator.stop(start + offset + 0.2);
    });
  }

  function renderSoundToggle() {
    elements.soundToggle.setAttribute('aria-pressed', String(state.soundOn));
    elements.soundToggle.textContent = state.soundOn ? 'Sound on' : 'Sound off';
  }

  function onSoundToggled() {
    state.soundOn = !state.soundOn;
    localStorage.setItem(STORAGE_KEYS.sound, state.soundOn ? 'on' : 'off');
    renderSoundToggle();
    if (state.soundOn) beep(true);
  }

  function renderNotifyToggle() {
    const button = elements.notifyToggle;
    if (!('Notification' in window)) {
      button.disabled = true;
      button.textContent = 'No desktop notifications';
      return;
    }
    const permission = Notification.permission;
    button.disabled = permission !== 'default';
    button.dataset.permission = permission;
    button.textContent =
      permission === 'granted'
        ? 'Notifications on'
        : permission === 'denied'
          ? 'Notifications blocked'
          : 'Enable notifications';
    button.title = permission === 'denied' ? 'Allow notifications for this site in the browser settings' : button.title;
  }

  async function onNotifyClicked() {
    if (!('Notification' in window)) return;
    try {
      await Notification.requestPermission();
    } catch {
      // Older browsers take a callback; the permission is read again below either way.
    }
    renderNotifyToggle();
  }

  function notifyDesktop(alert, reason) {
    if (!('Notification' in window) || Notification.permission !== 'granted') return;
    try {
      const notification = new Notification(`${levelName(alert.level)} · ${brandName(alert.brandId)}`, {
        body: `${PAGE_REASONS[reason] || reason}: ${alert.reason}`,
        tag: alert.id,
      });
      notification.addEventListener('click', () => {
        window.focus();
        select(alert.id, { focus: true });
        notification.close();
      });
    } catch {
      // Some browsers only allow notifications from a service worker.
    }
  }

  // ---------------------------------------------------------------- socket

  let socket = null;
  let pendingSync = Promise.resolve();

  function onAlertEvent(event) {
    if (!event || !event.alert) return;
    upsert(event.alert);
    const alert = state.alerts.get(event.alert.id) || event.alert;
    if (state.userId && alert.state === 'open') {
      if (
        event.kind === 'alert.escalated' &&
        event.notification &&
        (event.notification.recipients || []).includes(state.userId)
      ) {
        const key = `${alert.id}|${event.notification.step}|${event.notification.reason}|${event.notification.atMs}`;
        if (!state.seenPages.has(key)) {
          state.seenPages.add(key);
          page(alert, event.notification.reason);
        }
      } else if (event.kind === 'alert.opened' && (event.alert.pagedUserIds || []).includes(state.userId)) {
        const key = `${alert.id}|0|opened|${alert.openedAtMs}`;
        if (!state.seenPages.has(key)) {
          state.seenPages.add(key);
          page(alert, 'opened');
        }
      }
    }
    if (state.pages.size > 0) renderBanner();
    renderList();
    if (alert.id === state.selectedId) {
      renderDetail();
      scheduleDetailRefresh(1000);
    }
  }

  async function loadHistory() {
    const answers = await Promise.all(
      STATES.map((name) => fetchJson(`/v1/alerts?state=${name}&limit=${HISTORY_LIMIT}`).catch(() => null)),
    );
    for (const answer of answers) {
      if (answer && answer.ok && answer.body && Array.isArray(answer.body.alerts)) answer.body.alerts.forEach(upsert);
    }
  }

  async function applySubscription(current) {
    if (!current.connected || state.refused) return;
    const removed = state.subscribed.filter((id) => !state.selectedBrands.includes(id));
    if (removed.length > 0) {
      const answer = await emitWithAck(current, 'unsubscribe', { brandIds: removed });
      if (!answer.ok) showError(`Could not unsubscribe from ${removed.join(', ')}: ${describeError(answer.error)}`);
    }
    state.subscribed = state.subscribed.filter((id) => state.selectedBrands.includes(id));
    if (state.selectedBrands.length > 0) {
      const answer = await emitWithAck(current, 'subscribe', { brandIds: state.selectedBrands });
      if (state.refused || current !== socket) return;
      if (!answer.ok) {
        showError(`Could not subscribe to ${state.selectedBrands.join(', ')}: ${describeError(answer.error)}`);
        return;
      }
      clearError();
      state.subscribed = Array.isArray(answer.brandIds) ? answer.brandIds : [...state.selectedBrands];
      (answer.alerts || []).forEach(upsert);
    }
    await loadHistory();
    renderList();
    renderDetail();
  }

  function syncSubscription() {
    if (!socket) return;
    const current = socket;
    pendingSync = pendingSync.then(() => applySubscription(current)).catch((error) => showError(error.message));
  }

  function connect() {
    if (socket) {
      socket.removeAllListeners();
      socket.disconnect();
      socket = null;
    }
    state.subscribed = [];
    state.refused = false;
    if (!state.userId) {
      setConnection('idle', 'Choose who you are');
      return;
    }
    if (typeof window.io !== 'function') {
      setConnection('offline', 'Offline');
      showError('The socket.io client did not load; is the gateway running?');
      return;
    }
    setConnection('connecting', 'Connecting…');
    // A new manager per identity: the handshake's auth must not be shared with the previous person's socket.
    const current = window.io({ transports: ['websocket'], auth: { userId: state.userId }, forceNew: true });
    socket = current;
    const live = () => current === socket && !state.refused;
    current.on('connect', () => {
      if (!live()) return;
      setConnection('connected', 'Live');
      clearError();
      syncSubscription();
    });
    current.on('disconnect', (reason) => {
      if (!live()) return;
      state.subscribed = [];
      if (reason === 'io server disconnect') {
        // Dropped on purpose by the server without a refusal: try again.
        current.connect();
      }
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
      showError(`The gateway refused this console: ${describeError(error)}. Choose who you are below.`);
      renderIdentity();
    });
    for (const kind of ALERT_EVENTS) current.on(kind, onAlertEvent);
  }

  // ---------------------------------------------------------------- identity, brands and filters

  function renderPeople() {
    const picker = elements.userPicker;
    picker.replaceChildren(h('option', { value: '', text: 'Choose…' }));
    for (const person of state.people.values()) {
      picker.append(
        h('option', { value: person.id, text: `${person.name} · ${ROLE_LABELS[person.role] || person.role}` }),
      );
    }
    if (state.userId && !state.people.has(state.userId)) {
      picker.append(h('option', { value: state.userId, text: `${state.userId} (not in the plan)` }));
    }
    picker.value = state.userId || '';
    elements.welcomePeople.replaceChildren(
      ...[...state.people.values()].map((person) =>
        h(
          'li',
          null,
          h(
            'button',
            { type: 'button', class: 'person', dataset: { userId: person.id }, onclick: () => chooseUser(person.id) },
            h('span', {
              class: 'person__avatar',
              'aria-hidden': 'true',
              text: person.name.trim().charAt(0).toUpperCase(),
            }),
            h('span', { class: 'person__name', text: person.name }),
            h('span', { class: 'person__role', text: ROLE_LABELS[person.role] || person.role }),
          ),
        ),
      ),
    );
  }

  function renderIdentity() {
    const needsIdentity = !state.userId || state.refused;
    elements.welcome.hidden = !needsIdentity;
    elements.layout.hidden = needsIdentity;
    document.body.dataset.user = state.userId || '';
  }

  function chooseUser(userId) {
    state.userId = userId || null;
    if (state.userId) localStorage.setItem(STORAGE_KEYS.user, state.userId);
    else localStorage.removeItem(STORAGE_KEYS.user);
    const url = new URL(window.location.href);
    if (state.userId) url.searchParams.set('user', state.userId);
    else url.searchParams.delete('user');
    window.history.replaceState(null, '', url);
    clearError();
    state.refused = false;
    state.pages.clear();
    state.seenPages.clear();
    renderPeople();
    renderIdentity();
    renderBanner();
    renderList();
    state.detailKey = '';
    renderDetail();
    connect();
  }

  function renderBrandPicker() {
    elements.brandList.replaceChildren();
    for (const brand of state.brands) {
      const input = h('input', { type: 'checkbox', value: brand.id, dataset: { testid: `brand-${brand.id}` } });
      input.checked = state.selectedBrands.includes(brand.id);
      input.addEventListener('change', onBrandToggled);
      elements.brandList.append(h('label', { class: 'brand-option' }, input, h('span', { text: brand.name })));
    }
    const brandSelect = $('select[name="brandId"]', elements.silenceForm);
    brandSelect.replaceChildren(
      h('option', { value: '', text: 'Any brand' }),
      ...state.brands.map((brand) => h('option', { value: brand.id, text: brand.name })),
    );
    elements.levelFilter.replaceChildren(
      h('option', { value: '', text: 'All levels' }),
      ...[...state.levels].reverse().map((level) => h('option', { value: level.id, text: level.name })),
    );
  }

  function onBrandToggled() {
    state.selectedBrands = $$('input:checked', elements.brandList).map((input) => input.value);
    const url = new URL(window.location.href);
    if (state.selectedBrands.length === state.brands.length) url.searchParams.delete('brands');
    else url.searchParams.set('brands', state.selectedBrands.join(','));
    window.history.replaceState(null, '', url);
    renderList();
    syncSubscription();
  }

  function onStateFilterClicked(event) {
    state.stateFilter = event.currentTarget.dataset.stateFilter;
    for (const button of elements.stateButtons)
      button.setAttribute('aria-pressed', String(button === event.currentTarget));
    renderList();
  }

  // ---------------------------------------------------------------- silences

  const SILENCE_FIELDS = {
    matchers: 'Brand or trigger',
    reason: 'Reason',
    endsAtMs: 'End',
    startsAtMs: 'Start',
    createdBy: 'Who',
  };

  async function loadSilences() {
    try {
      const answer = await fetchJson('/v1/silences');
      if (answer.ok && answer.body && Array.isArray(answer.body.silences)) {
        state.silences = answer.body.silences;
        renderSilences();
      }
    } catch {
      // Shown again at the next refresh; the connection status tells the story.
    }
  }

  function renderSilences() {
    const now = Date.now();
    const active = state.silences.filter((silence) => silence.endsAtMs > now).sort((a, b) => a.endsAtMs - b.endsAtMs);
    elements.silenceCount.textContent = active.length > 0 ? `${active.length} active` : 'none active';
    elements.silenceList.replaceChildren(
      ...active.map((silence) => {
        const matchers = silence.matchers || {};
        const what = [
          matchers.brandId ? `brand ${brandName(matchers.brandId)}` : null,
          matchers.triggerId ? `trigger ${matchers.triggerId}` : null,
          matchers.platform ? `platform ${matchers.platform}` : null,
        ].filter(Boolean);
        const remove = h('button', { type: 'button', class: 'btn btn--small btn--quiet', text: 'Delete' });
        remove.setAttribute('aria-label', `Delete the silence on ${what.join(', ')}`);
        remove.addEventListener('click', async () => {
          remove.disabled = true;
          const answer = await fetchJson(`/v1/silences/${encodeURIComponent(silence.id)}`, { method: 'DELETE' }).catch(
            () => null,
          );
          if (!answer || (!answer.ok && answer.status !== 404)) {
            remove.disabled = false;
            showError(`Could not delete the silence: ${answer ? answer.status : 'network error'}`);
          }
          await loadSilences();
        });
        return h(
          'li',
          { class: 'silence', dataset: { testid: 'silence', silenceId: silence.id } },
          h('div', { class: 'silence__what' }, h('strong', { text: what.join(' · ') || 'everything' })),
          h('div', {
            class: 'silence__when muted',
            text: `${silence.startsAtMs > now ? `from ${formatTime(silence.startsAtMs, false)} ` : ''}until ${formatTime(silence.endsAtMs, false)} (${formatDuration(silence.endsAtMs - now)} left) · by ${personName(silence.createdBy)}`,
          }),
          h('div', { class: 'silence__reason', text: silence.reason }),
          remove,
        );
      }),
    );
  }

  function showSilenceErrors(errors) {
    const form = elements.silenceForm;
    for (const input of $$('[aria-invalid]', form)) input.removeAttribute('aria-invalid');
    elements.silenceErrors.hidden = errors.length === 0;
    elements.silenceErrors.replaceChildren(
      ...errors.map((error) => {
        const root = String(error.field || '').split('.')[0];
        const inputs =
          root === 'matchers'
            ? $$('[name="brandId"], [name="triggerId"]', form)
            : root === 'endsAtMs'
              ? $$('[name="until"]', form)
              : $$(`[name="${CSS.escape(root)}"]`, form);
        for (const input of inputs) input.setAttribute('aria-invalid', 'true');
        return h(
          'li',
          null,
          h('strong', { text: `${SILENCE_FIELDS[root] || error.field || 'Silence'}: ` }),
          error.message,
        );
      }),
    );
  }

  async function onSilenceSubmitted(event) {
    event.preventDefault();
    const form = elements.silenceForm;
    const data = new FormData(form);
    if (!state.userId) {
      showSilenceErrors([{ field: 'createdBy', message: 'choose who you are first' }]);
      return;
    }
    const matchers = {};
    const brandId = String(data.get('brandId') || '').trim();
    const triggerId = String(data.get('triggerId') || '').trim();
    if (brandId) matchers.brandId = brandId;
    if (triggerId) matchers.triggerId = triggerId;
    const startsAtMs = Date.now();
    const duration = String(data.get('duration'));
    let endsAtMs;
    if (duration === 'custom') {
      const until = Date.parse(String(data.get('until') || ''));
      if (Number.isNaN(until)) {
        showSilenceErrors([{ field: 'endsAtMs', message: 'pick the date and time the silence ends' }]);
        return;
      }
      endsAtMs = until;
    } else {
      endsAtMs = startsAtMs + Number(duration);
    }
    const submit = $('button[type="submit"]', form);
    submit.disabled = true;
    try {
      const answer = await fetchJson('/v1/silences', {
        method: 'POST',
        headers: { accept: 'application/json', 'content-type': 'application/json' },
        body: JSON.stringify({
          matchers,
          startsAtMs,
          endsAtMs,
          createdBy: state.userId,
          reason: String(data.get('reason') || ''),
        }),
      });
      if (answer.ok) {
        showSilenceErrors([]);
        form.reset();
        $('.durations__custom', form).hidden = true;
        await loadSilences();
      } else if (answer.body && Array.isArray(answer.body.errors)) {
        showSilenceErrors(answer.body.errors);
      } else {
        showSilenceErrors([
          { field: '', message: (answer.body && answer.body.message) || `the server answered ${answer.status}` },
        ]);
      }
    } catch (error) {
      showSilenceErrors([{ field: '', message: error.message }]);
    } finally {
      submit.disabled = false;
    }
  }

  function prefillSilence() {
    const alert = state.selectedId ? state.alerts.get(state.selectedId) : null;
    if (!alert) return;
    const form = elements.silenceForm;
    $('[name="brandId"]', form).value = alert.brandId;
    $('[name="triggerId"]', form).value = alert.triggerId;
    elements.silenceDetails.open = true;
    const reason = $('[name="reason"]', form);
    reason.focus();
    form.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  }

  // ---------------------------------------------------------------- keyboard and clock

  function onKeyDown(event) {
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
        act('acknowledge');
        break;
      case 'r':
        act('resolve');
        break;
      case 'Escape':
        if (state.pages.size === 0) return;
        state.pages.clear();
        renderBanner();
        break;
      default:
        return;
    }
    event.preventDefault();
  }

  function tick() {
    const now = Date.now();
    for (const parts of rowParts.values()) tickRow(parts, now);
    tickDetail(now);
  }

  // ---------------------------------------------------------------- start

  async function loadPlan() {
    const answer = await fetchJson('/v1/plan');
    if (!answer.ok || !answer.body) throw new Error(`GET /v1/plan answered ${answer.status}`);
    return answer.body;
  }

  async function start() {
    elements.userPicker.addEventListener('change', () => chooseUser(elements.userPicker.value));
    elements.soundToggle.addEventListener('click', onSoundToggled);
    elements.notifyToggle.addEventListener('click', onNotifyClicked);
    elements.bannerDismiss.addEventListener('click', () => {
      state.pages.clear();
      renderBanner();
    });
    for (const button of elements.stateButtons) button.addEventListener('click', onStateFilterClicked);
    elements.levelFilter.addEventListener('change', () => {
      state.levelFilter = elements.levelFilter.value;
      renderList();
    });
    elements.ackButton.addEventListener('click', () => act('acknowledge'));
    elements.resolveButton.addEventListener('click', () => act('resolve'));
    elements.silenceLike.addEventListener('click', prefillSilence);
    elements.silenceForm.addEventListener('submit', onSilenceSubmitted);
    elements.silenceForm.addEventListener('change', (event) => {
      if (event.target.name === 'duration') {
        const custom = $('.durations__custom', elements.silenceForm);
        custom.hidden = event.target.value !== 'custom';
        if (!custom.hidden) $('input', custom).focus();
      }
    });
    document.addEventListener('keydown', onKeyDown);
    setInterval(tick, 1000);
    setInterval(() => {
      renderSilences();
    }, 15_000);
    setInterval(loadSilences, SILENCES_REFRESH_MS);
    setInterval(() => {
      const alert = state.selectedId ? state.alerts.get(state.selectedId) : null;
      if (alert && alert.state !== 'resolved' && document.visibilityState === 'visible') loadDetail(alert.id);
    }, DETAIL_REFRESH_MS);

    state.soundOn = localStorage.getItem(STORAGE_KEYS.sound) === 'on';
    renderSoundToggle();
    renderNotifyToggle();

    const params = new URLSearchParams(window.location.search);
    state.userId = params.get('user') || localStorage.getItem(STORAGE_KEYS.user) || null;
    state.selectedId = params.get('alert');

    try {
      state.plan = await loadPlan();
    } catch (error) {
      showError(`Could not load the crisis plan: ${error.message}`);
      state.plan = { brands: [], levels: [], people: [] };
    }
    state.levels = Array.isArray(state.plan.levels) ? state.plan.levels : [];
    state.levelById = new Map(state.levels.map((level) => [level.id, level]));
    state.brands = Array.isArray(state.plan.brands) ? state.plan.brands : [];
    state.brandNames = new Map(state.brands.map((brand) => [brand.id, brand.name || brand.id]));
    state.people = new Map((state.plan.people || []).map((person) => [person.id, person]));
    const brandParam = params.get('brands');
    const known = state.brands.map((brand) => brand.id);
    state.selectedBrands =
      brandParam === null
        ? known
        : brandParam
            .split(',')
            .map((id) => id.trim())
            .filter((id) => known.includes(id));

    if (state.userId && params.get('user')) localStorage.setItem(STORAGE_KEYS.user, state.userId);
    renderPeople();
    renderBrandPicker();
    renderIdentity();
    renderList();
    renderDetail();
    if (state.selectedId) loadDetail(state.selectedId);
    loadSilences();
    connect();
  }

  start();
})();
