/* Silences: the active ones, a form to add one, and "silence similar" from the selected alert. */
import type { Silence } from '@tocsin/alerting';
import { find, findAll, h } from '../shared/dom';
import { formatDuration } from '@tocsin/domain/format-duration';
import { formatTime } from '../shared/format';
import { requestJson } from '../shared/http.client';
import { brandName, header, personName, selectedAlert, state } from './console-state';

const SILENCES_REFRESH_MS = 30_000;
const SILENCES_REDRAW_MS = 15_000;

/** A field error as the gateway's 400 answers name it (`matchers`, `endsAtMs.0`…), or one of the form's own. */
interface FieldError {
  field: string;
  message: string;
}

const SILENCE_FIELDS: Record<string, string> = {
  matchers: 'Brand or trigger',
  reason: 'Reason',
  endsAtMs: 'End',
  startsAtMs: 'Start',
};

const form = find('[data-testid="silence-form"]', HTMLFormElement);
const elements = {
  details: find('.silences__details', HTMLDetailsElement),
  count: find('.silences__count', HTMLElement),
  errors: find('[data-testid="silence-errors"]', HTMLElement),
  list: find('[data-testid="silence-list"]', HTMLElement),
  brandSelect: find('select[name="brandId"]', HTMLSelectElement, form),
  triggerInput: find('[name="triggerId"]', HTMLInputElement, form),
  reason: find('[name="reason"]', HTMLInputElement, form),
  custom: find('.durations__custom', HTMLElement, form),
  submit: find('button[type="submit"]', HTMLButtonElement, form),
};

export function bindSilences(): void {
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void submitSilence();
  });
  form.addEventListener('change', (event) => {
    const target = event.target;
    if (target instanceof HTMLInputElement && target.name === 'duration') {
      elements.custom.hidden = target.value !== 'custom';
      if (!elements.custom.hidden) find('input', HTMLInputElement, elements.custom).focus();
    }
  });
  setInterval(renderSilences, SILENCES_REDRAW_MS);
  setInterval(() => void loadSilences(), SILENCES_REFRESH_MS);
}

/** The brand choices of the form, from the plan. */
export function renderSilenceBrands(): void {
  elements.brandSelect.replaceChildren(
    h('option', { value: '', text: 'Any brand' }),
    ...state.brands.map((brand) => h('option', { value: brand.id, text: brand.name })),
  );
}

export async function loadSilences(): Promise<void> {
  try {
    const answer = await requestJson<{ silences: Silence[] }>('/v1/silences');
    if (answer.ok && answer.body && Array.isArray(answer.body.silences)) {
      state.silences = answer.body.silences;
      renderSilences();
    }
  } catch {
    // Loaded again at the next refresh; the connection status tells the story meanwhile.
  }
}

async function deleteSilence(silence: Silence, button: HTMLButtonElement): Promise<void> {
  button.disabled = true;
  const answer = await requestJson(`/v1/silences/${encodeURIComponent(silence.id)}`, { method: 'DELETE' }).catch(
    () => null,
  );
  if (!answer || (!answer.ok && answer.status !== 404)) {
    button.disabled = false;
    header.showError(`Could not delete the silence: ${answer ? answer.status : 'network error'}`);
  }
  await loadSilences();
}

function renderSilences(): void {
  const now = Date.now();
  const active = state.silences.filter((silence) => silence.endsAtMs > now).sort((a, b) => a.endsAtMs - b.endsAtMs);
  elements.count.textContent = active.length > 0 ? `${active.length} active` : 'none active';
  elements.list.replaceChildren(
    ...active.map((silence) => {
      const { matchers } = silence;
      const what = [
        matchers.brandId ? `brand ${brandName(matchers.brandId)}` : null,
        matchers.triggerId ? `trigger ${matchers.triggerId}` : null,
        matchers.platform ? `platform ${matchers.platform}` : null,
      ].filter((part): part is string => part !== null);
      const remove = h('button', { type: 'button', class: 'btn btn--small btn--quiet', text: 'Delete' });
      remove.setAttribute('aria-label', `Delete the silence on ${what.join(', ')}`);
      remove.addEventListener('click', () => void deleteSilence(silence, remove));
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

function inputsFor(root: string): Element[] {
  if (root === 'matchers') return findAll('[name="brandId"], [name="triggerId"]', Element, form);
  if (root === 'endsAtMs') return findAll('[name="until"]', Element, form);
  return findAll(`[name="${CSS.escape(root)}"]`, Element, form);
}

function showSilenceErrors(errors: readonly FieldError[]): void {
  for (const input of findAll('[aria-invalid]', Element, form)) input.removeAttribute('aria-invalid');
  elements.errors.hidden = errors.length === 0;
  elements.errors.replaceChildren(
    ...errors.map((error) => {
      const root = error.field.split('.')[0] ?? '';
      for (const input of inputsFor(root)) input.setAttribute('aria-invalid', 'true');
      return h(
        'li',
        null,
        h('strong', { text: `${SILENCE_FIELDS[root] ?? (error.field || 'Silence')}: ` }),
        error.message,
      );
    }),
  );
}

/** When the silence ends, from the duration chosen, or a field error when "Until…" has no valid time. */
function endOf(data: FormData, startsAtMs: number): number | FieldError {
  const duration = String(data.get('duration'));
  if (duration !== 'custom') return startsAtMs + Number(duration);
  const until = Date.parse(String(data.get('until') ?? ''));
  return Number.isNaN(until) ? { field: 'endsAtMs', message: 'pick the date and time the silence ends' } : until;
}

async function submitSilence(): Promise<void> {
  const data = new FormData(form);
  const matchers: { brandId?: string; triggerId?: string } = {};
  const brandId = String(data.get('brandId') ?? '').trim();
  const triggerId = String(data.get('triggerId') ?? '').trim();
  if (brandId) matchers.brandId = brandId;
  if (triggerId) matchers.triggerId = triggerId;
  const startsAtMs = Date.now();
  const endsAtMs = endOf(data, startsAtMs);
  if (typeof endsAtMs !== 'number') {
    showSilenceErrors([endsAtMs]);
    return;
  }
  elements.submit.disabled = true;
  try {
    const answer = await requestJson<{ errors?: FieldError[]; message?: string }>('/v1/silences', {
      method: 'POST',
      // The author is the signed-in person: the server records it.
      body: { matchers, startsAtMs, endsAtMs, reason: String(data.get('reason') ?? '') },
    });
    if (answer.ok) {
      showSilenceErrors([]);
      form.reset();
      elements.custom.hidden = true;
      await loadSilences();
    } else if (answer.body && Array.isArray(answer.body.errors)) {
      showSilenceErrors(answer.body.errors);
    } else {
      showSilenceErrors([{ field: '', message: answer.body?.message ?? `the server answered ${answer.status}` }]);
    }
  } catch (error) {
    showSilenceErrors([{ field: '', message: error instanceof Error ? error.message : String(error) }]);
  } finally {
    elements.submit.disabled = false;
  }
}

/** Fills the form from the selected alert, so silencing "more of the same" is two keystrokes. */
export function prefillSilence(): void {
  const alert = selectedAlert();
  if (!alert) return;
  elements.brandSelect.value = alert.brandId;
  elements.triggerInput.value = alert.triggerId;
  elements.details.open = true;
  elements.reason.focus();
  form.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
}
