/*
 * How the console rings the person using it: the banner of alerts paging them, a flashing tab
 * title, two tones when sound is on, and desktop notifications when the browser allows them.
 */
import type { AlertView, NotificationReason } from '@tocsin/alerting';
import { find, h } from '../shared/dom';
import { levelBadge } from './alert-list.view';
import { brandName, levelName, state, STORAGE_KEYS } from './console-state';

const BEEP_MIN_GAP_MS = 4000;
const BASE_TITLE = document.title;
const PAGE_REASONS: Record<NotificationReason, string> = {
  opened: 'new alert',
  escalated: 'escalated to you',
  upgraded: 'upgraded',
  repeat: 'still not acknowledged',
};

const elements = {
  banner: find('[data-testid="alert-banner"]', HTMLElement),
  bannerTitle: find('.banner__title', HTMLElement),
  bannerList: find('.banner__list', HTMLElement),
  bannerDismiss: find('.banner__dismiss', HTMLButtonElement),
  soundToggle: find('[data-testid="sound-toggle"]', HTMLButtonElement),
  notifyToggle: find('[data-testid="notify-toggle"]', HTMLButtonElement),
};

let flashTimer: ReturnType<typeof setInterval> | null = null;
let flashOn = false;
let lastBeepAtMs = 0;
let audioContext: AudioContext | null = null;
let onView: (alertId: string) => void = () => undefined;

/** Wires the pager's controls; `view` shows an alert the banner or a notification points at. */
export function bindPager(view: (alertId: string) => void): void {
  onView = view;
  elements.bannerDismiss.addEventListener('click', dismissPages);
  elements.soundToggle.addEventListener('click', onSoundToggled);
  elements.notifyToggle.addEventListener('click', () => void onNotifyClicked());
  state.soundOn = localStorage.getItem(STORAGE_KEYS.sound) === 'on';
  renderSoundToggle();
  renderNotifyToggle();
}

/** Rings for `alert`: banner, title, sound and desktop notification. */
export function page(alert: AlertView, reason: NotificationReason): void {
  state.pages.set(alert.id, { alertId: alert.id, reason, atMs: Date.now() });
  renderBanner();
  beep(false);
  notifyDesktop(alert, reason);
}

export function dismissPages(): void {
  state.pages.clear();
  renderBanner();
}

export function renderBanner(): void {
  // A page is over once someone acknowledged or resolved the alert.
  for (const alertId of state.pages.keys()) {
    if (state.alerts.get(alertId)?.state !== 'open') state.pages.delete(alertId);
  }
  const pages = [...state.pages.values()].sort((a, b) => b.atMs - a.atMs);
  elements.banner.hidden = pages.length === 0;
  elements.bannerList.replaceChildren(
    ...pages.slice(0, 4).flatMap((entry) => {
      const alert = state.alerts.get(entry.alertId);
      if (!alert) return [];
      return h(
        'li',
        { class: 'banner__item', dataset: { alertId: alert.id } },
        levelBadge(alert.level),
        h('strong', { text: brandName(alert.brandId) }),
        h('span', { class: 'banner__reason', text: alert.reason }),
        h('span', { class: 'banner__why', text: PAGE_REASONS[entry.reason] }),
        h('button', { type: 'button', class: 'btn btn--small', text: 'View', onclick: () => onView(alert.id) }),
      );
    }),
  );
  elements.bannerTitle.textContent =
    pages.length === 1 ? 'An alert is paging you' : `${pages.length} alerts are paging you`;
  updateFlash();
}

function titleForPages(): string {
  const pages = [...state.pages.values()].sort((a, b) => b.atMs - a.atMs);
  const top = pages[0] ? state.alerts.get(pages[0].alertId) : undefined;
  return top ? `(${pages.length}) ALERT ${levelName(top.level)} · ${brandName(top.brandId)}` : BASE_TITLE;
}

function updateFlash(): void {
  if (state.pages.size === 0) {
    if (flashTimer !== null) clearInterval(flashTimer);
    flashTimer = null;
    document.title = BASE_TITLE;
    return;
  }
  document.title = titleForPages();
  if (flashTimer !== null) return;
  flashOn = true;
  flashTimer = setInterval(() => {
    flashOn = !flashOn;
    document.title = flashOn ? titleForPages() : `(${state.pages.size}) ⚠ ${BASE_TITLE}`;
  }, 1000);
}

function ensureAudio(): AudioContext | null {
  if (typeof AudioContext !== 'function') return null;
  audioContext ??= new AudioContext();
  // Browsers start audio suspended until a gesture; a failed resume only means no sound this time.
  if (audioContext.state === 'suspended') audioContext.resume().catch(() => undefined);
  return audioContext;
}

/** Two short tones; only when the CM turned sound on, unless `force` (the toggle's own test beep). */
function beep(force: boolean): void {
  if (!state.soundOn && !force) return;
  const now = Date.now();
  if (!force && now - lastBeepAtMs < BEEP_MIN_GAP_MS) return;
  lastBeepAtMs = now;
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

function renderSoundToggle(): void {
  elements.soundToggle.setAttribute('aria-pressed', String(state.soundOn));
  elements.soundToggle.textContent = state.soundOn ? 'Sound on' : 'Sound off';
}

function onSoundToggled(): void {
  state.soundOn = !state.soundOn;
  localStorage.setItem(STORAGE_KEYS.sound, state.soundOn ? 'on' : 'off');
  renderSoundToggle();
  if (state.soundOn) beep(true);
}

function renderNotifyToggle(): void {
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
  if (permission === 'denied') button.title = 'Allow notifications for this site in the browser settings';
}

async function onNotifyClicked(): Promise<void> {
  if (!('Notification' in window)) return;
  try {
    await Notification.requestPermission();
  } catch {
    // Older browsers take a callback; the permission is read again below either way.
  }
  renderNotifyToggle();
}

function notifyDesktop(alert: AlertView, reason: NotificationReason): void {
  if (!('Notification' in window) || Notification.permission !== 'granted') return;
  try {
    const notification = new Notification(`${levelName(alert.level)} · ${brandName(alert.brandId)}`, {
      body: `${PAGE_REASONS[reason]}: ${alert.reason}`,
      tag: alert.id,
    });
    notification.addEventListener('click', () => {
      window.focus();
      onView(alert.id);
      notification.close();
    });
  } catch {
    // Some browsers only allow notifications from a service worker: the banner still rings.
  }
}
