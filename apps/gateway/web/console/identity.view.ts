/* Who is using the console: the signed-in person in the toolbar, and the sign-out button. */
import { ACCESS_ROLE_LABELS } from '../shared/access-labels';
import { find } from '../shared/dom';
import type { SessionView } from '../shared/http.client';
import { state } from './console-state';

const elements = {
  name: find('[data-testid="signed-in-as"] .who__name', HTMLElement),
  signOut: find('[data-testid="sign-out"]', HTMLButtonElement),
  layout: find('[data-testid="console-layout"]', HTMLElement),
};

export function bindIdentity(signOut: () => void): void {
  elements.signOut.addEventListener('click', signOut);
}

/** The person the session says, and the console once it is known. */
export function renderIdentity(session: SessionView): void {
  elements.name.textContent = `${session.name} · ${ACCESS_ROLE_LABELS[session.role]}`;
  elements.layout.hidden = false;
  document.body.dataset.user = state.userId ?? '';
}
