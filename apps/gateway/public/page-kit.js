/*
 * Helpers shared by the mention wall and the alert console: number formatting, socket
 * commands with a timeout, and the error and connection indicators of the page header.
 */
(function () {
  'use strict';

  const ACK_TIMEOUT_MS = 8000;

  /** 950 → "950", 12 345 → "12.3k", 1 250 000 → "1.3M". */
  function formatCompact(value) {
    if (value < 1000) return String(value);
    const [divisor, suffix] = value < 1_000_000 ? [1000, 'k'] : [1_000_000, 'M'];
    const scaled = value / divisor;
    return `${scaled >= 100 ? Math.round(scaled) : scaled.toFixed(1).replace(/\.0$/, '')}${suffix}`;
  }

  /** Emits a command and resolves with its ack, or with a timeout error shaped like one. */
  function emitWithAck(socket, event, payload) {
    return new Promise((resolve) =>
      socket
        .timeout(ACK_TIMEOUT_MS)
        .emit(event, payload, (error, answer) =>
          resolve(
            error || !answer
              ? { ok: false, error: { code: 'timeout', message: `no answer within ${ACK_TIMEOUT_MS / 1000} s` } }
              : answer,
          ),
        ),
    );
  }

  /** "unknown brand(s): x (unknown_brand)" from an error answer. */
  function describeError(error) {
    if (!error) return 'No answer from the server';
    return `${error.message || 'Request refused'}${error.code ? ` (${error.code})` : ''}`;
  }

  /** The page's error banner and connection pill, bound to its elements. */
  function bindHeader(elements) {
    return {
      showError(message) {
        elements.error.textContent = message;
        elements.error.hidden = false;
      },
      clearError() {
        elements.error.hidden = true;
        elements.error.textContent = '';
      },
      setConnection(stateName, text) {
        elements.status.dataset.state = stateName;
        elements.statusText.textContent = text;
      },
    };
  }

  window.TocsinPage = { formatCompact, emitWithAck, describeError, bindHeader };
})();
