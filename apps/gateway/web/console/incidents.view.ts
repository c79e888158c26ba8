/*
 * Incidents, the console's first view: each live incident of the chosen brands with its alerts
 * inside, its timeline (joins, level rises, pages, acknowledgement, notes, owner, resolution),
 * a note box, its commands and its crisis report. Alerts below stay the detail view.
 */
import type { Incident, IncidentEvent, IncidentEventKind, IncidentNotification } from '@tocsin/alerting';
import { find, h } from '../shared/dom';
import { formatTime } from '../shared/format';
import { describeError, sendCommand, type GatewaySocket } from '../shared/socket.client';
import { brandName, levelName, personName, rankOf, severityBucket, state } from './console-state';

const INCIDENT_EVENTS: readonly IncidentEventKind[] = [
  'incident.opened',
  'incident.updated',
  'incident.upgraded',
  'incident.escalated',
  'incident.acknowledged',
  'incident.resolved',
];

const incidents = new Map<string, Incident>();
/** What each incident's note box holds, so a redraw on a live event does not wipe a note being typed. */
const drafts = new Map<string, string>();
let socketOf: () => GatewaySocket | null = () => null;

const section = (): HTMLElement => find('[data-testid="incidents"]', HTMLElement);

/** Live first, then the highest level, then the newest: the incident to act on is at the top. */
function ordered(): Incident[] {
  return [...incidents.values()]
    .filter((incident) => state.selectedBrands.includes(incident.brandId))
    .sort(
      (a, b) =>
        Number(a.state === 'resolved') - Number(b.state === 'resolved') ||
        rankOf(b.level) - rankOf(a.level) ||
        b.openedAtMs - a.openedAtMs,
    );
}

async function command(
  incident: Incident,
  name: 'incident.acknowledge' | 'incident.resolve' | 'incident.note',
  text?: string,
): Promise<void> {
  const socket = socketOf();
  const error = find('[data-testid="incidents-error"]', HTMLElement);
  if (!socket || !state.userId) {
    error.textContent = 'Choose who you are to act on incidents.';
    error.hidden = false;
    return;
  }
  const answer =
    name === 'incident.note'
      ? await sendCommand(socket, name, { incidentId: incident.id, text: text ?? '' })
      : await sendCommand(socket, name, { incidentId: incident.id });
  if (!answer.ok) {
    error.textContent = `Could not ${name.slice('incident.'.length)} the incident: ${describeError(answer.error)}`;
    error.hidden = false;
    return;
  }
  error.hidden = true;
  if (name === 'incident.note') drafts.delete(incident.id);
  upsertIncident(answer.incident);
}

function timeline(incident: Incident): HTMLElement {
  return h(
    'ol',
    { class: 'incident__timeline' },
    incident.timeline.map((entry) =>
      h(
        'li',
        { dataset: { testid: 'incident-timeline-entry', action: entry.action } },
        h('time', { text: formatTime(entry.atMs) }),
        ' ',
        h('strong', { text: entry.action }),
        ` · ${personName(entry.actor)}: ${entry.reason}`,
      ),
    ),
  );
}

function noteForm(incident: Incident): HTMLElement {
  const input = h('textarea', {
    class: 'incident__note-input',
    rows: 2,
    maxlength: 2000,
    placeholder: 'Add a note for the other responders…',
    'aria-label': 'Note',
    dataset: { testid: 'incident-note-input' },
  });
  input.value = drafts.get(incident.id) ?? '';
  input.addEventListener('input', () => drafts.set(incident.id, input.value));
  const form = h(
    'form',
    { class: 'incident__note' },
    input,
    h('button', {
      type: 'submit',
      class: 'btn btn--small',
      text: 'Add note',
      dataset: { testid: 'incident-note-submit' },
    }),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (text) void command(incident, 'incident.note', text);
  });
  return form;
}

function card(incident: Incident): HTMLElement {
  const live = incident.state !== 'resolved';
  return h(
    'article',
    {
      class: `incident incident--sev${severityBucket(incident.level)}`,
      dataset: { testid: 'incident', incidentId: incident.id, state: incident.state, level: incident.level },
    },
    h(
      'header',
      { class: 'incident__head' },
      h('span', { class: 'incident__level', text: levelName(incident.level) }),
      h('span', { class: 'incident__brand', text: brandName(incident.brandId) }),
      h('span', { class: 'incident__state', text: incident.state }),
      incident.owner ? h('span', { class: 'incident__owner', text: `owner: ${personName(incident.owner)}` }) : null,
      h('span', { class: 'incident__opened', text: `opened ${formatTime(incident.openedAtMs)}` }),
    ),
    h('p', { class: 'incident__title', text: incident.title }),
    h(
      'ul',
      { class: 'incident__alerts', 'aria-label': 'Alerts in this incident' },
      incident.alerts.map((member) =>
        h(
          'li',
          { dataset: { testid: 'incident-alert', alertId: member.alertId, state: member.state } },
          h('strong', { text: `${levelName(member.level)} · ${member.triggerId}` }),
          ` — ${member.reason}`,
        ),
      ),
    ),
    h(
      'div',
      { class: 'incident__actions' },
      live && incident.state === 'open'
        ? h('button', {
            type: 'button',
            class: 'btn btn--small',
            text: 'Acknowledge incident',
            dataset: { testid: 'incident-ack' },
            onclick: () => void command(incident, 'incident.acknowledge'),
          })
        : null,
      live
        ? h('button', {
            type: 'button',
            class: 'btn btn--small btn--quiet',
            text: 'Resolve incident',
            dataset: { testid: 'incident-resolve' },
            onclick: () => void command(incident, 'incident.resolve'),
          })
        : null,
      h('a', {
        href: `/v1/incidents/${encodeURIComponent(incident.id)}/report?format=html`,
        target: '_blank',
        rel: 'noopener',
        text: 'Crisis report',
        dataset: { testid: 'incident-report' },
      }),
    ),
    h('details', { class: 'incident__history', open: true }, h('summary', { text: 'Timeline' }), timeline(incident)),
    noteForm(incident),
  );
}

/** Draws the incidents of the chosen brands; the section hides when there is none. */
export function renderIncidents(): void {
  const list = ordered();
  const root = section();
  root.hidden = list.length === 0;
  find('.incidents__list', HTMLElement, root).replaceChildren(...list.map(card));
}

/** Keeps the newest copy of an incident (an event may arrive after a command's answer). */
export function upsertIncident(incident: Incident): void {
  const known = incidents.get(incident.id);
  if (known && known.timeline.length > incident.timeline.length) return;
  incidents.set(incident.id, incident);
  renderIncidents();
}

/** The live incidents a subscription answered with. */
export function showIncidents(list: readonly Incident[]): void {
  list.forEach(upsertIncident);
}

/**
 * Listens to the incident facts of `socket`; `current` gives the socket commands go through,
 * `onPaged` rings the console when an incident page names the person using it.
 */
export function bindIncidents(
  socket: GatewaySocket,
  current: () => GatewaySocket | null,
  onPaged: (incident: Incident, page: IncidentNotification) => void,
): void {
  socketOf = current;
  const onEvent = (event: IncidentEvent): void => {
    upsertIncident(event.incident);
    if (event.kind === 'incident.escalated' && state.userId && event.notification.recipients.includes(state.userId)) {
      onPaged(event.incident, event.notification);
    }
  };
  for (const kind of INCIDENT_EVENTS) socket.on(kind, onEvent);
}
