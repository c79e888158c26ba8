import { find } from './dom';

/** The page header's error banner and connection pill, the same on every page. */
export interface PageHeader {
  showError(message: string): void;
  clearError(): void;
  setConnection(state: string, text: string): void;
}

/** Binds the error banner `errorSelector` and the `connection-status` pill of the page. */
export function bindPageHeader(errorSelector: string): PageHeader {
  const error = find(errorSelector, HTMLElement);
  const status = find('[data-testid="connection-status"]', HTMLElement);
  const statusText = find('.status__text', HTMLElement, status);
  return {
    showError(message) {
      error.textContent = message;
      error.hidden = false;
    },
    clearError() {
      error.hidden = true;
      error.textContent = '';
    },
    setConnection(state, text) {
      status.dataset.state = state;
      statusText.textContent = text;
    },
  };
}
