/* Who is using the console: the picker in the toolbar and the welcome screen listing the plan's people. */
import { find, h } from '../shared/dom';
import { roleLabel, state } from './console-state';

const elements = {
  picker: find('[data-testid="user-picker"]', HTMLSelectElement),
  welcome: find('[data-testid="welcome"]', HTMLElement),
  welcomePeople: find('.welcome__people', HTMLElement),
  layout: find('[data-testid="console-layout"]', HTMLElement),
};

let onChoose: (userId: string | null) => void = () => undefined;

/** Wires the picker; `choose` switches the console to the person picked (null: nobody). */
export function bindIdentity(choose: (userId: string | null) => void): void {
  onChoose = choose;
  elements.picker.addEventListener('change', () => onChoose(elements.picker.value || null));
}

export function renderPeople(): void {
  const picker = elements.picker;
  picker.replaceChildren(h('option', { value: '', text: 'Choose…' }));
  for (const person of state.people.values()) {
    picker.append(h('option', { value: person.id, text: `${person.name} · ${roleLabel(person.role)}` }));
  }
  if (state.userId && !state.people.has(state.userId)) {
    picker.append(h('option', { value: state.userId, text: `${state.userId} (not in the plan)` }));
  }
  picker.value = state.userId ?? '';
  elements.welcomePeople.replaceChildren(
    ...[...state.people.values()].map((person) =>
      h(
        'li',
        null,
        h(
          'button',
          { type: 'button', class: 'person', dataset: { userId: person.id }, onclick: () => onChoose(person.id) },
          h('span', {
            class: 'person__avatar',
            'aria-hidden': 'true',
            text: person.name.trim().charAt(0).toUpperCase(),
          }),
          h('span', { class: 'person__name', text: person.name }),
          h('span', { class: 'person__role', text: roleLabel(person.role) }),
        ),
      ),
    ),
  );
}

/** The welcome screen until someone is chosen, or when the gateway refused the one chosen. */
export function renderIdentity(): void {
  const needsIdentity = !state.userId || state.refused;
  elements.welcome.hidden = !needsIdentity;
  elements.layout.hidden = needsIdentity;
  document.body.dataset.user = state.userId ?? '';
}
